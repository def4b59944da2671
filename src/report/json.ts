// JSON reporter: the versioned report envelope described by schema/report-v1.schema.json.
import type { Finding, Location } from '../model/match.ts';
import type { Json } from '../model/json.ts';
import { provenanceJson } from '../provenance/registry.ts';
import { SKIP_REASONS, type ScanResult, type ScanSummary } from '../model/result.ts';
import { scrubber } from './scrub.ts';
import type { RenderOptions, Reporter } from './types.ts';

export const REPORT_SCHEMA_URI = 'https://keyspill.dev/schema/report-v1.json';
export const REPORT_VERSION = 1;

export type { Json } from '../model/json.ts';

/** Rounds to 2 decimals so the report does not churn on floating-point noise. */
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function location(l: Location): Json {
  return {
    path: l.path,
    ...(l.member === undefined ? {} : { member: l.member }),
    line: l.line,
    column: l.column,
    endLine: l.endLine,
    endColumn: l.endColumn,
    decodedFrom: [...l.decodedFrom],
    provenance: provenanceJson(l.provenance),
  };
}

function finding(f: Finding, showSecrets: boolean): Json {
  const out: { [key: string]: Json } = {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    description: f.description,
    redacted: f.redacted,
  };
  if (showSecrets) out['secret'] = f.secret;
  out['entropy'] = round2(f.entropy);
  out['confidence'] = f.confidence;
  if (f.lowered !== undefined && f.lowered.length > 0) out['lowered'] = [...f.lowered];
  if (f.field !== undefined) out['field'] = f.field;
  if (f.identifier !== undefined) out['identifier'] = f.identifier;
  if (f.firstSeen !== undefined) out['firstSeen'] = f.firstSeen;
  out['locations'] = f.locations.map(location);
  return out;
}

function summary(s: ScanSummary): Json {
  const skipped: { [key: string]: Json } = {};
  for (const r of SKIP_REASONS) {
    const c = s.skipped[r];
    if (c !== undefined && c > 0) skipped[r] = c;
  }
  return {
    source: s.source,
    targets: [...s.targets],
    itemsScanned: s.itemsScanned,
    bytesScanned: s.bytesScanned,
    durationMs: Math.round(s.durationMs),
    rules: s.rules,
    findings: s.findings,
    ignored: s.ignored,
    baselined: s.baselined,
    suppressed: {
      configAllowlist: s.suppressed.configAllowlist,
      ruleAllowlists: s.suppressed.ruleAllowlists,
      inlineAllow: s.suppressed.inlineAllow,
      ignoreFile: s.suppressed.ignoreFile,
      baseline: s.suppressed.baseline,
      lowConfidence: s.suppressed.lowConfidence,
    },
    ...(s.minConfidence === undefined ? {} : { minConfidence: s.minConfidence }),
    skipped,
    skippedItems: s.skippedItems.map((i) =>
      i.detail === undefined
        ? { path: i.path, reason: i.reason }
        : { path: i.path, reason: i.reason, detail: i.detail },
    ),
    cutShort: s.cutShort.map((c) => ({ ruleId: c.ruleId, path: c.path })),
    incomplete: s.incomplete,
    notes: [...s.notes],
  };
}

/** Applies `f` to every string in a JSON value (keys are ours and left alone). */
function mapStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === 'string') return f(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x: Json) => mapStrings(x, f));
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f);
  return out;
}

/** The report as a plain JSON value (for callers that embed it, such as a `--json` envelope); secrets scrubbed. */
export function reportValue(result: ScanResult, options: RenderOptions): Json {
  const value: Json = {
    $schema: REPORT_SCHEMA_URI,
    version: REPORT_VERSION,
    tool: { name: 'keyspill', version: options.toolVersion },
    summary: summary(result.summary),
    findings: result.findings.map((f) => finding(f, options.showSecrets)),
  };
  return mapStrings(value, scrubber(result, options.showSecrets));
}

function render(result: ScanResult, options: RenderOptions): string {
  return `${JSON.stringify(reportValue(result, options), null, 2)}\n`;
}

export const json: Reporter = {
  description: `Versioned JSON report (schema ${REPORT_SCHEMA_URI}).`,
  extension: 'json',
  render,
};
