// Rule: a detection rule as written in a rule pack, and compiled for the engine.

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * How sure a match is to be a live credential: `high` a provider format or a validated structure (a checksum, a
 * key that parses), `medium` a structured field holding a plausible value, `low` generic heuristics. Scans show
 * findings at or above `--min-confidence` (default medium).
 */
export type Confidence = 'low' | 'medium' | 'high';
export const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];
export const DEFAULT_MIN_CONFIDENCE: Confidence = 'medium';

/** Rank of a confidence level, for comparisons (low 0, medium 1, high 2). */
export function confidenceRank(c: Confidence): number {
  return c === 'high' ? 2 : c === 'medium' ? 1 : 0;
}

/** One level lower, never below low. */
export function lowerConfidence(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}

/** An example for a rule that only runs on some files (`paths`): the text, and a path it is found at. */
export interface PathExample {
  readonly path: string;
  readonly text: string;
}

export type RuleExample = string | PathExample;

/** An example as text at a path (a plain string is found in a file named `example`). */
export function exampleOf(e: RuleExample): PathExample {
  return typeof e === 'string' ? { path: 'example', text: e } : e;
}

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
  /** The rule's confidence before context lowers it (default high; generic key-name rules say medium or low). */
  readonly confidence?: Confidence;
  /** The capture group holding the field (key) name the value was assigned to: `DB_PASSWORD`, `client_secret`. */
  readonly fieldGroup?: number;
  /** A fixed field name, for rules whose match is one known field (`_authToken` in .npmrc). */
  readonly field?: string;
  /**
   * Globs (picomatch, matched against the file's path and its base name) of the files this rule runs on: a
   * file-format rule (`.s3cfg`, `wp-config.php`). Without it the rule runs on every file.
   */
  readonly paths?: readonly string[];
  readonly allowlist?: Partial<Allowlist>;
  readonly examples: readonly RuleExample[];
  readonly negativeExamples: readonly RuleExample[];
  /**
   * The regex's window bounds, worked out when the built-in rules are built (null: none, it runs over the whole
   * text), so start-up does not. Never read from a rule file (the schema rejects it).
   */
  readonly window?: WindowBounds | null;
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
  /** The field group's span, when the rule has one and it took part in the match. */
  readonly fieldStart?: number;
  readonly fieldEnd?: number;
}

/** What windowed matching knows of a regex, proven from its source (src/detect/regex-bounds.ts). */
export interface WindowBounds {
  /** No match is longer than this (UTF-16 units). */
  readonly maxLen: number;
  /** Every match holds a keyword or anchor that ends at most this far from the match's start (≤ maxLen). */
  readonly lead: number;
  /**
   * How far after (`ahead`) and before (`behind`) a start the regex may read while trying that start
   * (lookarounds, `\b`, backtracking included), besides its runs to a line's end (`lines`).
   */
  readonly ahead: number;
  readonly behind: number;
  /**
   * How many times, besides `ahead`/`behind`, it may run to the end (or start) of a line: an unbounded repeat of
   * one character that is never a newline (`[ \t]*`) stops at the line's end.
   */
  readonly lines: number;
  /**
   * How many newlines a try may consume going forward (lookaheads included), or -1 for no bound: it reads nothing
   * past the `newlines + 1`-th newline from where it starts.
   */
  readonly newlines: number;
  /**
   * Strings besides the rule's keywords (lower-case, matched case-insensitively) one of which every match that
   * holds none of the keywords holds: the prefilter reports them too, for this rule only.
   */
  readonly anchors: readonly string[];
}

/** A compiled regex behind one interface, whatever engine runs it. */
export interface Matcher {
  /** Linear-time engine (user rules) or native backtracking (built-in rules). */
  readonly engine: 'native' | 're2';
  /**
   * Set when every match is proven short and to hold one of the rule's keywords (src/detect/regex-bounds.ts):
   * the regex may then run only around the keywords.
   */
  readonly window?: WindowBounds;
  /**
   * Yields hits in order; the search is cut short once `now()` passes `deadline`. With `starts` (sorted,
   * disjoint [from, to) pairs holding every position a match can start at; only for a matcher with a `window`),
   * the regex runs only there and yields exactly what it yields over the whole text.
   */
  hits(
    text: string,
    deadline: number,
    now: () => number,
    starts?: readonly number[],
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
  /** The rule's confidence (its spec's, default high). */
  readonly confidence: Confidence;
  /** The `paths` selector compiled: true when the rule runs on a file (undefined: every file). */
  readonly runsOn?: (path: string) => boolean;
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
