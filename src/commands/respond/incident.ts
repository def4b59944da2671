// `keyspill respond incident`: start an incident for a leaked credential and run its runbook (or --dry-run it).
import { Flags } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { incidentFlags, runFlags, settingsFlags, stateFlags } from '../../cli/respond-flags.ts';
import type { PlanResult } from '../../respond/plan.ts';
import type { IncidentRunResult } from '../../respond/service.ts';

export default class RespondIncident extends RespondCommand<IncidentRunResult | PlanResult> {
  static override summary =
    'Start an incident for a leaked credential: contain it with its runbook, step by step.';
  static override description =
    'Prints the incident id first, then runs each step: probe (what is already true), a confirmation for anything that changes things (a prompt on a TTY; --yes elsewhere), the change, then a check. Every step and side effect is journaled, so a run that stops (Ctrl-C, a crash, a refusal) continues with `respond resume`.';
  static override examples = [
    '<%= config.bin %> respond incident --finding aws-access-key:4f0c1e9a2b7d3c55',
    '<%= config.bin %> respond incident --finding aws-access-key:4f0c1e9a2b7d3c55 --report scan.json --yes',
    '<%= config.bin %> respond incident --kind aws-access-key --id AKIAIOSFODNN7EXAMPLE --since 3d',
    '<%= config.bin %> respond incident --kind secretsmanager-secret --secret-id prod/api/stripe',
    '<%= config.bin %> respond incident --kind rds-master-password --db-instance orders-db --secret-id prod/orders-db',
    '<%= config.bin %> respond incident --kind generic --name "Acme partner API token"',
    '<%= config.bin %> respond incident --kind aws-access-key --id AKIAIOSFODNN7EXAMPLE --dry-run',
  ];
  static override flags = {
    ...incidentFlags,
    ...runFlags,
    ...settingsFlags,
    ...stateFlags,
    'dry-run': Flags.boolean({
      summary: 'Show every step, the exact calls it would make and what is already true; change nothing.',
      default: false,
    }),
  };

  async run(): Promise<IncidentRunResult | PlanResult> {
    const { flags } = await this.parse(RespondIncident);
    const options = {
      ...(await this.incidentOptions(flags)),
      yes: flags.yes,
      confirm: flags.confirm ?? [],
      notify: flags.notify ?? [],
      regions: this.regions(flags.regions),
      tty: (await import('../../respond/interact.ts')).canPrompt(),
    };
    if (flags['dry-run']) return this.plan(options);
    const { startIncident } = await import('../../respond/service.ts');
    const r = await startIncident({
      ...options,
      onStarted: (id, _dir, banner) => {
        if (this.jsonEnabled()) process.stderr.write(`incident ${id}\n`);
        else {
          this.log(`incident ${id}`);
          for (const l of banner.slice(1)) this.log(l);
          this.log('');
        }
      },
    });
    return this.finishRun(r);
  }
}
