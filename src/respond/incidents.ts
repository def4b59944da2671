// The incident store: <state>/incidents/<id>/ (journal, head, runbook copy, lock, evidence), ids, listing, loading.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ScanError } from '../errors.ts';
import type { JournalCheck } from './journal-verify.ts';
import { sha256 } from './journal-verify.ts';
import { readJournal } from './journal.ts';
import { foldJournal, type IncidentState } from './state.ts';

export const RUNBOOK_COPY = 'runbook.yml';
const ID = /^inc-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function incidentsRoot(stateDir: string): string {
  return join(stateDir, 'incidents');
}

/** `inc-YYYYMMDD-HHMMSS-xxxx` (UTC): sorts by time, short enough to type at 3am. */
export function newIncidentId(now: Date = new Date()): string {
  const t = now.toISOString();
  return `inc-${t.slice(0, 10).replaceAll('-', '')}-${t.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}

export function incidentDir(stateDir: string, id: string): string {
  if (!ID.test(id))
    throw new ConfigError(
      `"${id}" is not an incident id (they look like inc-20261204-031207-a1b2)`,
      'list them: keyspill respond list',
    );
  const dir = join(incidentsRoot(stateDir), id);
  if (!existsSync(join(dir, 'journal.jsonl')))
    throw new ConfigError(
      `no incident ${id} in ${incidentsRoot(stateDir)}`,
      'list them: keyspill respond list (or pass --state-dir)',
    );
  return dir;
}

/** Incident ids, oldest first. */
export function incidentIds(stateDir: string): string[] {
  try {
    return readdirSync(incidentsRoot(stateDir))
      .filter((n) => ID.test(n) && existsSync(join(incidentsRoot(stateDir), n, 'journal.jsonl')))
      .sort();
  } catch {
    return [];
  }
}

export interface LoadedIncident {
  readonly id: string;
  readonly dir: string;
  readonly check: JournalCheck;
  /** Undefined when the journal has no readable `opened` entry. */
  readonly state: IncidentState | undefined;
}

export function loadIncident(stateDir: string, id: string): LoadedIncident {
  const dir = incidentDir(stateDir, id);
  const check = readJournal(dir, id);
  let state: IncidentState | undefined;
  try {
    state = foldJournal(check.entries);
  } catch {
    state = undefined;
  }
  return { id, dir, check, state };
}

/** The runbook text an incident runs (its own copy), checked against the hash in its journal. */
export function runbookCopy(inc: LoadedIncident): string {
  const file = join(inc.dir, RUNBOOK_COPY);
  const text = readFileSync(file, 'utf8');
  if (inc.state !== undefined && sha256(text) !== inc.state.record.runbook.sha256)
    throw new ScanError(
      `the runbook copy of incident ${inc.id} (${file}) changed since the incident started`,
      'restore it, or start a new incident; keyspill will not run a runbook that changed under an incident',
    );
  return text;
}

/**
 * The most recent unfinished incident (for `respond resume` with no id): not contained yet, or contained with a step
 * done only in part (a region not audited, a notification not delivered).
 */
export function latestOpen(stateDir: string): LoadedIncident | undefined {
  for (const id of incidentIds(stateDir).reverse()) {
    const inc = loadIncident(stateDir, id);
    const st = inc.state;
    if (st === undefined || st.status === 'closed') continue;
    if (st.status === 'open' || [...st.steps.values()].some((s) => s.status === 'partial')) return inc;
  }
  return undefined;
}

/** The most recent incident of any status (for `respond status` with no id). */
export function latest(stateDir: string): LoadedIncident | undefined {
  const id = incidentIds(stateDir).at(-1);
  return id === undefined ? undefined : loadIncident(stateDir, id);
}
