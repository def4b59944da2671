// `keyspill hook uninstall [REPO]`: removes keyspill's pre-commit hook, and only keyspill's.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.ts';

export default class HookUninstall extends BaseCommand {
  static override summary = 'Remove the keyspill pre-commit hook.';
  static override description =
    'Removes the pre-commit hook only if keyspill wrote it (a hook it replaced with --force is put back). A hook keyspill did not write is left alone.';
  static override examples = ['<%= config.bin %> hook uninstall'];
  static override args = {
    repo: Args.string({ description: 'Repository (default: the current one).', required: false }),
  };
  static override flags = {
    json: Flags.boolean({ summary: 'Print the result as JSON.', default: false }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(HookUninstall);
    const { openRepo } = await import('../../git/repo.ts');
    const { uninstallHook } = await import('../../hook/pre-commit.ts');
    const repo = await openRepo({ path: args.repo, cwd: process.cwd(), env: process.env });
    const result = await uninstallHook({ repo });
    if (flags.json) {
      this.log(JSON.stringify(result, null, 2));
      return result;
    }
    const said = {
      removed: `Removed the keyspill pre-commit hook: ${result.file}`,
      restored: `Removed the keyspill pre-commit hook and put back the hook it had replaced: ${result.file}`,
      absent: `No pre-commit hook to remove at ${result.file}`,
    } as const;
    this.log(said[result.action]);
    return result;
  }
}
