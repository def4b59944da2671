// Reading incidents: status (steps, confirmations, last stop, lock holder), the list, journal verification.
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { Credential } from '../model/incident.ts';
import type { JournalProblem } from './journal-verify.ts';
import {
  incidentIds,
  incidentsRoot,
  latest,
  loadIncident,
  RUNBOOK_COPY,
  runbookCopy,
  type LoadedIncident,
} from './incidents.ts';
import { currentHolder } from './lock.ts';
import { parseRunbook } from './runbook-schema.ts';
import type { IncidentState } from './state.ts';

export interface StepOrder {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  readonly section: 'steps' | 'finish';
}

export interface StatusResult {
  readonly id: string;
  readonly dir: string;
  readonly status: IncidentState['status'];
  readonly credential: Credential;
  readonly runbook: string;
  readonly since: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly containedAt: string | undefined;
  readonly closedAt: string | undefined;
  readonly lockedBy: string | undefined;
  readonly steps: readonly (StepOrder & {
    readonly status: string;
    readonly confirmedBy?: string | undefined;
    readonly error?: string | undefined;
  })[];
  readonly lastStop: IncidentState['lastStop'];
  readonly next: string | undefined;
  readonly journalProblems: readonly JournalProblem[];
}

/** The runbook's steps in order (from the incident's own copy), for status and reports. */
export function stepOrder(inc: LoadedIncident): StepOrder[] {
  try {
    const rb = parseRunbook(runbookCopy(inc), join(inc.dir, RUNBOOK_COPY)).runbook;
    if (rb === undefined) return [];
    return [
      ...rb.steps.map((s) => ({ id: s.id, title: s.title, kind: s.kind, section: 'steps' as const })),
      ...rb.finish.map((s) => ({ id: s.id, title: s.title, kind: s.kind, section: 'finish' as const })),
    ];
  } catch {
    return [];
  }
}

export function incidentStatus(
  stateDir: string,
  id: string | undefined,
): { result: StatusResult; state: IncidentState; order: StepOrder[] } {
  const inc = id === undefined ? latest(stateDir) : loadIncident(stateDir, id);
  if (inc === undefined)
    throw new ConfigError(
      `no incidents in ${incidentsRoot(stateDir)}`,
      'start one: keyspill respond incident --help',
    );
  const st = inc.state;
  if (st === undefined)
    throw new ConfigError(
      `the journal of ${inc.id} cannot be read`,
      `check it: keyspill respond verify ${inc.id}`,
    );
  const order = stepOrder(inc);
  const h = currentHolder(inc.dir);
  const next =
    st.lastStop?.next ??
    (st.status === 'open'
      ? `keyspill respond resume ${inc.id}`
      : st.status === 'contained'
        ? `keyspill respond finish ${inc.id}`
        : undefined);
  return {
    state: st,
    order,
    result: {
      id: inc.id,
      dir: inc.dir,
      status: st.status,
      credential: st.record.credential,
      runbook: st.record.runbook.name,
      since: st.record.since,
      createdAt: st.record.createdAt,
      updatedAt: st.updatedAt,
      containedAt: st.containedAt,
      closedAt: st.closedAt,
      lockedBy:
        h === undefined
          ? undefined
          : `${h.user} on ${h.host} (pid ${h.pid}) since ${h.since}, nonce ${h.nonce}`,
      steps: order.map((s) => {
        const v = st.steps.get(s.id);
        return {
          ...s,
          status: v?.status ?? 'pending',
          confirmedBy: v?.confirmed?.by,
          error: v?.error?.message,
        };
      }),
      lastStop: st.lastStop,
      next,
      journalProblems: inc.check.problems,
    },
  };
}

export interface ListedIncident {
  readonly id: string;
  readonly status: string;
  readonly kind: string;
  readonly credential: string;
  readonly runbook: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly stopped?: string | undefined;
}

export function listIncidents(stateDir: string): ListedIncident[] {
  return incidentIds(stateDir).map((id) => {
    const inc = loadIncident(stateDir, id);
    const st = inc.state;
    if (st === undefined)
      return {
        id,
        status: 'unreadable',
        kind: '',
        credential: '',
        runbook: '',
        createdAt: '',
        updatedAt: '',
      };
    const c = st.record.credential;
    return {
      id,
      status: st.status,
      kind: c.kind,
      credential: c.redacted !== undefined ? `${c.redacted} (${c.id})` : c.id,
      runbook: st.record.runbook.name,
      createdAt: st.record.createdAt,
      updatedAt: st.updatedAt,
      ...(st.lastStop
        ? { stopped: `${st.lastStop.reason}${st.lastStop.step ? ` at ${st.lastStop.step}` : ''}` }
        : {}),
    };
  });
}

export interface VerifyResult {
  readonly id: string;
  readonly ok: boolean;
  readonly entries: number;
  readonly problems: readonly JournalProblem[];
}

export function verifyIncident(stateDir: string, id: string): VerifyResult {
  const inc = loadIncident(stateDir, id);
  return {
    id,
    ok: inc.check.problems.length === 0,
    entries: inc.check.entries.length,
    problems: inc.check.problems,
  };
}
