// CSV reporter: one row per location, RFC 4180 quoting, with spreadsheet formula injection neutralised.
import type { Finding, Location } from '../model/match.ts';
import type { ScanResult } from '../model/result.ts';
import { csvColumns } from '../provenance/registry.ts';
import { CSV_PROVENANCE_COLUMNS } from '../provenance/view.ts';
import { shownPath } from './place.ts';
import { scrubber } from './scrub.ts';
import type { RenderOptions, Reporter } from './types.ts';

export const CSV_COLUMNS = [
  'fingerprint',
  'ruleId',
  'kind',
  'severity',
  'path',
  'line',
  'column',
  'redacted',
  'provenance',
  'commit',
  'identifier',
  ...CSV_PROVENANCE_COLUMNS.filter((c) => c !== 'commit'),
  'confidence',
] as const;

/** Cells starting with these are read as formulas by spreadsheets (OWASP: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text that could start a formula gets a leading `'`; then RFC 4180 quoting when needed. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(f: Finding, l: Location, showSecrets: boolean): (string | number)[] {
  const columns = csvColumns(l.provenance);
  const cells: (string | number)[] = [
    f.fingerprint,
    f.ruleId,
    f.kind,
    f.severity,
    shownPath(l),
    l.line,
    l.column,
    f.redacted,
    l.provenance.kind,
    columns.commit ?? '',
    f.identifier ?? '',
  ];
  for (const c of CSV_PROVENANCE_COLUMNS) if (c !== 'commit') cells.push(columns[c] ?? '');
  cells.push(f.confidence);
  if (showSecrets) cells.push(f.secret);
  return cells;
}

function render(result: ScanResult, options: RenderOptions): string {
  const scrub = scrubber(result, options.showSecrets);
  const header: string[] = [...CSV_COLUMNS];
  if (options.showSecrets) header.push('secret');
  const rows = [
    header,
    ...result.findings.flatMap((f) => f.locations.map((l) => row(f, l, options.showSecrets))),
  ];
  return rows
    .map((cells) => cells.map((c) => csvCell(typeof c === 'string' ? scrub(c) : c)).join(','))
    .map((line) => `${line}\r\n`)
    .join('');
}

export const csv: Reporter = {
  description: 'CSV, one row per location (RFC 4180; a secret column only with --show-secrets).',
  extension: 'csv',
  render,
};
