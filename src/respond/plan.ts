// Dry run: every step, the exact calls it would make (redacted), and what is already true; nothing is changed or saved.
import { createAwsSession } from '../aws/session.ts';
import { BugError, ConfigError, KeyspillError } from '../errors.ts';
import { incidentIds, loadIncident } from './incidents.ts';
import type { IncidentRecord } from '../model/incident.ts';
import type { Json } from '../model/json.ts';
import type { Section, StepSpec } from '../model/runbook.ts';
import { templateLookup, idempotencyToken } from './runner.ts';
import { prepareIncident, type StartOptions } from './service.ts';
import { stepKind } from './steps/registry.ts';
import type { EffectClass, Outputs, PlannedCall, StepContext } from './steps/types.ts';
import { render, truthy } from './template.ts';
import { responderName } from './lock.ts';

export interface PlannedStep {
  readonly section: Section;
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly effect: EffectClass;
  readonly input: Json;
  readonly calls: readonly PlannedCall[];
  /** What is already true (from read-only probes). */
  readonly facts: readonly string[];
  /**
   * `run`, `skip` (already true, or its `when` is false), `unknown` (depends on an earlier step's result), or
   * `stop` (its probe already says it cannot go on: the note says why).
   */
  readonly expect: 'run' | 'skip' | 'unknown' | 'stop';
  readonly note?: string | undefined;
}

export interface PlanResult {
  readonly credential: IncidentRecord['credential'];
  readonly runbook: string;
  readonly runbookFile: string;
  readonly since: string | undefined;
  /** An incident already exists for this credential: the plan shows what resuming it would do. */
  readonly incident?: string | undefined;
  readonly steps: readonly PlannedStep[];
}

const PLACEHOLDER = /‹[^›]*›/;

export async function planIncident(o: StartOptions): Promise<PlanResult> {
  const p = await prepareIncident(o);
  const env = o.env ?? process.env;
  const rb = p.loaded.runbook;
  // An incident for the same credential: plan as that incident (its id, its journal), so probes recognise its work.
  const existing = incidentIds(o.stateDir)
    .reverse()
    .map((id) => loadIncident(o.stateDir, id))
    .find(
      (i) =>
        i.state?.record.credential.kind === p.record.credential.kind &&
        i.state.record.credential.id === p.record.credential.id,
    );
  const record: IncidentRecord = existing?.state?.record ?? {
    id: 'inc-dry-run',
    ...p.record,
    createdAt: new Date().toISOString(),
    createdBy: responderName(env),
  };
  const journal = existing?.check.entries ?? [];
  const aws = createAwsSession(env);
  const outputs = new Map<string, Outputs>();
  const steps: PlannedStep[] = [];
  const sections: [Section, readonly StepSpec[]][] = [
    ['steps', rb.steps],
    ['finish', rb.finish],
  ];
  for (const [section, specs] of sections) {
    for (const spec of specs) {
      const kind = stepKind(spec.kind);
      if (kind === undefined) throw new ConfigError(`runbook ${rb.name}: unknown step kind ${spec.kind}`);
      const lookup = templateLookup(record, '(incident folder)', rb, outputs, 'placeholder');
      const raw = render(spec.with, lookup, { missing: 'placeholder' });
      const base = {
        section,
        id: spec.id,
        kind: spec.kind,
        title: spec.title,
        effect: kind.effect,
        input: raw,
      };
      if (spec.when !== undefined) {
        const w = render(spec.when, lookup, { missing: 'placeholder' });
        if (typeof w === 'string' && PLACEHOLDER.test(w)) {
          steps.push({
            ...base,
            calls: [],
            facts: [],
            expect: 'unknown',
            note: `runs only when ${spec.when} (known once the earlier steps ran)`,
          });
          continue;
        }
        if (!truthy(w)) {
          steps.push({
            ...base,
            calls: [],
            facts: [],
            expect: 'skip',
            note: `not needed: ${spec.when} is false`,
          });
          continue;
        }
      }
      const parsed = kind.input.safeParse(raw);
      const unresolved = PLACEHOLDER.test(JSON.stringify(raw));
      if (!parsed.success) {
        if (unresolved) {
          steps.push({
            ...base,
            calls: [],
            facts: [],
            expect: 'unknown',
            note: 'its inputs come from earlier steps',
          });
          continue;
        }
        const issue = parsed.error.issues[0];
        throw new ConfigError(
          `runbook ${rb.name}, step ${spec.id}: input ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const calls = kind.plan(parsed.data);
      if (unresolved || section === 'finish') {
        steps.push({
          ...base,
          calls,
          facts: [],
          expect: 'unknown',
          note: unresolved ? 'its inputs come from earlier steps' : 'runs later, with respond finish',
        });
        continue;
      }
      const ctx: StepContext = {
        incident: {
          id: record.id,
          dir: '',
          credential: record.credential,
          since: record.since,
          createdAt: record.createdAt,
          runbook: rb.name,
        },
        stepId: spec.id,
        aws,
        history: journal.filter((e) => 'step' in e && e.step === spec.id),
        effect: () => Promise.reject(new BugError('a dry run must not change anything')),
        token: (purpose) => idempotencyToken(record.id, spec.id, purpose),
        note: () => undefined,
        warn: () => undefined,
        responder: record.createdBy,
        signal: new AbortController().signal,
        env,
        settings: { knownCidrs: [], regions: [], usedRegions: [], notify: [] },
        checkpoint: () => undefined,
        evidence: () => undefined,
        partial: () => undefined,
        doneSoFar: () => [],
      };
      if (kind.notInDryRun === true || spec.kind === 'manual') {
        const note =
          spec.kind === 'manual'
            ? 'waits for a person'
            : spec.kind === 'exec'
              ? 'runs your script (its probe is not run in a dry run)'
              : 'not run in a dry run';
        steps.push({ ...base, calls, facts: [], expect: 'run', note });
        continue;
      }
      let probe;
      try {
        probe = await kind.probe(parsed.data, ctx);
        if (kind.effect === 'none') outputs.set(spec.id, await kind.verify(parsed.data, ctx, probe));
      } catch (e) {
        if (!(e instanceof KeyspillError)) throw e;
        steps.push({
          ...base,
          calls,
          facts: [],
          expect: 'stop',
          note: `${e.message}${e.hint === undefined ? '' : ` (${e.hint})`}`,
        });
        continue;
      }
      steps.push({
        ...base,
        calls,
        facts: probe.facts,
        expect: probe.done ? 'skip' : 'run',
        ...(probe.done ? { note: 'already true' } : {}),
      });
    }
  }
  return {
    credential: record.credential,
    runbook: rb.name,
    runbookFile: p.loaded.file,
    since: record.since,
    ...(existing === undefined ? {} : { incident: existing.id }),
    steps,
  };
}
