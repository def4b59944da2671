// `keyspill respond status [ID]`: where an incident stands, step by step, and the next command.
import { Args } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { stateFlags } from '../../cli/respond-flags.ts';
import type { StatusResult } from '../../respond/inspect.ts';

export default class RespondStatus extends RespondCommand<StatusResult> {
  static override summary =
    'Show an incident: each step’s status, who confirmed what, where it stopped, what to run next.';
  static override examples = [
    '<%= config.bin %> respond status',
    '<%= config.bin %> respond status inc-20261204-031207-a1b2 --json',
  ];
  static override args = { id: Args.string({ description: 'Incident id (default: the most recent).' }) };
  static override flags = { ...stateFlags };

  async run(): Promise<StatusResult> {
    const { args, flags } = await this.parse(RespondStatus);
    const { incidentStatus } = await import('../../respond/inspect.ts');
    const { statusLines } = await import('../../cli/respond-render.ts');
    const { result, state, order } = incidentStatus(await this.stateDir(flags['state-dir']), args.id);
    if (!this.jsonEnabled()) {
      for (const l of statusLines(result.id, state, order, result.lockedBy)) this.log(l);
      if (result.journalProblems.length > 0)
        this.addWarning(
          `the journal has ${result.journalProblems.length} integrity problem(s): keyspill respond verify ${result.id}`,
        );
    }
    return result;
  }
}
