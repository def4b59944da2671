// Base of the respond commands that run steps: the live step list, the "next command" line, exit codes.
import { resolve } from 'node:path';
import type { Interfaces } from '@oclif/core';
import { ConfigError, EXIT } from '../errors.ts';
import type { PlanResult } from '../respond/plan.ts';
import type { IncidentRunResult, StartOptions } from '../respond/service.ts';
import type { RunOutput } from '../respond/runner.ts';
import { BaseCommand } from './base.ts';
import { runSummary } from './respond-render.ts';
import type { incidentFlags, stateFlags } from './respond-flags.ts';

type IncidentFlagValues = Interfaces.InferredFlags<typeof incidentFlags & typeof stateFlags>;

export abstract class RespondCommand<T> extends BaseCommand<T> {
  /** Step lines: stdout in text mode, stderr with --json (stdout then holds only the envelope). */
  protected output(): RunOutput {
    return {
      line: (text) => {
        if (this.jsonEnabled()) process.stderr.write(`${text}\n`);
        else this.log(text);
      },
    };
  }

  protected async stateDir(flag: string | undefined): Promise<string> {
    const { resolveStateDir } = await import('../state/dir.ts');
    return resolve(resolveStateDir(flag));
  }

  protected params(
    list: readonly string[] | undefined,
    extra: Record<string, string | undefined> = {},
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of list ?? []) {
      const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(p);
      if (!m)
        throw new ConfigError(
          `--param ${p} is not NAME=VALUE`,
          'e.g. --param storeSecretId=prod/ci/access-key',
        );
      out[m[1]!] = m[2]!;
    }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** --regions a,b --regions c → [a, b, c]. */
  protected regions(list: readonly string[] | undefined): string[] {
    return (list ?? [])
      .flatMap((r) => r.split(','))
      .map((r) => r.trim())
      .filter((r) => r !== '');
  }

  /** The options `respond incident` and `respond plan` share, from their flags. */
  protected async incidentOptions(
    flags: IncidentFlagValues,
  ): Promise<Omit<StartOptions, 'yes' | 'confirm' | 'tty' | 'notify' | 'regions'>> {
    return {
      stateDir: await this.stateDir(flags['state-dir']),
      out: this.output(),
      cwd: process.cwd(),
      configFile: flags.config,
      finding: flags.finding,
      report: flags.report,
      kind: flags.kind,
      id: flags.id,
      secretId: flags['secret-id'],
      dbInstance: flags['db-instance'],
      name: flags.name,
      runbook: flags.runbook,
      since: flags.since,
      params: this.params(flags.param, { storeSecretId: flags['store-secret-id'] }),
    };
  }

  /** A dry run: prints the plan (text mode) and returns it. */
  protected async plan(options: StartOptions): Promise<PlanResult> {
    const { planIncident } = await import('../respond/plan.ts');
    const { planLines } = await import('./respond-render.ts');
    const plan = await planIncident(options);
    if (!this.jsonEnabled()) for (const l of planLines(plan)) this.log(l);
    return plan;
  }

  /** Prints the summary and sets the exit code: 2 when a step waits for a confirmation, 130 when interrupted. */
  protected finishRun(r: IncidentRunResult): IncidentRunResult {
    const out = this.output();
    out.line('');
    for (const l of runSummary(r)) out.line(l);
    if (r.stopped?.reason === 'confirmation-needed') this.setExitCode(EXIT.usage);
    else if (r.stopped?.reason === 'interrupted') this.setExitCode(EXIT.interrupted);
    return r;
  }
}
