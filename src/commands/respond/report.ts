// `keyspill respond report [ID]`: the incident report for the post-mortem, Markdown (default) or --json.
import { writeFileSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { stateFlags } from '../../cli/respond-flags.ts';
import { ConfigError, reasonOf } from '../../errors.ts';
import type { IncidentReport } from '../../respond/report.ts';

export default class RespondReport extends RespondCommand<IncidentReport> {
  static override summary =
    'The incident report: UTC timeline, time to contain and recover, steps, audit and flags, evidence.';
  static override description = 'Markdown for the post-mortem (default), or the same data with --json.';
  static override examples = [
    '<%= config.bin %> respond report inc-20261204-031207-a1b2',
    '<%= config.bin %> respond report inc-20261204-031207-a1b2 --output postmortem/incident.md',
    '<%= config.bin %> respond report --json',
  ];
  static override args = { id: Args.string({ description: 'Incident id (default: the most recent).' }) };
  static override flags = {
    ...stateFlags,
    output: Flags.string({
      char: 'o',
      summary: 'Write the Markdown report to FILE instead of stdout.',
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<IncidentReport> {
    const { args, flags } = await this.parse(RespondReport);
    const { incidentReport } = await import('../../respond/report.ts');
    const { reportMarkdown } = await import('../../respond/report-markdown.ts');
    const report = incidentReport(await this.stateDir(flags['state-dir']), args.id);
    const md = reportMarkdown(report);
    if (flags.output !== undefined) {
      try {
        writeFileSync(flags.output, md);
      } catch (e) {
        throw new ConfigError(`cannot write ${flags.output}: ${reasonOf(e)}`, 'check the --output path');
      }
      if (!this.jsonEnabled()) this.log(`wrote the report of ${report.id} to ${flags.output}`);
    } else if (!this.jsonEnabled()) process.stdout.write(md);
    return report;
  }
}
