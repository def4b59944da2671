// SARIF reporter: SARIF 2.1.0 for code-scanning services, one result per (finding, location).
import type { Invocation, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Location } from '../model/match.ts';
import type { ScanResult } from '../model/result.ts';
import type { Confidence, Severity } from '../model/rule.ts';
import { HISTORY_NOTE } from '../provenance/git.ts';
import { sarifProperties, sarifUnderSourceRoot } from '../provenance/registry.ts';
import { IGNORE_FILE, incidentCommand, rotateAdvice, suppressionParts, whyItFired } from './advice.ts';
import { INLINE_ALLOW } from '../findings/pipeline.ts';
import { scrubber } from './scrub.ts';
import type { RenderOptions, Reporter } from './types.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://keyspill.dev';
/** The key of keyspill's fingerprint in `partialFingerprints`. */
export const FINGERPRINT_KEY = 'keyspill/v1';
export const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning reads `security-severity` as a CVSS-like score in a string. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** SARIF `precision` of a rule, from the confidence of its findings. */
const PRECISION: Readonly<Record<Confidence, 'very-high' | 'high' | 'medium' | 'low'>> = {
  high: 'very-high',
  medium: 'medium',
  low: 'low',
};

/** SARIF `rank` (0–100, how likely a result is a true positive), from a finding's confidence. */
export const RANK: Readonly<Record<Confidence, number>> = { high: 90, medium: 60, low: 25 };

/** `aws-access-key-id` → `AwsAccessKeyId`: SARIF's rule name is an identifier-like string. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A path as a relative URI reference: forward slashes, each segment percent-encoded (spaces, `#`, `?`, `%`, `:`…). */
export function pathToUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
}

function helpMarkdown(f: Finding): string {
  return [
    `**${f.description}** (kind \`${f.kind}\`, severity ${f.severity})`,
    '',
    'A credential matching this rule was found. Anyone who can read the file or its history can use it.',
    '',
    '### Rotate or revoke',
    '',
    rotateAdvice(f.kind),
    '',
    HISTORY_NOTE,
    '',
    '### Open an incident',
    '',
    `Scan the repository with keyspill (it keeps the findings), then run \`${incidentCommand('<fingerprint>')}\` with the result's \`${FINGERPRINT_KEY}\` partial fingerprint to walk through containment (or pass the JSON report with \`--report FILE\`).`,
    '',
    '### False positive?',
    '',
    `Add the fingerprint to \`${IGNORE_FILE}\`, or put \`${INLINE_ALLOW}\` in a comment on the line.`,
  ].join('\n');
}

function helpText(f: Finding): string {
  return [
    `${f.description} (kind ${f.kind}, severity ${f.severity}).`,
    `Rotate or revoke: ${rotateAdvice(f.kind)}`,
    HISTORY_NOTE,
    `Open an incident: ${incidentCommand('<fingerprint>')} (the result's ${FINGERPRINT_KEY} partial fingerprint), after a local keyspill scan or with --report FILE.`,
    `False positive: add the fingerprint to ${IGNORE_FILE}, or put ${INLINE_ALLOW} in a comment on the line.`,
  ].join('\n');
}

function rule(f: Finding): ReportingDescriptor {
  return {
    id: f.ruleId,
    name: ruleName(f.ruleId),
    shortDescription: { text: f.description },
    fullDescription: { text: `${f.description}: a leaked ${f.kind} credential.` },
    help: { text: helpText(f), markdown: helpMarkdown(f) },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags: ['security', 'secret', f.kind],
      precision: PRECISION[f.confidence],
      'security-severity': SECURITY_SEVERITY[f.severity],
    },
  };
}

function result(
  f: Finding,
  l: Location,
  ruleIndex: number,
  showSecrets: boolean,
  scrub: (s: string) => string,
): Result {
  const uri = pathToUri(scrub(l.path));
  const decoded = l.decodedFrom.length > 0 ? ` (decoded from ${l.decodedFrom.join(', then ')})` : '';
  const shown = showSecrets ? f.secret : f.redacted;
  const artifactLocation = sarifUnderSourceRoot(l.provenance) ? { uri, uriBaseId: SRCROOT } : { uri };
  const out: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.description}: ${shown}${decoded}. Fingerprint ${f.fingerprint}.` },
    locations: [
      {
        physicalLocation: {
          artifactLocation,
          region: { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    rank: RANK[f.confidence],
  };
  const properties = sarifProperties(l.provenance);
  out.properties = {
    ...properties,
    confidence: f.confidence,
    why: whyItFired(f),
    ...(f.field === undefined ? {} : { field: f.field }),
    ...(f.lowered === undefined || f.lowered.length === 0 ? {} : { lowered: [...f.lowered] }),
  };
  if (l.decodedFrom.length > 0) out.properties = { ...out.properties, decodedFrom: [...l.decodedFrom] };
  if (f.identifier !== undefined) out.properties = { ...out.properties, identifier: f.identifier };
  // The archive is the artifact code scanning can show; the member inside it is named here.
  if (l.member !== undefined) out.properties = { ...out.properties, member: l.member };
  return out;
}

function invocation(scan: ScanResult): Invocation {
  const notes: Notification[] = [
    ...scan.summary.cutShort.map((c): Notification => ({
      level: 'warning',
      message: {
        text: `Rule ${c.ruleId} exceeded its time budget on ${c.path}; later matches there may be missed.`,
      },
      associatedRule: { id: c.ruleId },
    })),
    ...scan.summary.notes.map((n): Notification => ({ level: 'note', message: { text: n } })),
  ];
  const suppressed = suppressionParts(scan.summary);
  if (suppressed.length > 0)
    notes.push({ level: 'note', message: { text: `Suppressed: ${suppressed.join(', ')}.` } });
  const inv: Invocation = {
    executionSuccessful: !scan.summary.incomplete,
    properties: { suppressed: { ...scan.summary.suppressed } },
  };
  if (notes.length > 0) inv.toolExecutionNotifications = notes;
  return inv;
}

/** The SARIF log as an object; paths are scrubbed before encoding, the other strings when rendered. */
function sarifLog(scan: ScanResult, options: RenderOptions, scrub: (s: string) => string): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const byRule = [...scan.findings].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  for (const f of byRule) {
    if (ruleIndex.has(f.ruleId)) continue;
    ruleIndex.set(f.ruleId, rules.length);
    rules.push(rule(f));
  }
  const results = scan.findings.flatMap((f) =>
    f.locations.map((l) => result(f, l, ruleIndex.get(f.ruleId)!, options.showSecrets, scrub)),
  );
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'keyspill', informationUri: INFORMATION_URI, version: options.toolVersion, rules },
        },
        invocations: [invocation(scan)],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function render(scan: ScanResult, options: RenderOptions): string {
  const scrub = scrubber(scan, options.showSecrets);
  const replacer = (_key: string, value: unknown): unknown =>
    typeof value === 'string' ? scrub(value) : value;
  return `${JSON.stringify(sarifLog(scan, options, scrub), replacer, 2)}\n`;
}

export const sarif: Reporter = {
  description: 'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.',
  extension: 'sarif',
  render,
};
