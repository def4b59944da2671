// An incident's state, folded from its journal (pure): per-step status, outputs, confirmations, the last stop.
import type { ConfirmHow, IncidentRecord, JournalEntry, StopReason } from '../model/incident.ts';
import type { Json } from '../model/json.ts';
import type { Section } from '../model/runbook.ts';

export type StepState = 'pending' | 'running' | 'done' | 'already' | 'skipped' | 'partial' | 'failed';

export interface StepView {
  readonly id: string;
  status: StepState;
  outputs: { readonly [name: string]: Json };
  facts: readonly string[];
  warnings: readonly string[];
  confirmed: { readonly by: string; readonly how: ConfirmHow; readonly time: string } | undefined;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  error: { readonly name: string; readonly message: string; readonly hint?: string } | undefined;
  recovery: string | undefined;
  /** Side effects: each intent, with its outcome when one was journaled. */
  effects: { call: string; effect: number; ok: boolean | undefined; time: string }[];
}

export type IncidentStatus = 'open' | 'contained' | 'closed';

export interface IncidentState {
  readonly record: IncidentRecord;
  readonly steps: ReadonlyMap<string, StepView>;
  readonly status: IncidentStatus;
  readonly containedAt: string | undefined;
  readonly closedAt: string | undefined;
  readonly lastStop:
    | { readonly reason: StopReason; readonly step?: string; readonly next: string; readonly time: string }
    | undefined;
  readonly updatedAt: string;
  readonly entries: number;
}

const FINISHED: ReadonlySet<StepState> = new Set(['done', 'already', 'skipped']);

export function isFinished(s: StepState | undefined): boolean {
  return s !== undefined && FINISHED.has(s);
}

function blank(id: string): StepView {
  return {
    id,
    status: 'pending',
    outputs: {},
    facts: [],
    warnings: [],
    confirmed: undefined,
    startedAt: undefined,
    finishedAt: undefined,
    error: undefined,
    recovery: undefined,
    effects: [],
  };
}

/** Folds journal entries (the first must be `opened`) into the incident's state. */
export function foldJournal(entries: readonly JournalEntry[]): IncidentState {
  const first = entries[0];
  if (first?.type !== 'opened') throw new Error('the journal does not start with an "opened" entry');
  const steps = new Map<string, StepView>();
  const step = (id: string): StepView => {
    let s = steps.get(id);
    if (s === undefined) steps.set(id, (s = blank(id)));
    return s;
  };
  let containedAt: string | undefined;
  let closedAt: string | undefined;
  let lastStop: IncidentState['lastStop'];
  const finished = new Set<Section>();
  for (const e of entries) {
    switch (e.type) {
      case 'step-started': {
        const s = step(e.step);
        s.status = 'running';
        s.startedAt ??= e.time;
        s.error = undefined;
        break;
      }
      case 'probed':
        step(e.step).facts = e.facts;
        break;
      case 'confirmed':
        step(e.step).confirmed = { by: e.by, how: e.how, time: e.time };
        break;
      case 'intent':
        step(e.step).effects.push({ call: e.call, effect: e.effect, ok: undefined, time: e.time });
        break;
      case 'outcome': {
        const fx = step(e.step).effects.find((x) => x.effect === e.effect);
        if (fx !== undefined) fx.ok = e.ok;
        break;
      }
      case 'step-finished': {
        const s = step(e.step);
        s.status = e.status;
        s.outputs = e.outputs;
        s.facts = e.facts;
        s.warnings = e.warnings;
        s.finishedAt = e.time;
        break;
      }
      case 'step-failed': {
        const s = step(e.step);
        s.status = 'failed';
        s.error = e.error;
        s.recovery = e.recovery;
        break;
      }
      case 'stopped':
        lastStop = {
          reason: e.reason,
          ...(e.step === undefined ? {} : { step: e.step }),
          next: e.next,
          time: e.time,
        };
        break;
      case 'resumed':
        lastStop = undefined;
        break;
      case 'section-finished':
        finished.add(e.section);
        if (e.section === 'steps') containedAt ??= e.time;
        else closedAt ??= e.time;
        lastStop = undefined;
        break;
      default:
        break;
    }
  }
  const last = entries.at(-1)!;
  return {
    record: first.incident,
    steps,
    status: finished.has('finish') ? 'closed' : finished.has('steps') ? 'contained' : 'open',
    containedAt,
    closedAt,
    lastStop,
    updatedAt: last.time,
    entries: entries.length,
  };
}
