// `keyspill respond resume [ID]`: continue an incident from its journal (default: the most recent unfinished one).
import { Args, Flags } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { configFlag, runFlags, settingsFlags, stateFlags } from '../../cli/respond-flags.ts';
import type { IncidentRunResult } from '../../respond/service.ts';

export default class RespondResume extends RespondCommand<IncidentRunResult> {
  static override summary =
    'Continue an incident where it stopped (default: the most recent unfinished one).';
  static override description =
    'Re-probes the first unfinished step, so nothing is done twice: a step whose change already happened is recorded as already true. A contained incident is left as it is (exit 0). Refuses a journal that fails verification.';
  static override examples = [
    '<%= config.bin %> respond resume',
    '<%= config.bin %> respond resume inc-20261204-031207-a1b2 --yes',
    '<%= config.bin %> respond resume inc-20261204-031207-a1b2 --confirm apply-at-service',
    '<%= config.bin %> respond resume inc-20261204-031207-a1b2 --take-over 9f3a1c07',
  ];
  static override args = {
    id: Args.string({ description: 'Incident id (default: the most recent unfinished incident).' }),
  };
  static override flags = {
    ...runFlags,
    ...settingsFlags,
    ...configFlag,
    ...stateFlags,
    'take-over': Flags.string({
      summary:
        'Take over the lock of a run that is gone, naming its nonce (shown in the "locked by" message).',
      helpValue: 'NONCE',
    }),
  };

  async run(): Promise<IncidentRunResult> {
    const { args, flags } = await this.parse(RespondResume);
    const { resumeIncident } = await import('../../respond/service.ts');
    const { canPrompt } = await import('../../respond/interact.ts');
    const r = await resumeIncident({
      stateDir: await this.stateDir(flags['state-dir']),
      out: this.output(),
      id: args.id,
      takeOver: flags['take-over'],
      section: 'steps',
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
