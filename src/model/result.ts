// ScanResult: what every scan returns, and what every reporter formats.
import type { CutShort } from '../detect/engine.ts';
import type { Finding } from './match.ts';
import type { Confidence } from './rule.ts';

export const SKIP_REASONS = [
  'binary',
  'too-large',
  'unreadable',
  'symlink',
  'not-found',
  'special-file',
  'missing-object',
  'corrupt',
  /** The item was read but scanning it failed (an engine error): counted, the rest of the scan goes on. */
  'scan-error',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface Skipped {
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail?: string;
}

export interface Suppressed {
  readonly configAllowlist: number;
  readonly ruleAllowlists: number;
  readonly inlineAllow: number;
  readonly ignoreFile: number;
  readonly baseline: number;
  /** Findings below --min-confidence. */
  readonly lowConfidence: number;
}

export interface ScanSummary {
  readonly source: string;
  readonly targets: readonly string[];
  readonly itemsScanned: number;
  readonly bytesScanned: number;
  readonly durationMs: number;
  readonly rules: number;
  readonly findings: number;
  /** Findings dropped by .keyspillignore and by the baseline. */
  readonly ignored: number;
  readonly baselined: number;
  /**
   * What each suppression mechanism removed, so a change that silences the check cannot do it silently: matches
   * dropped by .keyspill.yaml's allowlist, by rules' own allowlists and by inline `keyspill:allow`; findings
   * dropped by .keyspillignore and by the baseline.
   */
  readonly suppressed: Suppressed;
  /** The --min-confidence the scan ran with (findings below it are counted in suppressed.lowConfidence). */
  readonly minConfidence?: Confidence;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  /** The first skipped items (bounded), for the report. */
  readonly skippedItems: readonly Skipped[];
  readonly cutShort: readonly CutShort[];
  /** True when something asked for could not be scanned: the scan exits 3. */
  readonly incomplete: boolean;
  readonly notes: readonly string[];
}

export interface ScanResult {
  readonly summary: ScanSummary;
  readonly findings: readonly Finding[];
}
