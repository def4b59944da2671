// `keyspill rules check FILE…`: validate rule files (schema, regex, examples, negative examples).
import { Args } from '@oclif/core';
import { relative, resolve } from 'node:path';
import { BaseCommand } from '../../cli/base.ts';
import { EXIT } from '../../errors.ts';
import type { FileCheck } from '../../catalog/check-file.ts';

export interface RulesCheckResult {
  readonly ok: boolean;
  readonly files: readonly FileCheck[];
}

export default class RulesCheck extends BaseCommand<RulesCheckResult> {
  static override summary = 'Check rule files: schema, regexes, examples and negative examples.';
  static override description =
    'Exits 0 when every file is valid, 2 when any has a problem (each is listed).';
  static override examples = [
    '<%= config.bin %> rules check rules/internal.yml',
    '<%= config.bin %> rules check --json my-rules/*.yml',
  ];
  static override strict = false;
  static override args = { file: Args.string({ description: 'Rule files to check.', required: true }) };

  async run(): Promise<RulesCheckResult> {
    const { argv } = await this.parse(RulesCheck);
    const { checkRuleFile } = await import('../../catalog/check-file.ts');
    const { formatProblem } = await import('../../catalog/pack.ts');
    const files = await Promise.all(
      (argv as string[]).map((f) => checkRuleFile(resolve(f), relative(process.cwd(), resolve(f)) || f)),
    );
    const ok = files.every((r) => r.problems.length === 0);
    for (const r of files) {
      if (r.problems.length === 0)
        this.log(`ok   ${r.file}: ${r.rules} rule(s), every example matches and no negative example does`);
      else {
        this.log(`FAIL ${r.file}: ${r.problems.length} problem(s)`);
        for (const p of r.problems) this.log(`  ${formatProblem(p)}`);
      }
      for (const w of r.warnings) this.log(`warn ${formatProblem(w)}`);
    }
    if (!ok) this.setExitCode(EXIT.usage);
    return { ok, files };
  }
}
