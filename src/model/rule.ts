// Rule: a detection rule as written in a rule pack, and compiled for the engine.

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** What an allowlist regex is tested against. */
export type AllowTarget = 'secret' | 'match' | 'line';

export interface Allowlist {
  readonly paths: readonly string[];
  readonly regexes: readonly string[];
  readonly regexTarget: AllowTarget;
  readonly stopwords: readonly string[];
}

/** A rule as it appears in a rule pack (after schema validation). */
export interface RuleSpec {
  readonly id: string;
  readonly description: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly keywords: readonly string[];
  readonly regex: string;
  readonly secretGroup: number;
  /**
   * The capture group holding the credential's public identifier (an AWS access key id, an app id): not secret,
   * and what revocation and audit need. It may be the secret group itself (a rule for the identifier alone).
   */
  readonly identifierGroup?: number;
  /**
   * A rule whose match in the same fragment (within a few lines) supplies this match's identifier: the two form
   * one finding (the secret, with the identifier), e.g. an AWS secret access key and its access key id.
   */
  readonly pairWith?: string;
  readonly entropy?: number;
  readonly allowlist?: Partial<Allowlist>;
  readonly examples: readonly string[];
  readonly negativeExamples: readonly string[];
}

/** One regex hit: whole-match span and the secret group's span, as string offsets. */
export interface RegexHit {
  readonly start: number;
  readonly end: number;
  readonly secretStart: number;
  readonly secretEnd: number;
  /** The identifier group's span, when the rule has one and it took part in the match. */
  readonly idStart?: number;
  readonly idEnd?: number;
}

/** A compiled regex behind one interface, whatever engine runs it. */
export interface Matcher {
  /** Linear-time engine (user rules) or native backtracking (built-in rules). */
  readonly engine: 'native' | 're2';
  /** Yields hits in order; the search is cut short once `now()` passes `deadline`. */
  hits(
    text: string,
    deadline: number,
    now: () => number,
  ): Iterable<RegexHit> & { readonly cutShort: () => boolean };
}

/** Where a rule was defined. */
export interface RuleOrigin {
  /** `builtin`, `config` (prefix rule from .keyspill.yaml) or `file` (a user rule pack). */
  readonly type: 'builtin' | 'config' | 'file';
  readonly file: string;
}

export interface CompiledRule {
  readonly spec: RuleSpec;
  readonly matcher: Matcher;
  /** Keywords, lower-cased. A rule with no keywords runs on every fragment. */
  readonly keywords: readonly string[];
  readonly allowlist: CompiledAllowlist;
  readonly origin: RuleOrigin;
}

export interface CompiledAllowlist {
  readonly paths: readonly ((path: string) => boolean)[];
  /** Native RegExp for built-in rules, RE2 (linear time) for anything a user wrote. */
  readonly regexes: readonly { test(s: string): boolean }[];
  readonly regexTarget: AllowTarget;
  readonly stopwords: readonly string[];
}
