// Base command: maps typed errors to fixed exit codes and prints the fix; every keyspill command extends it.
import { Command, Errors } from '@oclif/core';
import { EXIT, KeyspillError } from '../errors.ts';

export abstract class BaseCommand extends Command {
  protected override async catch(
    err: Error & { oclif?: { exit?: number }; code?: string },
  ): Promise<unknown> {
    if (err instanceof KeyspillError) {
      const hint = err.hint === undefined ? '' : `\n  fix: ${err.hint}`;
      process.stderr.write(`keyspill: ${err.message}${hint}\n`);
      return this.exit(err.exitCode);
    }
    if (err.code === 'EEXIT' || err.oclif?.exit !== undefined) return super.catch(err);
    // An unexpected error is a failed scan (3), never "findings" (1).
    const wrapped = new Errors.CLIError(err, { exit: EXIT.failed });
    return super.catch(wrapped);
  }
}
