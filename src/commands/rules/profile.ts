// `keyspill rules profile [PATH…]`: time and hits of every rule on your own files, costliest first.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.ts';
import type { ProfileResult } from '../../scan/profile.ts';

export default class RulesProfile extends BaseCommand<ProfileResult> {
  static override summary = 'Time every rule on your own files, to find the one that makes scans slow.';
  static override description =
    "Scans PATH (default: the current folder) like `scan dir`, timing each rule's regex: how often it ran (its keywords occurred), how long it took, its share of all regex time and how many raw hits it had. A custom rule whose cost is out of line shows at the top.";
  static override examples = [
    '<%= config.bin %> rules profile src',
    '<%= config.bin %> rules profile . --rules security/keyspill-rules.yml --top 10',
  ];
  static override strict = false;
  static override args = { path: Args.string({ description: 'Files or folders to scan.', required: false }) };
  static override flags = {
    config: Flags.string({
      char: 'c',
      summary: 'Config file (default: .keyspill.yaml in the current folder).',
      helpValue: 'FILE',
    }),
    rules: Flags.string({ char: 'r', summary: 'Extra rule file(s).', multiple: true, helpValue: 'FILE' }),
    builtin: Flags.boolean({ summary: 'Include the built-in catalogue.', default: true, allowNo: true }),
    top: Flags.integer({ summary: 'Rules to list (the costliest).', default: 20, min: 1 }),
    'max-file-size': Flags.string({
      summary: 'Skip files larger than this.',
      default: '25MB',
      helpValue: 'SIZE',
    }),
  };

  async run(): Promise<ProfileResult> {
    const { argv, flags } = await this.parse(RulesProfile);
    const { profileRules } = await import('../../scan/profile.ts');
    const { parseSize } = await import('../../config/size.ts');
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const result = await profileRules({
      paths: argv.length > 0 ? (argv as string[]) : ['.'],
      cwd: process.cwd(),
      configFile: flags.config,
      ruleFiles: flags.rules ?? [],
      builtin: flags.builtin,
      maxFileSize: parseSize(flags['max-file-size']),
      signal: controller.signal,
    });
    const mb = result.bytes / 1e6;
    this.log(
      `${result.files} files, ${mb.toFixed(1)} MB in ${(result.totalMs / 1000).toFixed(2)} s (${(mb / (result.totalMs / 1000)).toFixed(1)} MB/s); regex time ${(result.regexMs / 1000).toFixed(2)} s`,
    );
    const rows = result.rules.slice(0, flags.top);
    const w = Math.max(4, ...rows.map((r) => r.ruleId.length));
    this.log(
      `${'RULE'.padEnd(w)}  ${'SHARE'.padStart(6)}  ${'MS'.padStart(8)}  ${'RUNS'.padStart(7)}  ${'HITS'.padStart(7)}  MB/S`,
    );
    for (const r of rows)
      this.log(
        `${r.ruleId.padEnd(w)}  ${`${(r.share * 100).toFixed(1)}%`.padStart(6)}  ${r.ms.toFixed(1).padStart(8)}  ${String(r.runs).padStart(7)}  ${String(r.hits).padStart(7)}  ${Number.isFinite(r.mbps) ? r.mbps.toFixed(0) : '-'}`,
      );
    return { ...result, rules: rows };
  }
}
