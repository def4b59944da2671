// Opening a repository: finds its git folder and work tree, or fails with a message naming the path.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, reasonOf, ScanError } from '../errors.ts';
import { firstLine, gitEnv, runGit, type GitContext } from './process.ts';

export interface GitRepo {
  /** Absolute path of the git folder (.git, or the repository itself when bare). */
  readonly gitDir: string;
  /** Absolute path of the work tree, or undefined for a bare repository. */
  readonly workTree: string | undefined;
  readonly bare: boolean;
  readonly shallow: boolean;
  /** How to run git in it. */
  readonly ctx: GitContext;
  /** Where config and ignore files are looked for: the work tree, else the git folder. */
  readonly root: string;
}

export interface OpenRepoOptions {
  /** The REPO argument, if the user gave one (else the current folder, honouring GIT_DIR and friends). */
  readonly path: string | undefined;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export async function openRepo(o: OpenRepoOptions): Promise<GitRepo> {
  const dir = resolve(o.cwd, o.path ?? '.');
  if (o.path !== undefined) {
    try {
      if (!(await stat(dir)).isDirectory())
        throw new ConfigError(`${dir} is not a folder`, 'pass the path of a git repository');
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      // Like a missing path in scan dir: something asked for could not be scanned (exit 3).
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ScanError(`${dir} does not exist`, 'pass the path of a git repository', { cause: e });
      throw new ConfigError(`cannot open ${dir}: ${reasonOf(e)}`, 'pass the path of a git repository', {
        cause: e,
      });
    }
  }
  // A REPO argument wins over GIT_DIR & co. inherited from a parent git (for example when run inside a hook).
  const env = gitEnv(o.env, o.path !== undefined);
  const out = await runGit({ cwd: dir, env }, [
    'rev-parse',
    '--absolute-git-dir',
    '--is-bare-repository',
    '--is-shallow-repository',
    '--is-inside-work-tree',
    '--show-cdup',
  ]);
  if (out.code !== 0) {
    const msg = firstLine(out.stderr);
    if (/not a git repository/i.test(msg)) {
      throw new ConfigError(
        `${dir} is not a git repository`,
        'run keyspill inside a repository, or pass its path: keyspill scan git PATH',
      );
    }
    throw new ConfigError(`cannot open the git repository at ${dir}: ${msg}`);
  }
  const [gitDir, bare, shallow, inside, cdup] = out.stdout.toString('utf8').split('\n');
  if (gitDir === undefined || gitDir === '')
    throw new ConfigError(`cannot open the git repository at ${dir}: git rev-parse printed nothing`);
  const workTree = inside === 'true' ? resolve(dir, cdup ?? '') : undefined;
  return {
    gitDir,
    workTree,
    bare: bare === 'true',
    shallow: shallow === 'true',
    ctx: { cwd: workTree ?? gitDir, env },
    root: workTree ?? gitDir,
  };
}
