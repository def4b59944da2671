// Match and Finding: what the engine reports, and matches grouped by rule and secret.
import type { Provenance } from './provenance.ts';
import type { Confidence, Severity } from './rule.ts';

/** Decoders a secret passed through before it matched, outermost first. */
export type Encoding = 'base64' | 'hex' | 'percent';

export interface Location {
  readonly provenance: Provenance;
  readonly path: string;
  /** The path inside an archive at `path` (`lib/app.jar!/config/app.properties` is path + `!/` + member). */
  readonly member?: string;
  /** 1-based line and column of the secret in the original text. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly decodedFrom: readonly Encoding[];
}

export interface Match {
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly description: string;
  readonly secret: string;
  readonly entropy: number;
  /** From a rule tagged `generic`: yields to a specific rule that matched the same place. */
  readonly generic: boolean;
  /** From a catch-all rule tagged `broad` (any key named like a secret): yields to every other rule there. */
  readonly broad?: boolean | undefined;
  /** The credential's public identifier (its rule's `identifierGroup`, or the paired rule's), e.g. `AKIA…`. */
  readonly identifier?: string | undefined;
  /** The rule that supplies this match's identifier when both match in the same place (`pairWith`). */
  readonly pairWith?: string | undefined;
  /** How sure the match is (the rule's confidence, lowered by a weak value or the file's context). */
  readonly confidence: Confidence;
  /** Why the confidence is below the rule's own: `test or fixture path`, `weak value`, … (absent when it is not). */
  readonly lowered?: readonly string[] | undefined;
  /** The field (key) the value was assigned to, in the file's own words: `DB_PASSWORD`, `auths.ghcr.io.auth`. */
  readonly field?: string | undefined;
  /** From a file-format detector (src/detect/formats): it knows the field, so overlapping rule matches yield. */
  readonly format?: boolean | undefined;
  readonly location: Location;
  /** The text of the line holding the match start (for inline allow comments); never reported. */
  readonly lineText: string;
}

export interface Finding {
  /** `<ruleId>:<16 hex of sha256(ruleId, secret)>`: identifies the secret, not where it is. */
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly description: string;
  readonly secret: string;
  readonly redacted: string;
  readonly entropy: number;
  /** The credential's public identifier (not secret): what revocation and audit look it up by. */
  readonly identifier?: string | undefined;
  /** The highest confidence among its matches. */
  readonly confidence: Confidence;
  /** Why that match's confidence is below its rule's own (absent when it is not). */
  readonly lowered?: readonly string[] | undefined;
  /** The field (key) the secret was assigned to, when the rule or format knows it. */
  readonly field?: string | undefined;
  /** The earliest time any of its places exposed it (a commit date, a layer's creation), ISO 8601, if known. */
  readonly firstSeen?: string | undefined;
  readonly locations: readonly Location[];
}
