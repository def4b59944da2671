// One scan as a command runs it: shared flags → executeScan → the report written → exit code and --json value.
// Used by ScanCommand and by the pre-commit fast path (cli/fast-staged.ts), which skips oclif.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigFiles } from '../config/files.ts';
import { reasonOf } from '../errors.ts';
import type { ScanResult } from '../model/result.ts';
import type { Json } from '../report/json.ts';
import type { ExecuteScanOptions } from '../scan/execute.ts';
import type { ScanFlagValues } from './scan-flags.ts';

const MB = 1024 * 1024;

/** What the caller provides: whether --json is on, keyspill's version, and where warnings go. */
export interface ScanIo {
  readonly json: boolean;
  readonly version: string;
  warn(message: string): void;
}

/** Keeps a redacted copy of the report for `respond incident --finding`; a failure is a warning, never fatal. */
async function saveFindings(
  flags: ScanFlagValues,
  result: ScanResult,
  shown: Json,
  io: ScanIo,
): Promise<void> {
  const [{ resolveStateDir }, { saveScan }, { reportValue }] = await Promise.all([
    import('../state/dir.ts'),
    import('../state/scans.ts'),
    import('../report/json.ts'),
  ]);
  const redacted = flags['show-secrets']
    ? reportValue(result, { showSecrets: false, color: false, toolVersion: io.version })
    : shown;
  const dir = resolveStateDir(flags['state-dir']);
  try {
    const file = saveScan(dir, redacted);
    if (flags.verbose) process.stderr.write(`saved the findings (redacted) to ${file}\n`);
  } catch (e) {
    io.warn(`could not save the findings to ${dir} (${reasonOf(e)}); pass --no-save, or --state-dir DIR`);
  }
}

export async function runScan(
  flags: ScanFlagValues,
  root: string,
  makeSource: ExecuteScanOptions['makeSource'],
  extra: { readonly configFiles?: ConfigFiles | undefined },
  io: ScanIo,
): Promise<{ readonly exitCode: number; readonly value: Json }> {
  const [{ executeScan, assertWritable }, { REPORTERS }, { reportValue }] = await Promise.all([
    import('../scan/execute.ts'),
    import('../report/registry.ts'),
    import('../report/json.ts'),
  ]);
  if (flags.output !== undefined) assertWritable(resolve(process.cwd(), flags.output), '--output');
  const controller = new AbortController();
  // The first Ctrl-C stops the scan with a partial report. The same interrupt can arrive twice (from the terminal and
  // forwarded by bin/run.js's parent process), so a repeat within half a second is the same one; a later one quits.
  let firstAt: number | undefined;
  const onSigint = (): void => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      controller.abort();
    } else if (Date.now() - firstAt > 500) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  const showProgress = process.stderr.isTTY === true || flags.verbose;
  const started = Date.now();
  let progressShown = false;
  const color =
    flags.color ??
    (process.stdout.isTTY === true && flags.output === undefined && process.env['NO_COLOR'] === undefined);
  try {
    const outcome = await executeScan({
      root,
      cwd: process.cwd(),
      configFile: flags.config,
      ruleFiles: flags.rules ?? [],
      builtin: flags.builtin,
      ignoreFile: flags['ignore-file'],
      baselineFile: flags.baseline,
      writeBaselineFile: flags['write-baseline'],
      findingsExitCode: flags['exit-code'],
      maxFileSize: flags['max-file-size'],
      includeBinary: flags['include-binary'],
      minConfidence: flags['min-confidence'],
      makeSource,
      toolVersion: io.version,
      configFiles: extra.configFiles,
      signal: controller.signal,
      ...(showProgress
        ? {
            onProgress: (p) => {
              const secs = Math.max((Date.now() - started) / 1000, 0.001);
              const line = `scanning: ${p.items} items, ${(p.bytes / MB).toFixed(1)} MB, ${(p.bytes / MB / secs).toFixed(1)} MB/s, ${p.matches} matches`;
              process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
              progressShown = true;
            },
          }
        : {}),
    });
    if (progressShown && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    if (flags.verbose) {
      for (const s of outcome.result.summary.skippedItems)
        process.stderr.write(`skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}\n`);
      process.stderr.write(`worker thread: ${outcome.workerFragments} fragments\n`);
    }
    const renderOptions = {
      showSecrets: flags['show-secrets'],
      color,
      toolVersion: io.version,
    };
    const report = REPORTERS[flags.format].render(outcome.result, renderOptions);
    if (flags.output !== undefined) writeFileSync(resolve(process.cwd(), flags.output), report);
    else if (!io.json) await new Promise<void>((r) => process.stdout.write(report, () => r()));
    // The report as a value is only needed for the --json envelope and --save (building it scrubs every string).
    const save = flags.save && outcome.result.findings.length > 0;
    const value = io.json || save ? reportValue(outcome.result, { ...renderOptions, color: false }) : null;
    if (save) await saveFindings(flags, outcome.result, value, io);
    return { exitCode: outcome.exitCode, value };
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
