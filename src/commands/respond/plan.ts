// `keyspill respond plan`: what `respond incident` would do, with the same arguments; changes nothing.
import { RespondCommand } from '../../cli/respond-command.ts';
import { incidentFlags, stateFlags } from '../../cli/respond-flags.ts';
import type { PlanResult } from '../../respond/plan.ts';

export default class RespondPlan extends RespondCommand<PlanResult> {
  static override summary =
    'Show what `respond incident` would do: every step, its exact calls, what is already true.';
  static override description =
    'Same arguments as `respond incident`. Read-only steps (preflight) run to fill in later steps; nothing is changed and no incident is created.';
  static override examples = [
    '<%= config.bin %> respond plan --kind aws-access-key --id AKIAIOSFODNN7EXAMPLE',
    '<%= config.bin %> respond plan --finding aws-access-key:4f0c1e9a2b7d3c55 --json',
  ];
  static override flags = { ...incidentFlags, ...stateFlags };

  async run(): Promise<PlanResult> {
    const { flags } = await this.parse(RespondPlan);
    return this.plan({
      ...(await this.incidentOptions(flags)),
      yes: false,
      confirm: [],
      tty: false,
      notify: [],
      regions: [],
    });
  }
}
