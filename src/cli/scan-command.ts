// Scan command base: shared flags → one scan, the report rendered to stdout or --output, the exit code set.
import { ConfigError } from '../errors.ts';
import type { ConfigFiles } from '../config/files.ts';
import type { Json } from '../report/json.ts';
import type { ExecuteScanOptions } from '../scan/execute.ts';
import { BaseCommand } from './base.ts';
import type { ScanFlagValues } from './scan-flags.ts';

export abstract class ScanCommand extends BaseCommand<Json> {
  /** Stdin scans read a pipe; on a terminal they would wait for input nobody means to type. */
  protected assertStdinIsPiped(): void {
    if (process.stdin.isTTY === true) {
      throw new ConfigError(
        'standard input is a terminal, not a pipe',
        'pipe something in, e.g.: cat app.log | keyspill scan stdin',
      );
    }
  }

  /**
   * Runs one scan with the shared flags (`root` is where config and ignore files are looked for), writes the
   * report, sets the exit code, and returns the JSON report (the `--json` result).
   */
  protected async scanWith(
    flags: ScanFlagValues,
    root: string,
    makeSource: ExecuteScanOptions['makeSource'],
    extra: { readonly configFiles?: ConfigFiles | undefined } = {},
  ): Promise<Json> {
    const { runScan } = await import('./run-scan.ts');
    const out = await runScan(flags, root, makeSource, extra, {
      json: this.jsonEnabled(),
      version: this.config.version,
      warn: (m) => this.addWarning(m),
    });
    this.setExitCode(out.exitCode);
    return out.value;
  }
}
