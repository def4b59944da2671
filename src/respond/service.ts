// Respond use cases: start an incident, plan it, resume or finish it, and read its status, list and integrity.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAwsSession } from '../aws/session.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import type { IncidentRecord } from '../model/incident.ts';
import type { LoadedRunbook, Runbook, Section } from '../model/runbook.ts';
import { ensurePrivateDir } from '../state/dir.ts';
import { resolveCredential, type CredentialInput } from './credential.ts';
import { failpoints } from './failpoint.ts';
import { interaction } from './interact.ts';
import { Journal } from './journal.ts';
import { sha256 } from './journal-verify.ts';
import {
  incidentIds,
  incidentsRoot,
  latestOpen,
  loadIncident,
  newIncidentId,
  runbookCopy,
  RUNBOOK_COPY,
  type LoadedIncident,
} from './incidents.ts';
import { lockIncident, responderName } from './lock.ts';
import { parseRunbook } from './runbook-schema.ts';
import { selectRunbook } from './runbooks.ts';
import { runSection, type RunOutput, type RunResult } from './runner.ts';
import type { IncidentState } from './state.ts';
import type { RespondSettings } from './steps/types.ts';
import { notifyTargets } from '../notify/targets.ts';
import { parseSince } from './since.ts';

export interface CommonOptions {
  readonly stateDir: string;
  readonly out: RunOutput;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

export interface RunFlags {
  readonly yes: boolean;
  readonly confirm: readonly string[];
  readonly tty: boolean;
  /** Where .keyspill.yaml is looked for (and --config). */
  readonly cwd: string;
  readonly configFile?: string | undefined;
  /** --notify TYPE=VALUE (added to respond.notify). */
  readonly notify: readonly string[];
  /** --regions (instead of respond.regions / every enabled region). */
  readonly regions: readonly string[];
}

/** The run's settings: .keyspill.yaml's respond section and the command line (read again on every run). */
async function settingsFor(o: RunFlags, env: NodeJS.ProcessEnv): Promise<RespondSettings> {
  const config = await loadConfig(o.cwd, o.configFile);
  for (const r of o.regions)
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r))
      throw new ConfigError(`--regions: ${r} is not an AWS region`, 'e.g. --regions us-east-1,eu-west-1');
  return {
    knownCidrs: config.respond.knownCidrs,
    regions: o.regions.length > 0 ? o.regions : config.respond.regions,
    usedRegions: config.respond.usedRegions,
    notify: notifyTargets(config.respond.notify, o.notify, env),
  };
}

/** Steps of a section that finished only in part (resume tries them again). */
function partialSteps(st: IncidentState, rb: Runbook | undefined, section: Section): string[] {
  const ids =
    rb === undefined ? [...st.steps.keys()] : (section === 'steps' ? rb.steps : rb.finish).map((x) => x.id);
  return ids.filter((id) => st.steps.get(id)?.status === 'partial');
}

export interface StartOptions extends CommonOptions, CredentialInput, RunFlags {
  readonly runbook?: string | undefined;
  readonly since?: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  /** Called once the incident exists, before anything runs (the command prints its id first). */
  readonly onStarted?: (id: string, dir: string, banner: readonly string[]) => void;
}

export interface IncidentRunResult extends RunResult {
  readonly dir: string;
  readonly credential: IncidentRecord['credential'];
  readonly runbook: string;
  /** Set when there was nothing to do (resuming a contained incident). */
  readonly nothingToDo?: string | undefined;
}

export interface Prepared {
  readonly record: Omit<IncidentRecord, 'id' | 'createdAt' | 'createdBy'>;
  readonly loaded: LoadedRunbook;
}

