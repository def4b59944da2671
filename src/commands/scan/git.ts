// `keyspill scan git [REPO]`: scan git history (every ref, some refs, a range) or the staged change.
import { Args, Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { ScanCommand } from '../../cli/scan-command.ts';
import { scanFlags } from '../../cli/scan-flags.ts';
import type { Json } from '../../report/json.ts';
import type { RevisionSpec } from '../../model/revisions.ts';

export default class ScanGit extends ScanCommand {
  static override summary = 'Scan git history, or the staged change, for leaked secrets.';
  static override description = [
    'Reads every unique blob of the history once (every ref by default: branches, tags, remote-tracking refs, refs/pull/* and the rest) and attributes each finding to the commit that introduced it, its path and line, and whether the secret is still at HEAD or lives only in history.',
    '--since-commit and --range scan only what those commits introduced (for CI). --staged scans only the lines the commit being made adds (for a pre-commit hook: see `keyspill hook install`).',
    'Blobs over --max-file-size (alias --max-blob-size) and binaries are skipped and counted. A YAML or JSON file holding a Kubernetes Secret with real data is reported as such (k8s-secret-manifest), in history and staged changes alike.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> scan git',
    '<%= config.bin %> scan git path/to/repo.git --refs "refs/pull/*"',
    '<%= config.bin %> scan git --branch main',
    '<%= config.bin %> scan git --since-commit origin/main --format sarif --output keyspill.sarif',
    '<%= config.bin %> scan git --range v1.0..v1.1',
    '<%= config.bin %> scan git --staged',
  ];
  static override args = {
    repo: Args.string({
      description: 'Repository to scan (a work tree or a bare/mirror clone; default: the current one).',
      required: false,
    }),
  };
  static override flags = {
    ...scanFlags,
    branch: Flags.string({
      summary: 'Scan only the history of this branch or revision (repeatable).',
      multiple: true,
      helpValue: 'REF',
      exclusive: ['staged', 'range', 'refs'],
    }),
    refs: Flags.string({
      summary: 'Scan only refs matching this glob, e.g. "refs/pull/*" or "release-*" (repeatable).',
      multiple: true,
      helpValue: 'GLOB',
      exclusive: ['staged', 'range', 'branch', 'since-commit'],
    }),
    'since-commit': Flags.string({
      summary: 'Scan only commits after this one (reachable from HEAD, or --branch, but not from it).',
      helpValue: 'SHA',
      exclusive: ['staged', 'range', 'refs'],
    }),
    range: Flags.string({
      summary: 'Scan only the commits of a range: A..B or A...B.',
      helpValue: 'A..B',
      exclusive: ['staged', 'since-commit', 'branch', 'refs'],
    }),
    staged: Flags.boolean({
      summary: 'Scan only what the commit being made adds (the index against HEAD).',
      default: false,
      exclusive: ['branch', 'refs', 'since-commit', 'range', 'all-objects'],
    }),
    'all-objects': Flags.boolean({
      summary: 'Also scan objects no ref reaches (dangling blobs, amended-away commits).',
      default: false,
      exclusive: ['staged'],
    }),
    'recurse-submodules': Flags.boolean({
      summary:
        'Also scan the whole history of each checked-out submodule (they are otherwise named in a note).',
      default: false,
      exclusive: ['staged'],
    }),
    cache: Flags.boolean({
      summary:
        'Remember the blobs scanned clean, so the next scan of this history reads only new ones (--no-cache: off).',
      default: true,
      allowNo: true,
    }),
    'cache-dir': Flags.string({
      summary: 'Where the scan cache lives (default: ~/.cache/keyspill).',
      helpValue: 'DIR',
      env: 'KEYSPILL_CACHE_DIR',
    }),
    'config-from': Flags.string({
      summary:
        'Read .keyspill.yaml, .keyspillignore and the baseline from this revision (e.g. the base branch in CI), not the scanned tree.',
      helpValue: 'REF',
      exclusive: ['config', 'staged'],
    }),
    'max-blob-size': Flags.string({
      summary: 'Alias of --max-file-size: skip blobs larger than this.',
      helpValue: 'SIZE',
      exclusive: ['max-file-size'],
    }),
  };

  async run(): Promise<Json> {
    const { args, flags } = await this.parse(ScanGit);
    const { openGitTarget } = await import('../../sources/git-target.ts');
    const target = await openGitTarget({ path: args.repo, cwd: process.cwd(), env: process.env });
    const jobFlags =
      flags['max-blob-size'] === undefined ? flags : { ...flags, 'max-file-size': flags['max-blob-size'] };
    if (flags.staged) return this.scanWith(jobFlags, target.root, (policy) => target.staged(policy));
    const revisions: RevisionSpec =
      flags['since-commit'] !== undefined
        ? { kind: 'since', base: flags['since-commit'], tips: flags.branch ?? [] }
        : flags.range !== undefined
          ? { kind: 'range', range: flags.range }
          : flags.branch !== undefined
            ? { kind: 'branch', names: flags.branch }
            : flags.refs !== undefined
              ? { kind: 'refs', globs: flags.refs }
              : { kind: 'all' };
    // The files whose suppressions a range scan flags when the range itself changes them.
    const watch = [
      '.keyspill.yaml',
      '.keyspill.yml',
      target.relative(
        flags['ignore-file'] === undefined
          ? resolve(target.root, '.keyspillignore')
          : resolve(flags['ignore-file']),
      ),
      flags.baseline === undefined ? undefined : target.relative(resolve(flags.baseline)),
    ].filter((p): p is string => p !== undefined);
    const configFrom = flags['config-from'];
    const configFiles = configFrom === undefined ? undefined : await target.configFiles(configFrom);
    return this.scanWith(
      jobFlags,
      target.root,
      async (policy, context) =>
        target.history({
          cache: flags.cache
            ? {
                dir: (await import('../../state/dir.ts')).resolveCacheDir(flags['cache-dir']),
                key: context.rulesetKey(),
              }
            : undefined,
          revisions,
          allObjects: flags['all-objects'],
          policy,
          watch,
          configFrom,
          recurseSubmodules: flags['recurse-submodules'],
        }),
      { configFiles },
    );
  }
}
