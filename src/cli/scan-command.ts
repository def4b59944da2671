// Scan command base: turns shared flags into ExecuteScanOptions, shows progress, writes stdout, sets the exit code.
import { ConfigError } from '../errors.ts';
import { BaseCommand } from './base.ts';
import type { ScanFlagValues } from './scan-flags.ts';
import type { ExecuteScanOptions, ExecuteScanResult } from '../scan/execute.ts';
import type { FormatName } from '../report/registry.ts';

const MB = 1024 * 1024;

export abstract class ScanCommand extends BaseCommand {
  /** Stdin scans read a pipe; on a terminal they would wait for input nobody means to type. */
  protected assertStdinIsPiped(): void {
    if (process.stdin.isTTY === true) {
      throw new ConfigError(
        'standard input is a terminal, not a pipe',
        'pipe something in, e.g.: cat app.log | keyspill scan stdin',
      );
    }
  }

  /** Runs one scan job with the shared flags; `root` is where config and ignore files are looked for. */
  protected async scanWith(
    flags: ScanFlagValues,
    root: string,
    makeSource: ExecuteScanOptions['makeSource'],
  ): Promise<ExecuteScanResult> {
    const { executeScan } = await import('../scan/execute.ts');
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const showProgress = process.stderr.isTTY === true || flags.verbose;
    const started = Date.now();
    let progressShown = false;
    const color =
      flags.color ??
      (process.stdout.isTTY === true && flags.output === undefined && process.env.NO_COLOR === undefined);
    try {
      const job = await executeScan({
        root,
        cwd: process.cwd(),
        configFile: flags.config,
        ruleFiles: flags.rules ?? [],
        builtin: flags.builtin,
        ignoreFile: flags['ignore-file'],
        baselineFile: flags.baseline,
        writeBaselineFile: flags['write-baseline'],
        format: flags.format as FormatName,
        outputFile: flags.output,
        showSecrets: flags['show-secrets'],
        color,
        findingsExitCode: flags['exit-code'],
        maxFileSize: flags['max-file-size'],
        includeBinary: flags['include-binary'],
        toolVersion: this.config.version,
        makeSource,
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
        for (const s of job.result.summary.skippedItems)
          process.stderr.write(`skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}\n`);
      }
      if (job.stdout !== undefined)
        await new Promise<void>((r) => process.stdout.write(job.stdout!, () => r()));
      if (job.exitCode !== 0) this.exit(job.exitCode);
      return job;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  }
}
