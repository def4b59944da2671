// Base command: `--json` envelopes, typed errors → fixed exit codes and the fix; every keyspill command extends it.
import { Command } from '@oclif/core';
import { BugError, ConfigError, EXIT, KeyspillError } from '../errors.ts';

/** What every command prints with `--json`: the exit status, the command's typed result, and warnings. */
export interface Envelope<T> {
  readonly status: number;
  readonly result: T;
  readonly warnings: readonly string[];
}

/** What a failed command prints with `--json`. */
export interface ErrorEnvelope {
  readonly status: number;
  readonly error: {
    readonly name: string;
    readonly message: string;
    readonly hint?: string;
    readonly [detail: string]: string | undefined;
  };
  readonly warnings: readonly string[];
}

/** oclif's own usage errors (unknown flag, missing argument, bad option) carry an exit code in `oclif.exit`. */
type OclifError = Error & { oclif?: { exit?: number }; code?: string };

export abstract class BaseCommand<T = unknown> extends Command {
  static override enableJsonFlag = true;

  /** Warnings for the `--json` envelope (also written to stderr when not in JSON mode). */
  protected readonly warnings: string[] = [];

  abstract override run(): Promise<T>;

  /** The exit code of a command that finished its work: findings (1), incomplete (3), interrupted (130). */
  protected setExitCode(code: number): void {
    process.exitCode = code;
  }

  protected addWarning(message: string): void {
    this.warnings.push(message);
    if (!this.jsonEnabled()) process.stderr.write(`keyspill: warning: ${message}\n`);
  }

  protected verbose(): boolean {
    return (
      this.argv.includes('--verbose') || this.argv.includes('-v') || process.env['KEYSPILL_DEBUG'] === '1'
    );
  }

  override toSuccessJson(result: unknown): Envelope<unknown> {
    return {
      status: typeof process.exitCode === 'number' ? process.exitCode : 0,
      result,
      warnings: this.warnings,
    };
  }

  override toErrorJson(err: unknown): ErrorEnvelope {
    const e = err instanceof KeyspillError ? err : new BugError(err);
    return {
      status: e.exitCode,
      error: {
        name: e.name,
        message: e.message,
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        ...e.details(),
      },
      warnings: this.warnings,
    };
  }

  /** Turns anything thrown into a KeyspillError: ours as they are, oclif's usage errors as exit 2, the rest a bug. */
  private classify(err: OclifError): KeyspillError {
    if (err instanceof KeyspillError) return err;
    if (err.oclif?.exit !== undefined && err.code !== 'EEXIT') {
      const message = err.message
        .replace(/\n?See more help with --help\s*$/, '')
        .replace(/^Parsing --[\w-]+ \n\t/, '');
      return new ConfigError(message, `see: keyspill ${this.id?.replaceAll(':', ' ') ?? ''} --help`.trim(), {
        cause: err,
      });
    }
    return new BugError(err);
  }

  protected override async catch(err: OclifError): Promise<unknown> {
    // this.exit() and oclif's help exit through an EEXIT error: let oclif finish them.
    if (err.code === 'EEXIT') return super.catch(err);
    const e = this.classify(err);
    process.exitCode = e.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(e));
      return undefined;
    }
    const hint = e.hint === undefined ? '' : `\n  fix: ${e.hint}`;
    process.stderr.write(`keyspill: ${e.message}${hint}\n`);
    if (e instanceof BugError && this.verbose() && e.cause instanceof Error && e.cause.stack !== undefined) {
      process.stderr.write(`${e.cause.stack}\n`);
    }
    return undefined;
  }
}

export { EXIT };
