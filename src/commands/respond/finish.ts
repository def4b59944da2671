// `keyspill respond finish ID`: the runbook's clean-up steps (e.g. delete the old key), each separately confirmed.
import { Args, Flags } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { configFlag, runFlags, settingsFlags, stateFlags } from '../../cli/respond-flags.ts';
import type { IncidentRunResult } from '../../respond/service.ts';

export default class RespondFinish extends RespondCommand<IncidentRunResult> {
  static override summary =
    'Close a contained incident: run its clean-up steps (such as deleting the old key), each confirmed.';
  static override description =
    'Run it once the replacement is rolled out. Irreversible steps need a typed confirmation on a TTY, or --confirm STEP.';
  static override examples = [
    '<%= config.bin %> respond finish inc-20261204-031207-a1b2',
    '<%= config.bin %> respond finish inc-20261204-031207-a1b2 --confirm delete-old-key',
  ];
  static override args = { id: Args.string({ description: 'Incident id.', required: true }) };
  static override flags = {
    ...runFlags,
    ...settingsFlags,
    ...configFlag,
    ...stateFlags,
    'take-over': Flags.string({
      summary: 'Take over the lock of a run that is gone (its nonce).',
      helpValue: 'NONCE',
    }),
  };

  async run(): Promise<IncidentRunResult> {
    const { args, flags } = await this.parse(RespondFinish);
    const { resumeIncident } = await import('../../respond/service.ts');
    const { canPrompt } = await import('../../respond/interact.ts');
    const r = await resumeIncident({
      stateDir: await this.stateDir(flags['state-dir']),
      out: this.output(),
      id: args.id,
      takeOver: flags['take-over'],
      section: 'finish',
      yes: flags.yes,
      confirm: flags.confirm ?? [],
      cwd: process.cwd(),
      configFile: flags.config,
      notify: flags.notify ?? [],
      regions: this.regions(flags.regions),
      tty: canPrompt(),
    });
    return this.finishRun(r);
  }
}
