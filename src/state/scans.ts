// Saved scans: redacted JSON reports kept in the state directory, so `respond incident --finding FP` can find a finding.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import type { Json } from '../model/json.ts';
import { ensurePrivateDir, writeFileAtomic } from './dir.ts';

/** Saved scans kept; older ones are removed when a new one is saved. */
export const MAX_SAVED_SCANS = 50;

/** One finding as keyspill's JSON report writes it (schema/report-v1.schema.json): never the secret in clear. */
export interface ReportFinding {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: string;
  readonly description: string;
  readonly redacted: string;
  readonly identifier?: string;
  readonly firstSeen?: string;
  readonly locations: readonly {
    readonly path: string;
    readonly line: number;
    readonly provenance: { readonly kind: string; readonly [field: string]: Json };
  }[];
}

export interface FoundFinding {
  readonly finding: ReportFinding;
  /** The report it came from (a saved scan or --report). */
  readonly reportFile: string;
}

function scansDir(stateDir: string): string {
  return join(stateDir, 'scans');
}

/**
 * Saves a report (already redacted: the caller renders it without --show-secrets) as
 * `<state>/scans/<UTC time>-<random>.json`, mode 0600, written to a temporary name then renamed; prunes the oldest
 * beyond MAX_SAVED_SCANS. Returns the file.
 */
export function saveScan(stateDir: string, report: Json, now: Date = new Date()): string {
  const dir = ensurePrivateDir(scansDir(stateDir));
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `${stamp}-${randomBytes(3).toString('hex')}.json`);
  writeFileAtomic(file, `${JSON.stringify(report)}\n`);
  const saved = savedScans(stateDir);
  for (const old of saved.slice(MAX_SAVED_SCANS)) rmSync(old, { force: true });
  return file;
}

/** Saved scans, newest first. */
export function savedScans(stateDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(scansDir(stateDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/.test(n))
    .sort()
    .reverse()
    .map((n) => join(scansDir(stateDir), n));
}

function readReport(file: string, explicit: boolean): ReportFinding[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (!explicit) return undefined;
    const why = e instanceof SyntaxError ? 'it is not JSON' : reasonOf(e);
    throw new ConfigError(
      `cannot read the report ${file}: ${why}`,
      'pass a report written by keyspill scan … -f json',
      {
        cause: e,
      },
    );
  }
  // A --json envelope holds the report in `result`.
  const report = (data as { result?: unknown })?.result ?? data;
  const findings = (report as { version?: unknown; findings?: unknown })?.findings;
  if ((report as { version?: unknown }).version !== 1 || !Array.isArray(findings)) {
    if (!explicit) return undefined;
    throw new ConfigError(
      `${file} is not a keyspill JSON report (expected {"version": 1, "findings": [...]})`,
      'write one with: keyspill scan … -f json -o scan.json',
    );
  }
  return findings as ReportFinding[];
}

/**
 * The finding with `fingerprint`: from `reportFile` when given, else from the newest saved scan holding it. A clear
 * error names where it looked and what to run when it is not there.
 */
export function findFinding(
  fingerprint: string,
  o: { reportFile?: string | undefined; stateDir: string },
): FoundFinding {
  const files = o.reportFile === undefined ? savedScans(o.stateDir) : [o.reportFile];
  for (const file of files) {
    const finding = readReport(file, o.reportFile !== undefined)?.find((f) => f.fingerprint === fingerprint);
    if (finding !== undefined) return { finding, reportFile: file };
  }
  const where =
    o.reportFile === undefined
      ? `any of the ${files.length} saved scan(s) in ${scansDir(o.stateDir)}`
      : `the report ${o.reportFile}`;
  throw new ConfigError(
    `no finding with fingerprint ${fingerprint} in ${where}`,
    o.reportFile === undefined
      ? 'scan again (keyspill scan … saves its findings), or pass the report: --report scan.json'
      : 'check the fingerprint (keyspill scan … -f json lists them), or scan again',
  );
}
