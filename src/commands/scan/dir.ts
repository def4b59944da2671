// `keyspill scan dir [PATH…]`: scan files and folders ("-" reads stdin).
import { Args, Flags } from '@oclif/core';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ScanCommand } from '../../cli/scan-command.ts';
import { scanFlags } from '../../cli/scan-flags.ts';
import { ConfigError } from '../../errors.ts';
import type { Json } from '../../report/json.ts';

export default class ScanDir extends ScanCommand {
  static override summary = 'Scan files and folders for leaked secrets.';
  static override description =
    'Walks each PATH (default: the current folder), honouring .gitignore files unless --no-ignore. Dotfiles are scanned; .git/ internals are not (use `scan git`). Binaries and files over --max-file-size are skipped and counted. A PATH of "-" reads standard input. A YAML or JSON file holding a Kubernetes Secret with real data is reported as such (k8s-secret-manifest; `scan k8s` takes manifests fully apart).';
  static override examples = [
    '<%= config.bin %> scan dir',
    '<%= config.bin %> scan dir src config --format sarif --output keyspill.sarif',
    '<%= config.bin %> scan dir . --baseline .keyspill-baseline.json',
    'cat app.log | <%= config.bin %> scan dir -',
  ];
  static override strict = false;
  static override args = { path: Args.string({ description: 'Files or folders to scan.', required: false }) };
  static override flags = {
    ...scanFlags,
    ignore: Flags.boolean({
      summary: 'Honour .gitignore files (--no-ignore scans everything).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<Json> {
    const { argv, flags } = await this.parse(ScanDir);
    const paths = argv.length > 0 ? (argv as string[]) : ['.'];
    const cwd = process.cwd();
    const only = paths.length === 1 ? paths[0]! : undefined;
    const root = only !== undefined && only !== '-' && isDir(resolve(cwd, only)) ? resolve(cwd, only) : cwd;
    if (paths.includes('-')) {
      if (paths.length > 1)
        throw new ConfigError(
          '"-" (stdin) cannot be combined with other paths',
          'scan stdin and the paths in two runs',
        );
      this.assertStdinIsPiped();
      const { stdinSource } = await import('../../sources/stdin.ts');
      return this.scanWith(flags, root, (s) =>
        stdinSource({
          stream: process.stdin,
          name: '-',
          policy: s,
        }),
      );
    }
    const [{ dirSource }, { withSecretManifests }] = await Promise.all([
      import('../../sources/dir.ts'),
      import('../../sources/k8s/secret-manifests.ts'),
    ]);
    return this.scanWith(flags, root, (s) =>
      withSecretManifests(
        dirSource({
          paths,
          cwd,
          useGitignore: flags.ignore,
          policy: s,
        }),
      ),
    );
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
