// The step-kind contract: probe (read real state) → act (only when needed, every side effect journaled) → verify.
import type { z } from 'zod';
import type { AwsSession } from '../../aws/session.ts';
import type { Json } from '../../model/json.ts';
import type { Credential, JournalEntry } from '../../model/incident.ts';
import type { NotifyTarget } from '../../notify/targets.ts';

/** Settings from `.keyspill.yaml` (`respond:`) and the command line, read again on every run (never journaled). */
export interface RespondSettings {
  readonly knownCidrs: readonly string[];
  /** Regions to audit; empty: every region enabled for the account. */
  readonly regions: readonly string[];
  readonly usedRegions: readonly string[];
  /** Notification targets, with their secrets (routing keys, signing secrets) in memory only. */
  readonly notify: readonly NotifyTarget[];
}

export type Outputs = { readonly [name: string]: Json };

/**
 * How a step changes the world, which decides its confirmation: `none` (reads only: also runs in a dry run),
 * `reversible` (a prompt on a TTY, `--yes` elsewhere), `irreversible` (typed confirmation on a TTY,
 * `--confirm STEP` elsewhere), `manual` (a person does it and confirms: a prompt, or `--confirm STEP`).
 */
export type EffectClass = 'none' | 'reversible' | 'irreversible' | 'manual';

/** An API call a step would make, with its arguments redacted, for plans and banners. */
export interface PlannedCall {
  readonly call: string;
  readonly args: Json;
  /** Whether it changes something. */
  readonly effect: boolean;
}

export interface ProbeResult {
  /** True when what the step makes true is already true (a resumed or repeated run): act is skipped. */
  readonly done: boolean;
  /** What was seen, one short line each ("key AKIA… is Active", "replacement AKIA… already stored"). */
  readonly facts: readonly string[];
  /** State the act needs (never journaled). */
  readonly state?: unknown;
}

/** A side effect as the journal records it before it happens. */
export interface EffectCall {
  readonly call: string;
  /** Arguments, redacted (never a secret value). */
  readonly args: Json;
  /** What the step saw just before, for a probe after a crash. */
  readonly before?: Json;
}

export interface IncidentView {
  readonly id: string;
  readonly dir: string;
  readonly credential: Credential;
  readonly since: string | undefined;
  readonly createdAt: string;
  readonly runbook: string;
}

export interface StepContext {
  readonly incident: IncidentView;
  readonly stepId: string;
  readonly aws: AwsSession;
  /** Earlier journal entries of this step (from runs that stopped or crashed), oldest first. */
  readonly history: readonly JournalEntry[];
  /** Journals the intent, makes the call, journals the outcome (summarised: never a secret). */
  effect<T>(call: EffectCall, fn: () => Promise<T>, summarize?: (r: T) => Json): Promise<T>;
  /** A deterministic idempotency token for this incident, step and purpose (32+ chars). */
  token(purpose: string): string;
  /** A progress line for the person watching. */
  note(message: string): void;
  /** A warning carried into the step's result, the journal and the report. */
  warn(message: string): void;
  /** Who is running this (for manual confirmations). */
  readonly responder: string;
  readonly signal: AbortSignal;
  /** The environment (exec steps pass it on; tests point AWS at an emulator through it). */
  readonly env: NodeJS.ProcessEnv;
  readonly settings: RespondSettings;
  /** Journals progress of a long step (e.g. an audit's region and page token), so a resume continues from it. */
  checkpoint(data: Json): void;
  /** Journals an evidence file (relative to the incident folder) with its hash. */
  evidence(e: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly records: number;
  }): void;
  /** What the incident has done so far, one line a finished step (for notifications). */
  doneSoFar(): readonly string[];
  /** The step finished but not completely (a region failed, a notification did not arrive): resume tries it again. */
  partial(reason: string): void;
}

export interface StepKind<I = unknown> {
  readonly kind: string;
  readonly summary: string;
  readonly effect: EffectClass;
  /** The inputs, checked once rendered. */
  readonly input: z.ZodType<I>;
  /** Output names later steps may reference as `{{ steps.<id>.<name> }}`. */
  readonly outputs: readonly string[];
  /** The calls it would make (for plans), arguments redacted. */
  plan(input: I): readonly PlannedCall[];
  /** What a confirmation prompt asks, naming the account and the resource. */
  confirmText?(input: I): string;
  /** For irreversible steps: what the person must type to confirm (e.g. the key id). */
  confirmWord?(input: I): string;
  probe(input: I, ctx: StepContext): Promise<ProbeResult>;
  act(input: I, probe: ProbeResult, ctx: StepContext): Promise<void>;
  /** True when a dry run must not probe it (it would do real work, e.g. a whole audit, or run a script). */
  readonly notInDryRun?: boolean;
  /**
   * Reads real state again: throws when it did not converge; returns the outputs. `probe` is this run's probe
   * (read-only kinds return what it saw).
   */
  verify(input: I, ctx: StepContext, probe: ProbeResult): Promise<Outputs>;
  /** What to do by hand when the step fails part-way (printed and journaled). */
  recovery?(input: I): string;
}

/** A kind in the registry, its input type erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStepKind = StepKind<any>;

export function defineStep<I>(kind: StepKind<I>): AnyStepKind {
  return kind as AnyStepKind;
}
