// Secret scrubbing: replaces any clear secret found in free text (paths, commit summaries, notes) with its redacted form.
import type { ScanResult } from '../model/result.ts';

/**
 * A function that rewrites every occurrence of a finding's secret in `text` to the redacted form.
 * The identity when secrets are to be shown. Reporters pass every string they did not write
 * themselves through it, so a secret quoted in a commit message or a path cannot slip out.
 */
export const MIN_SCRUBBED = 6;

export function scrubber(result: ScanResult, showSecrets: boolean): (text: string) => string {
  if (showSecrets) return (text) => text;
  // A finding whose secret is its public identifier (an AWS access key ID alone) names nothing secret.
  // Secrets shorter than MIN_SCRUBBED are not searched for in other text: a user rule that matches single characters
  // would otherwise garble every word of the report; such a secret is still redacted where it is reported.
  const pairs = result.findings
    .filter((f) => f.secret.length >= MIN_SCRUBBED && f.secret !== f.identifier)
    .map((f) => [f.secret, f.redacted] as const)
    .sort((a, b) => b[0].length - a[0].length);
  if (pairs.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const [secret, redacted] of pairs) if (out.includes(secret)) out = out.split(secret).join(redacted);
    return out;
  };
}