/** Everything an incident needs before it exists: the credential, its runbook, parameters, the leak window. */
export async function prepareIncident(o: StartOptions): Promise<Prepared> {
  const config = await loadConfig(o.cwd, o.configFile);
  const cred = resolveCredential(o, o.stateDir);
  const loaded = selectRunbook({
    kind: cred.credential.kind,
    override: o.runbook,
    configFolder: config.respond.runbooks,
    fallback: cred.fallback,
  });
  const params = { ...cred.params, ...o.params };
  const rb = loaded.runbook;
  for (const name of Object.keys(params))
    if (!(name in rb.params))
      throw new ConfigError(
        `runbook ${rb.name} has no parameter "${name}"`,
        `its parameters: ${Object.keys(rb.params).join(', ') || 'none'} (see: keyspill runbooks list)`,
      );
  for (const [name, p] of Object.entries(rb.params))
    if (p.required === true && params[name] === undefined)
      throw new ConfigError(
        `runbook ${rb.name} needs the parameter ${name}: ${p.description}`,
        `pass --param ${name}=VALUE`,
      );
  const since = o.since !== undefined ? parseSince(o.since, (o.now ?? (() => new Date()))()) : cred.firstSeen;
  return {
    loaded,
    record: {
      credential: cred.credential,
      runbook: { name: rb.name, source: loaded.source, file: loaded.file, sha256: sha256(loaded.text) },
      ...(since === undefined ? {} : { since }),
      ...(cred.detectedAt === undefined ? {} : { detectedAt: cred.detectedAt }),
      params,
    },
  };
}

function resumeCommand(id: string, section: Section): string {
  return section === 'steps' ? `keyspill respond resume ${id}` : `keyspill respond finish ${id}`;
}

/** The banner: what will happen to which resource, step by step. */
export function banner(record: IncidentRecord, rb: Runbook, env: NodeJS.ProcessEnv): string[] {
  const c = record.credential;
  const lines = [
    `Incident ${record.id}: ${c.kind} ${c.redacted ?? c.id}${c.redacted !== undefined && c.id !== c.redacted ? ` (${c.id})` : ''}`,
    `Runbook ${rb.name}: ${rb.description}`,
  ];
  if (rb.steps.some((s) => s.kind.startsWith('aws.'))) {
    const profile = env['AWS_PROFILE'];
    lines.push(
      `AWS: ${profile ? `profile ${profile}` : 'the default credential chain'}, region ${env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || '(from the profile)'}; preflight names the account and user before anything changes`,
    );
  }
  if (record.since !== undefined) lines.push(`Leak window from ${record.since}`);
  return lines;
}

