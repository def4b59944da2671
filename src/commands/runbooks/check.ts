// `keyspill runbooks check FILE…`: validate runbook files (schema, step kinds and inputs, template references).
import { Args } from '@oclif/core';
import { relative, resolve } from 'node:path';
import { BaseCommand } from '../../cli/base.ts';
import { EXIT } from '../../errors.ts';
import type { RunbookFileCheck } from '../../respond/runbooks.ts';

export interface RunbooksCheckResult {
  readonly ok: boolean;
  readonly files: readonly RunbookFileCheck[];
}

export default class RunbooksCheck extends BaseCommand<RunbooksCheckResult> {
  static override summary =
    'Check runbook files: schema, step kinds, their inputs, and every template reference.';
  static override description =
    'Exits 0 when every file is valid, 2 when any has a problem (each with its file and line).';
  static override examples = [
    '<%= config.bin %> runbooks check runbooks/ours.yml',
    '<%= config.bin %> runbooks check --json ops/runbooks/*.yml',
  ];
  static override strict = false;
  static override args = { file: Args.string({ description: 'Runbook files to check.', required: true }) };

  async run(): Promise<RunbooksCheckResult> {
    const { argv } = await this.parse(RunbooksCheck);
    const { checkRunbookFile } = await import('../../respond/runbooks.ts');
    const { formatRunbookProblem } = await import('../../respond/runbook-schema.ts');
    const files = (argv as string[]).map((f) => {
      const c = checkRunbookFile(resolve(f), relative(process.cwd(), resolve(f)) || f);
      return { file: c.file, name: c.name, steps: c.steps, problems: c.problems };
    });
    for (const r of files) {
      if (r.problems.length === 0) this.log(`ok   ${r.file}: runbook ${r.name ?? ''}, ${r.steps} step(s)`);
      else {
        this.log(`FAIL ${r.file}: ${r.problems.length} problem(s)`);
        for (const p of r.problems) this.log(`  ${formatRunbookProblem(p)}`);
      }
    }
    const ok = files.every((r) => r.problems.length === 0);
    if (!ok) this.setExitCode(EXIT.usage);
    return { ok, files };
  }
}
