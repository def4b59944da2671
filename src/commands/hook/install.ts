// `keyspill hook install [REPO]`: a git pre-commit hook that runs `keyspill scan git --staged`.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.ts';
import type { InstallResult } from '../../hook/pre-commit.ts';

export default class HookInstall extends BaseCommand<InstallResult> {
  static override summary = 'Install a git pre-commit hook that blocks commits adding secrets.';
  static override description =
    "Writes the pre-commit hook of the repository (honouring core.hooksPath). The hook runs this keyspill (the node and bin/run.js resolved now; `npx keyspill` if they move) on the staged change, with .keyspill-baseline.json when the repository has one. A hook keyspill did not write is left alone unless --force, which keeps it as pre-commit.pre-keyspill. Running install again updates keyspill's own hook.";
  static override examples = [
    '<%= config.bin %> hook install',
    '<%= config.bin %> hook install --force',
    '<%= config.bin %> hook install path/to/repo',
  ];
  static override args = {
    repo: Args.string({ description: 'Repository (default: the current one).', required: false }),
  };
  static override flags = {
    force: Flags.boolean({
      summary: 'Replace a pre-commit hook keyspill did not write (it is kept as pre-commit.pre-keyspill).',
      default: false,
    }),
  };

  async run(): Promise<InstallResult> {
    const { args, flags } = await this.parse(HookInstall);
    const { currentRunner, installHook } = await import('../../hook/pre-commit.ts');
    const repo = { path: args.repo, cwd: process.cwd(), env: process.env };
    const result = await installHook({
      repo,
      force: flags.force,
      runner: currentRunner(process.execPath, process.argv[1]),
    });
    const how =
      result.runner.bin === undefined
        ? 'npx keyspill'
        : `${result.runner.node ?? 'node'} ${result.runner.bin}`;
    this.log(
      `${result.action === 'updated' ? 'Updated' : 'Installed'} the keyspill pre-commit hook: ${result.file}`,
    );
    if (result.backup !== undefined)
      this.log(`The previous hook was kept as ${result.backup} (hook uninstall puts it back).`);
    this.log(`It runs: ${how} scan git --staged`);
    return result;
  }
}