async function runLocked(
  inc: { id: string; dir: string; journal: Journal; record: IncidentRecord; runbook: Runbook },
  section: Section,
  o: CommonOptions & RunFlags,
  lockRelease: () => Promise<void>,
  compromised: () => boolean,
): Promise<RunResult> {
  const env = o.env ?? process.env;
  let stopRequested = false;
  const ac = new AbortController();
  const onSigint = (): void => {
    if (stopRequested) {
      ac.abort();
      process.stderr.write('\nstopping now; resume with: ' + resumeCommand(inc.id, section) + '\n');
      process.exit(130);
    }
    stopRequested = true;
    process.stderr.write('\nstopping after this step (Ctrl-C again to stop at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const settings = await settingsFor(o, env);
    return await runSection({
      settings,
      journal: inc.journal,
      runbook: inc.runbook,
      record: inc.record,
      dir: inc.dir,
      section,
      aws: createAwsSession(env),
      interaction: interaction({ yes: o.yes, confirmed: o.confirm, tty: o.tty }),
      out: o.out,
      failpoints: failpoints(env['KEYSPILL_FAILPOINT']),
      responder: responderName(env),
      env,
      resumeCommand: resumeCommand(inc.id, section),
      stopRequested: () => stopRequested || compromised(),
      signal: ac.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
    inc.journal.close();
    await lockRelease();
  }
}

function withMeta(r: RunResult, inc: { dir: string; record: IncidentRecord }): IncidentRunResult {
  return { ...r, dir: inc.dir, credential: inc.record.credential, runbook: inc.record.runbook.name };
}

/** `respond incident`: refuses a second open incident for the same credential; prints the id, then runs. */
export async function startIncident(o: StartOptions): Promise<IncidentRunResult> {
  const p = await prepareIncident(o);
  const c = p.record.credential;
  for (const id of incidentIds(o.stateDir).reverse()) {
    const other = loadIncident(o.stateDir, id).state;
    if (
      other?.status === 'open' &&
      other.record.credential.kind === c.kind &&
      other.record.credential.id === c.id
    )
      throw new ConfigError(
        `incident ${id} is already open for ${c.kind} ${c.id}: starting another would repeat its work`,
        `continue it: keyspill respond resume ${id} (its status: keyspill respond status ${id})`,
      );
  }
  const now = o.now ?? (() => new Date());
  const id = newIncidentId(now());
  const dir = ensurePrivateDir(join(ensurePrivateDir(incidentsRoot(o.stateDir)), id));
  writeFileSync(join(dir, RUNBOOK_COPY), p.loaded.text, { mode: 0o600, flag: 'wx' });
  const journal = Journal.create(dir, id, now);
  const lock = await lockIncident(dir, id, { env: o.env ?? process.env, now });
  const env = o.env ?? process.env;
  const record: IncidentRecord = {
    id,
    ...p.record,
    createdAt: now().toISOString(),
    createdBy: responderName(env),
  };
  journal.append({ type: 'opened', incident: record });
  o.onStarted?.(id, dir, banner(record, p.loaded.runbook, env));
  const r = await runLocked(
    { id, dir, journal, record, runbook: p.loaded.runbook },
    'steps',
    o,
    () => lock.release(),
    () => lock.compromised(),
  );
  return withMeta(r, { dir, record });
}

export interface ResumeOptions extends CommonOptions, RunFlags {
  readonly id?: string | undefined;
  readonly takeOver?: string | undefined;
  readonly section: Section;
}

/** `respond resume` / `respond finish`: locks, verifies the journal, re-probes from the first unfinished step. */
export async function resumeIncident(o: ResumeOptions): Promise<IncidentRunResult> {
  const inc: LoadedIncident | undefined =
    o.id === undefined ? latestOpen(o.stateDir) : loadIncident(o.stateDir, o.id);
  if (inc === undefined)
    throw new ConfigError(
      `no unfinished incident in ${incidentsRoot(o.stateDir)}`,
      'list them: keyspill respond list',
    );
  const pre = inc.state;
  if (pre !== undefined) {
    const partial = partialSteps(pre, undefined, o.section).length > 0;
    const done = (o.section === 'steps' ? pre.status !== 'open' : pre.status === 'closed') && !partial;
    if (done) return nothingToDo(inc, o.section);
    if (o.section === 'finish' && pre.status === 'open' && !partial)
      throw new ConfigError(
        `incident ${inc.id} is not contained yet, so it cannot be finished`,
        `contain it first: keyspill respond resume ${inc.id}`,
      );
  }
  const env = o.env ?? process.env;
  const now = o.now ?? (() => new Date());
  const lock = await lockIncident(inc.dir, inc.id, { takeOver: o.takeOver, env, now });
  let journal: Journal;
  let runbook: Runbook;
  try {
    journal = Journal.open(inc.dir, inc.id, now);
    const fresh = loadIncident(o.stateDir, inc.id);
    const parsed = parseRunbook(runbookCopy(fresh), join(inc.dir, RUNBOOK_COPY));
    if (parsed.runbook === undefined) throw new ConfigError(`the runbook copy of ${inc.id} no longer parses`);
    runbook = parsed.runbook;
    const st = fresh.state!;
    const partial = partialSteps(st, runbook, o.section).length > 0;
    if ((o.section === 'steps' ? st.status !== 'open' : st.status === 'closed') && !partial) {
      journal.close();
      await lock.release();
      return nothingToDo(fresh, o.section);
    }
  } catch (e) {
    await lock.release();
    throw e;
  }
  if (lock.tookOver !== undefined)
    journal.append({ type: 'lock-taken-over', from: lock.tookOver.from, reason: lock.tookOver.reason });
  journal.append({ type: 'resumed', by: responderName(env), section: o.section });
  const record = inc.state!.record;
  const r = await runLocked(
    { id: inc.id, dir: inc.dir, journal, record, runbook },
    o.section,
    o,
    () => lock.release(),
    () => lock.compromised(),
  );
  return withMeta(r, { dir: inc.dir, record });
}

function nothingToDo(inc: LoadedIncident, section: Section): IncidentRunResult {
  const st = inc.state!;
  const msg =
    section === 'steps'
      ? `incident ${inc.id} is already ${st.status} (${st.containedAt ?? ''}); nothing was changed`
      : `incident ${inc.id} is already closed (${st.closedAt ?? ''}); nothing was changed`;
  return {
    incidentId: inc.id,
    section,
    status: st.status === 'closed' ? 'closed' : 'contained',
    steps: [...st.steps.values()].map((s) => ({
      id: s.id,
      kind: '',
      title: '',
      status: s.status,
      facts: s.facts,
      warnings: s.warnings,
      outputs: s.outputs,
      confirmedBy: s.confirmed?.by,
    })),
    warnings: [],
    dir: inc.dir,
    credential: st.record.credential,
    runbook: st.record.runbook.name,
    nothingToDo: msg,
  };
}
