// Configuration files read from a git revision (`scan git --config-from REF`): the base branch's rules, not the PR's.
import { isAbsolute, relative, sep } from 'node:path';
import { FileTooLarge, MAX_CONFIG_BYTES, type ConfigFiles } from '../config/files.ts';
import { ConfigError } from '../errors.ts';
import { firstLine, runGit, type GitContext } from './process.ts';

/** Files of the repository at `root` as they are in `ref`; a path outside the repository is a usage error. */
export async function gitConfigFiles(ctx: GitContext, root: string, ref: string): Promise<ConfigFiles> {
  if (ref === '' || ref.startsWith('-'))
    throw new ConfigError(`--config-from "${ref}" is not a revision name`);
  const check = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (check.code !== 0)
    throw new ConfigError(
      `--config-from ${ref}: no such commit in this repository`,
      'name a branch, tag or commit, e.g. origin/main',
    );
  return {
    revision: ref,
    async read(path) {
      const rel = relative(root, path);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
        throw new ConfigError(
          `--config-from ${ref} reads files of the repository, and ${path} is outside it`,
          'give --baseline / --ignore-file paths inside the repository',
        );
      const size = await runGit(ctx, ['cat-file', '-s', `${ref}:${rel.split(sep).join('/')}`]);
      if (size.code !== 0) return undefined;
      const n = Number(size.stdout.toString('utf8').trim());
      if (n > MAX_CONFIG_BYTES) throw new FileTooLarge(n);
      const out = await runGit(ctx, ['cat-file', 'blob', `${ref}:${rel.split(sep).join('/')}`]);
      if (out.code !== 0) throw new Error(`git cat-file failed: ${firstLine(out.stderr)}`);
      return out.stdout.toString('utf8');
    },
  };
}

/** Paths (repository-relative, forward slashes) touched by the commits of `revLines` (rev-list `--stdin` lines). */
export async function pathsTouched(ctx: GitContext, revLines: readonly string[]): Promise<Set<string>> {
  const out = await runGit(
    ctx,
    ['log', '--stdin', '--name-only', '--format=', '-z', '--no-renames'],
    revLines.map((l) => `${l}\n`).join(''),
  );
  const paths = new Set<string>();
  if (out.code !== 0) return paths;
  for (const p of out.stdout.toString('utf8').split(/[\0\n]/)) if (p !== '') paths.add(p);
  return paths;
}
