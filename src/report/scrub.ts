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
  // Secrets indexed by their first k characters: one pass over each text whatever the number of findings (a
  // live cluster can give thousands), instead of one search per finding and text.
  const k = Math.min(8, ...pairs.map(([secret]) => secret.length));
  const byPrefix = new Map<string, (readonly [string, string])[]>();
  for (const pair of pairs) {
    const key = pair[0].slice(0, k);
    const list = byPrefix.get(key);
    if (list === undefined) byPrefix.set(key, [pair]);
    else list.push(pair);
  }
  return (text) => {
    let out: string[] | undefined;
    let copied = 0;
    for (let i = 0; i + k <= text.length;) {
      const candidates = byPrefix.get(text.slice(i, i + k));
      const hit = candidates?.find(([secret]) => text.startsWith(secret, i));
      if (hit === undefined) {
        i++;
        continue;
      }
      (out ??= []).push(text.slice(copied, i), hit[1]);
      i += hit[0].length;
      copied = i;
    }
    if (out === undefined) return text;
    out.push(text.slice(copied));
    return out.join('');
  };
}
