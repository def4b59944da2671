// `keyspill rules check FILE…`: validate rule files (schema, regex, examples, negative examples).
import { Args, Flags } from '@oclif/core';
import { relative, resolve } from 'node:path';
import { BaseCommand } from '../../cli/base.ts';

export default class RulesCheck extends BaseCommand {
  static override summary = 'Check rule files: schema, regexes, examples and negative examples.';
  static override examples = [
    '<%= config.bin %> rules check rules/internal.yml',
    '<%= config.bin %> rules check --json my-rules/*.yml',
  ];
  static override strict = false;
  static override args = { file: Args.string({ description: 'Rule files to check.', required: true }) };
  static override flags = { json: Flags.boolean({ summary: 'Print the result as JSON.', default: false }) };

  async run(): Promise<unknown> {
    const { argv, flags } = await this.parse(RulesCheck);
    const { checkRuleFile } = await import('../../catalog/check-file.ts');
    const { formatProblem } = await import('../../catalog/pack.ts');
    const results = await Promise.all(
      (argv as string[]).map((f) => checkRuleFile(resolve(f), relative(process.cwd(), resolve(f)) || f)),
    );
    const bad = results.some((r) => r.problems.length > 0);
    if (flags.json) {
      this.log(JSON.stringify({ ok: !bad, files: results }, null, 2));
    } else {
      for (const r of results) {
        if (r.problems.length === 0)
          this.log(`ok   ${r.file}: ${r.rules} rule(s), every example matches and no negative example does`);
        else {
          this.log(`FAIL ${r.file}: ${r.problems.length} problem(s)`);
          for (const p of r.problems) this.log(`  ${formatProblem(p)}`);
        }
      }
    }
    if (bad) this.exit(2);
    return results;
  }
}
