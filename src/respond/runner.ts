// The runbook runner: each step probe → confirm → act → verify, every side effect journaled before and after.
import { createHash } from 'node:crypto';
import type { AwsSession } from '../aws/session.ts';
import { BugError, ConfigError, InterruptedError, KeyspillError } from '../errors.ts';
import type { IncidentRecord, JournalEntry } from '../model/incident.ts';
import type { Json } from '../model/json.ts';
import type { Runbook, Section, StepSpec } from '../model/runbook.ts';
import type { Failpoints } from './failpoint.ts';
import { decide, PromptInterrupted, type Interaction } from './interact.ts';
import type { Journal } from './journal.ts';
import { foldJournal, isFinished, type StepState } from './state.ts';
import { stepKind } from './steps/registry.ts';
import type { IncidentView, Outputs, RespondSettings, StepContext } from './steps/types.ts';
import { lookupPath, render, TemplateError, truthy, type Lookup } from './template.ts';

export interface RunOutput {
  /** One line of the live step list (stdout in text mode). */
  line(text: string): void;
}

export interface StepReport {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly status: StepState;
  readonly facts: readonly string[];
  readonly warnings: readonly string[];
  readonly outputs: Outputs;
  readonly confirmedBy?: string | undefined;
}

export interface RunResult {
  readonly incidentId: string;
  readonly section: Section;
  readonly status: 'contained' | 'closed' | 'stopped';
  readonly steps: readonly StepReport[];
  readonly stopped?:
    | { readonly reason: 'confirmation-needed' | 'interrupted'; readonly step: string; readonly next: string }
    | undefined;
  /** What the responder does next (the runbook's `after`, rendered). */
  readonly after?: string | undefined;
  readonly warnings: readonly string[];
}

export interface RunContext {
  readonly journal: Journal;
  readonly runbook: Runbook;
  readonly record: IncidentRecord;
  readonly dir: string;
  readonly section: Section;
  readonly aws: AwsSession;
  readonly interaction: Interaction;
  readonly out: RunOutput;
  readonly failpoints: Failpoints;
  readonly responder: string;
  readonly env: NodeJS.ProcessEnv;
  readonly settings: RespondSettings;
  /** The command that continues this incident (printed whenever the engine stops). */
  readonly resumeCommand: string;
  /** Set when the person asked to stop (Ctrl-C): honoured between steps. */
  readonly stopRequested: () => boolean;
  readonly signal: AbortSignal;
}

