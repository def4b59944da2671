// `keyspill hook uninstall [REPO]`: removes keyspill's pre-commit hook, and only keyspill's.
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.ts';
import type { UninstallResult } from '../../hook/pre-commit.ts';

export default class HookUninstall extends BaseCommand<UninstallResult> {
  static override summary = 'Remove the keyspill pre-commit hook.';
  static override description =
    'Removes the pre-commit hook only if keyspill wrote it (a hook it replaced with --force is put back). A hook keyspill did not write is left alone.';
  static override examples = ['<%= config.bin %> hook uninstall'];
  static override args = {
    repo: Args.string({ description: 'Repository (default: the current one).', required: false }),
  };
  async run(): Promise<UninstallResult> {
    const { args } = await this.parse(HookUninstall);
    const { uninstallHook } = await import('../../hook/pre-commit.ts');
    const repo = { path: args.repo, cwd: process.cwd(), env: process.env };
    const result = await uninstallHook({ repo });
    const said = {
      removed: `Removed the keyspill pre-commit hook: ${result.file}`,
      restored: `Removed the keyspill pre-commit hook and put back the hook it had replaced: ${result.file}`,
      absent: `No pre-commit hook to remove at ${result.file}`,
    } as const;
    this.log(said[result.action]);
    return result;
  }
}
