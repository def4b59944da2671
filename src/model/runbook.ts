// Runbook: ordered typed steps (data from runbooks/*.yml), with inputs templated from the incident.
import type { Json } from './json.ts';

export interface ParamSpec {
  readonly description: string;
  /** A template, rendered when the parameter is first used (it may name earlier steps' outputs). */
  readonly default?: string | undefined;
  /** True when the incident cannot start without it (e.g. the secret to rotate). */
  readonly required?: boolean | undefined;
}

export interface StepSpec {
  /** Unique in the runbook; what `steps.<id>.<output>` templates and `--confirm <id>` name. */
  readonly id: string;
  /** A step kind from the registry (`src/respond/steps/registry.ts`). */
  readonly kind: string;
  /** One line for the step list. */
  readonly title: string;
  /** Inputs, any string of which may hold `{{ … }}` templates; checked by the kind's schema once rendered. */
  readonly with: { readonly [name: string]: Json };
  /** A template: the step runs only when it renders to something other than "", "false", "0", "no". */
  readonly when?: string | undefined;
  /** What finishing this step means for the incident's timeline (the report). */
  readonly milestones?: readonly Milestone[] | undefined;
}

export type Milestone = 'contained' | 'rotated' | 'audited' | 'notified';

export interface Runbook {
  readonly name: string;
  readonly description: string;
  /** Credential kinds this runbook handles (`aws-access-key`…); picks the runbook for a finding. */
  readonly kinds: readonly string[];
  readonly params: { readonly [name: string]: ParamSpec };
  /** Containment: run by `respond incident` / `respond resume`. */
  readonly steps: readonly StepSpec[];
  /** Clean-up after the fix is rolled out (e.g. delete the old key): run by `respond finish`, each confirmed. */
  readonly finish: readonly StepSpec[];
  /** Printed when the steps are done: what the responder does next. */
  readonly after?: string | undefined;
}

/** Where a runbook came from, and its text (an incident keeps a copy, hashed in its journal). */
export interface LoadedRunbook {
  readonly runbook: Runbook;
  readonly source: 'builtin' | 'config' | 'file';
  readonly file: string;
  readonly text: string;
}

export type Section = 'steps' | 'finish';
