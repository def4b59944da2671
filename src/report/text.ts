// Text reporter: findings for a person at a terminal, each with its locations and next steps, then a summary.
import type { Finding, Location } from '../model/match.ts';
import { SKIP_REASONS, type ScanResult, type ScanSummary } from '../model/result.ts';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import { exposure, details, tags } from '../provenance/registry.ts';
import { shownPath } from './place.ts';
import type { Styled } from '../provenance/view.ts';
import {
  confidenceText,
  exposureNotes,
  ignoreAdvice,
  incidentCommand,
  rotateAdvice,
  suppressionParts,
  whyItFired,
} from './advice.ts';
import { palette, type Palette } from './ansi.ts';
import { scrubber } from './scrub.ts';
import type { RenderOptions, Reporter } from './types.ts';

/** C0/C1 controls and bidi overrides: shown escaped so a file name or commit message cannot drive the terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]!}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function severityLabel(sev: Severity, p: Palette): string {
  const label = sev.toUpperCase();
  switch (sev) {
    case 'critical':
      return p.bold(p.red(label));
    case 'high':
      return p.red(label);
    case 'medium':
      return p.yellow(label);
    case 'low':
      return p.cyan(label);
  }
}

/** Renders styled parts: every part is escaped and scrubbed (`clean`), then coloured by its role. */
function styled(parts: readonly Styled[], clean: (s: string) => string, p: Palette): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return clean(part);
      const text = clean(part.text);
      const paint = { bold: p.bold, dim: p.dim, alert: p.red, warn: p.yellow }[part.style];
      return paint(text);
    })
    .join('');
}

/** Lines describing one location: `place:line:column`, what kind of place it is, and its details. */
function locationLines(l: Location, clean: (s: string) => string, p: Palette): string[] {
  const where = `${clean(shownPath(l))}:${l.line}:${l.column}`;
  const tagList = tags(l.provenance).map((t) => styled([t], (s) => s, p));
  if (l.decodedFrom.length > 0) tagList.push(`decoded from ${l.decodedFrom.join(', then ')}`);
  const head = `    ${where}${tagList.length > 0 ? `  (${tagList.join('; ')})` : ''}`;
  return [head, ...details(l.provenance).map((line) => `      ${styled(line, clean, p)}`)];
}

function findingLines(
  f: Finding,
  index: number,
  total: number,
  options: RenderOptions,
  clean: (s: string) => string,
  p: Palette,
): string[] {
  const secret = options.showSecrets ? f.secret : f.redacted;
  const lines = [
    `${p.dim(`[${index + 1}/${total}]`)} ${severityLabel(f.severity, p)}  ${p.bold(clean(f.description))} ${p.dim(`(${clean(f.ruleId)})`)}`,
    `  Secret       ${options.showSecrets ? p.magenta(printable(secret)) : clean(secret)}`,
    `  Fingerprint  ${clean(f.fingerprint)}`,
    ...(f.identifier === undefined ? [] : [`  Identifier   ${printable(f.identifier)}`]),
    `  Confidence   ${clean(confidenceText(f))}`,
    `  Why          ${clean(whyItFired(f))}`,
    `  Locations`,
    ...f.locations.flatMap((l) => locationLines(l, clean, p)),
    `  Next steps`,
  ];
  if (f.locations.every((l) => exposure(l.provenance).uncommitted)) {
    // Not committed yet: keeping it out of the commit is the fix; nothing has leaked through git.
    const paths = [...new Set(f.locations.map((l) => clean(l.path)))].join(' ');
    lines.push(
      `    1. Keep it out of the commit: ${p.cyan(`git restore --staged ${paths}`)}, then move the value to an environment variable or a secret store.`,
      `    2. If it was ever pushed or shared, rotate it: ${rotateAdvice(f.kind)}`,
      `    3. ${ignoreAdvice(clean(f.fingerprint))}`,
    );
    return lines;
  }
  lines.push(`    1. Rotate: ${rotateAdvice(f.kind)}`);
  for (const note of exposureNotes(f)) lines.push(`       ${note}`);
  lines.push(
    `    2. Open an incident: ${p.cyan(incidentCommand(clean(f.fingerprint)))}`,
    `    3. ${ignoreAdvice(clean(f.fingerprint))}`,
  );
  return lines;
}

function countBySeverity(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...SEVERITIES]
    .reverse()
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)!} ${s}`)
    .join(', ');
}

function summaryLines(result: ScanResult, clean: (s: string) => string, p: Palette): string[] {
  const s: ScanSummary = result.summary;
  const n = result.findings.length;
  const lines = [p.bold('Summary')];
  lines.push(n === 0 ? '  0 findings' : `  ${plural(n, 'finding')}: ${countBySeverity(result.findings)}`);
  lines.push(
    `  Scanned ${plural(s.itemsScanned, 'item')} (${formatBytes(s.bytesScanned)}) with ${plural(s.rules, 'rule')} in ${formatDuration(s.durationMs)}`,
  );
  const suppressed = suppressionParts(s);
  if (suppressed.length > 0) lines.push(`  Suppressed: ${suppressed.join(', ')}`);
  const skipped = SKIP_REASONS.flatMap((r) => {
    const c = s.skipped[r] ?? 0;
    return c > 0 ? [`${c} ${r}`] : [];
  });
  if (skipped.length > 0) lines.push(`  Skipped: ${skipped.join(', ')}`);
  for (const c of s.cutShort) {
    lines.push(
      `  ${p.yellow('Cut short:')} rule ${clean(c.ruleId)} exceeded its time budget on ${clean(c.path)}; later matches there may be missed`,
    );
  }
  for (const note of s.notes) lines.push(`  Note: ${clean(note)}`);
  if (s.incomplete)
    lines.push(`  ${p.bold(p.yellow('Scan incomplete:'))} some of what was asked for could not be scanned`);
  return lines;
}

function render(result: ScanResult, options: RenderOptions): string {
  const p = palette(options.color);
  const scrub = scrubber(result, options.showSecrets);
  const clean = (s: string): string => printable(scrub(s));
  const total = result.findings.length;
  const blocks: string[][] = [];
  if (total === 0) {
    blocks.push([p.green(p.bold('No leaks found.'))]);
  } else {
    blocks.push([p.bold(p.red(`keyspill found ${plural(total, 'leaked secret')}`))]);
    result.findings.forEach((f, i) => blocks.push(findingLines(f, i, total, options, clean, p)));
  }
  blocks.push(summaryLines(result, clean, p));
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}

export const text: Reporter = {
  description: 'Human-readable report for a terminal, with next steps per finding.',
  extension: 'txt',
  render,
};