/** A deterministic idempotency token, shaped like a UUID (Secrets Manager wants 32–64 characters). */
export function idempotencyToken(incidentId: string, stepId: string, purpose: string): string {
  const h = createHash('sha256').update(`${incidentId}\0${stepId}\0${purpose}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Template values: the incident, the credential, parameters (their defaults rendered on use), step outputs. */
export function templateLookup(
  record: IncidentRecord,
  dir: string,
  runbook: Runbook,
  outputs: ReadonlyMap<string, Outputs>,
  missing: 'throw' | 'placeholder' = 'throw',
): Lookup {
  const incident: Json = {
    id: record.id,
    dir,
    since: record.since ?? 'an unknown time (no finding, no --since)',
    createdAt: record.createdAt,
    runbook: record.runbook.name,
  };
  const c = record.credential;
  const credential: Json = {
    kind: c.kind,
    id: c.id,
    redacted: c.redacted ?? c.id,
    fingerprint: c.fingerprint ?? '',
  };
  const depth = { n: 0 };
  const lookup: Lookup = (ref) => {
    const [root, name, field] = ref.split('.');
    if (root === 'incident') return lookupPath({ incident }, ref);
    if (root === 'credential') return lookupPath({ credential }, ref);
    if (root === 'steps') {
      const o = name === undefined ? undefined : outputs.get(name);
      return o === undefined || field === undefined ? undefined : o[field];
    }
    if (root === 'params' && name !== undefined) {
      const given = record.params[name];
      if (given !== undefined) return given;
      const def = runbook.params[name]?.default;
      if (def === undefined || depth.n > 8) return undefined;
      depth.n++;
      try {
        return render(def, lookup, { missing });
      } finally {
        depth.n--;
      }
    }
    return undefined;
  };
  return lookup;
}

function stepsOf(rb: Runbook, section: Section): readonly StepSpec[] {
  return section === 'steps' ? rb.steps : rb.finish;
}

const MARK: Record<StepState, string> = {
  pending: '·',
  running: '…',
  done: '✔',
  already: '✔',
  skipped: '–',
  partial: '!',
  failed: '✖',
};

/** Runs (or continues) one section of an incident's runbook. Failures are journaled, then thrown with the next command. */
export async function runSection(rc: RunContext): Promise<RunResult> {
  const { journal, runbook, record, section, out } = rc;
  const specs = stepsOf(runbook, section);
  const outputs = new Map<string, Outputs>();
  const reports: StepReport[] = [];
  const warnings: string[] = [];
  const state0 = foldJournal(journal.entries);
  for (const [id, s] of state0.steps) if (isFinished(s.status)) outputs.set(id, s.outputs);
  const view: IncidentView = {
    id: record.id,
    dir: rc.dir,
    credential: record.credential,
    since: record.since,
    createdAt: record.createdAt,
    runbook: record.runbook.name,
  };
  let effects = journal.entries.filter((e) => e.type === 'intent').length;

  for (const [n, spec] of specs.entries()) {
    const tag = `[${n + 1}/${specs.length}] ${spec.id}`;
    const prior = foldJournal(journal.entries).steps.get(spec.id);
    if (prior !== undefined && isFinished(prior.status)) {
      out.line(
        `${MARK[prior.status]} ${tag}: ${spec.title} (${prior.status === 'already' ? 'was already true' : prior.status})`,
      );
      reports.push({
        id: spec.id,
        kind: spec.kind,
        title: spec.title,
        status: prior.status,
        facts: prior.facts,
        warnings: prior.warnings,
        outputs: prior.outputs,
        confirmedBy: prior.confirmed?.by,
      });
      continue;
    }
    if (rc.stopRequested()) return stop(rc, reports, warnings, 'interrupted', spec.id);
    const kind = stepKind(spec.kind);
    if (kind === undefined) throw new ConfigError(`runbook ${runbook.name}: unknown step kind ${spec.kind}`);
    const lookup = templateLookup(record, rc.dir, runbook, outputs);
    const history = (): readonly JournalEntry[] =>
      journal.entries.filter((e) => 'step' in e && e.step === spec.id);
    const stepWarnings: string[] = [];
    const partial: string[] = [];
    try {
      if (spec.when !== undefined && !truthy(renderFor(spec, 'when', spec.when, lookup))) {
        journal.append({
          type: 'step-finished',
          step: spec.id,
          status: 'skipped',
          outputs: {},
          facts: [`skipped: ${spec.when} is false`],
          warnings: [],
        });
        out.line(`– ${tag}: ${spec.title} (not needed)`);
        reports.push({
          id: spec.id,
          kind: spec.kind,
          title: spec.title,
          status: 'skipped',
          facts: [],
          warnings: [],
          outputs: {},
        });
        continue;
      }
      const raw = renderFor(spec, 'with', spec.with, lookup);
      const parsed = kind.input.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ConfigError(
          `runbook ${runbook.name}, step ${spec.id} (${spec.kind}): input ${issue?.path.join('.') || ''}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(raw)})`,
          'fix the runbook (keyspill runbooks check FILE) or the value given on the command line',
        );
      }
      const input: unknown = parsed.data;
      journal.append({ type: 'step-started', step: spec.id, section, input: raw });
      out.line(`… ${tag}: ${spec.title}`);
      const ctx: StepContext = {
        incident: view,
        stepId: spec.id,
        aws: rc.aws,
        get history() {
          return history();
        },
        effect: async (call, fn, summarize) => {
          const effect = ++effects;
          journal.append({
            type: 'intent',
            step: spec.id,
            effect,
            call: call.call,
            args: call.args,
            ...(call.before === undefined ? {} : { before: call.before }),
          });
          let r;
          try {
            r = await fn();
          } catch (e) {
            journal.append({
              type: 'outcome',
              step: spec.id,
              effect,
              call: call.call,
              ok: false,
              error: (e as Error).message,
            });
            throw e;
          }
          rc.failpoints.afterEffect();
          journal.append({
            type: 'outcome',
            step: spec.id,
            effect,
            call: call.call,
            ok: true,
            ...(summarize === undefined ? {} : { result: summarize(r) }),
          });
          return r;
        },
        token: (purpose) => idempotencyToken(record.id, spec.id, purpose),
        note: (m) => out.line(`    ${m}`),
        warn: (m) => {
          stepWarnings.push(m);
          out.line(`    ! ${m}`);
        },
        responder: rc.responder,
        signal: rc.signal,
        env: rc.env,
        settings: rc.settings,
        checkpoint: (data) => {
          journal.append({ type: 'checkpoint', step: spec.id, data });
          rc.failpoints.afterCheckpoint();
        },
        evidence: (e) => void journal.append({ type: 'evidence', step: spec.id, ...e }),
        doneSoFar: () => {
          const st = foldJournal(journal.entries);
          return [...runbook.steps, ...runbook.finish]
            .filter((x) => x.id !== spec.id && isFinished(st.steps.get(x.id)?.status))
            .map((x) => {
              const v = st.steps.get(x.id)!;
              const by = v.confirmed ? `, confirmed by ${v.confirmed.by}` : '';
              return `${x.title} (${v.status === 'already' ? 'already true' : v.status}${by})`;
            });
        },
        partial: (reason) => {
          partial.push(reason);
          out.line(`    ! ${reason}`);
        },
      };
      const probe = await kind.probe(input, ctx);
      journal.append({ type: 'probed', step: spec.id, done: probe.done, facts: probe.facts });
      for (const f of probe.facts) out.line(`    · ${f}`);
      if (!probe.done && kind.effect === 'none') await kind.act(input, probe, ctx);
      else if (!probe.done) {
        const already = history().some((e) => e.type === 'confirmed');
        if (!already) {
          const d = decide(kind.effect, spec.id, rc.interaction);
          if (d.kind === 'stop') return stop(rc, reports, warnings, 'confirmation-needed', spec.id, d.flag);
          let how = d.kind === 'go' ? d.how : undefined;
          if (d.kind === 'ask' || d.kind === 'typed') {
            const text = kind.confirmText?.(input) ?? `${spec.title}?`;
            const ok =
              d.kind === 'ask'
                ? await rc.interaction.ask(text)
                : await rc.interaction.typed(text, kind.confirmWord?.(input) ?? spec.id);
            if (!ok)
              return stop(
                rc,
                reports,
                warnings,
                'confirmation-needed',
                spec.id,
                kind.effect === 'reversible' ? '--yes' : '--confirm',
                true,
              );
            how = d.kind === 'ask' ? 'prompt' : 'typed';
          }
          if (how !== undefined) journal.append({ type: 'confirmed', step: spec.id, by: rc.responder, how });
        }
        await kind.act(input, probe, ctx);
      }
      const result = await kind.verify(input, ctx, probe);
      const status: StepState = partial.length > 0 ? 'partial' : probe.done ? 'already' : 'done';
      stepWarnings.push(...partial);
      journal.append({
        type: 'step-finished',
        step: spec.id,
        status,
        outputs: result,
        facts: probe.facts,
        warnings: stepWarnings,
      });
      outputs.set(spec.id, result);
      warnings.push(...stepWarnings);
      out.line(
        `${MARK[status]} ${tag}: ${status === 'already' ? 'already true, nothing to do' : status === 'partial' ? 'done in part (resume tries the rest again)' : 'done'}`,
      );
      const confirmed = [...history()].reverse().find((e) => e.type === 'confirmed');
      reports.push({
        id: spec.id,
        kind: spec.kind,
        title: spec.title,
        status,
        facts: probe.facts,
        warnings: stepWarnings,
        outputs: result,
        confirmedBy: confirmed?.type === 'confirmed' ? confirmed.by : undefined,
      });
    } catch (e) {
      if (e instanceof PromptInterrupted) return stop(rc, reports, warnings, 'interrupted', spec.id);
      const err =
        e instanceof KeyspillError
          ? e
          : e instanceof TemplateError
            ? templateError(runbook, spec, e)
            : new BugError(e);
      const recovery = (() => {
        try {
          const raw = renderFor(spec, 'with', spec.with, lookup);
          const parsed = kind.input.safeParse(raw);
          return parsed.success ? kind.recovery?.(parsed.data) : undefined;
        } catch {
          return undefined;
        }
      })();
      journal.append({
        type: 'step-failed',
        step: spec.id,
        error: {
          name: err.name,
          message: err.message,
          ...(err.hint === undefined ? {} : { hint: err.hint }),
        },
        ...(recovery === undefined ? {} : { recovery }),
      });
      journal.append({ type: 'stopped', reason: 'failed', step: spec.id, next: rc.resumeCommand });
      out.line(`✖ ${tag}: failed`);
      if (recovery !== undefined) out.line(`    recovery: ${recovery}`);
      if (err instanceof InterruptedError) {
        throw new InterruptedError(err.message, `continue with: ${rc.resumeCommand}`);
      }
      const hint = `${err.hint === undefined ? '' : `${err.hint}; then `}continue with: ${rc.resumeCommand}`;
      throw Object.assign(err, { hint });
    }
  }
  journal.append({ type: 'section-finished', section });
  let after: string | undefined;
  if (section === 'steps' && runbook.after !== undefined) {
    const r = render(runbook.after, templateLookup(record, rc.dir, runbook, outputs, 'placeholder'), {
      missing: 'placeholder',
    });
    after = typeof r === 'string' ? r.trim() : undefined;
  }
  return {
    incidentId: record.id,
    section,
    status: section === 'steps' ? 'contained' : 'closed',
    steps: reports,
    after,
    warnings,
  };
}

function renderFor(spec: StepSpec, field: string, value: Json, lookup: Lookup): Json {
  try {
    return render(value, lookup);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    throw new ConfigError(`step ${spec.id}: ${field}: ${(e as Error).message}`);
  }
}

function templateError(rb: Runbook, spec: StepSpec, e: TemplateError): ConfigError {
  return new ConfigError(
    `runbook ${rb.name}, step ${spec.id}: ${e.message}`,
    e.ref.startsWith('params.')
      ? `give it on the command line (--param ${e.ref.slice(7)}=VALUE)`
      : 'fix the runbook (keyspill runbooks check FILE)',
  );
}

function stop(
  rc: RunContext,
  reports: StepReport[],
  warnings: string[],
  reason: 'confirmation-needed' | 'interrupted',
  step: string,
  flag?: '--yes' | '--confirm',
  declined = false,
): RunResult {
  const next =
    reason === 'interrupted' || flag === undefined
      ? rc.resumeCommand
      : flag === '--yes'
        ? `${rc.resumeCommand} --yes`
        : `${rc.resumeCommand} --confirm ${step}`;
  rc.journal.append({ type: 'stopped', reason, step, next });
  if (reason === 'interrupted') rc.out.line(`■ stopped before ${step} (interrupted); nothing is half-done`);
  else if (declined) rc.out.line(`■ stopped: ${step} was not confirmed; nothing was changed by it`);
  else
    rc.out.line(
      `■ stopped before ${step}: it ${flag === '--yes' ? 'changes things and needs a confirmation' : 'needs a person to confirm it'}, and there is no terminal to ask on`,
    );
  return {
    incidentId: rc.record.id,
    section: rc.section,
    status: 'stopped',
    steps: reports,
    stopped: { reason, step, next },
    warnings,
  };
}
