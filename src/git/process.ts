// Git processes: spawns git in one repository with a predictable environment, for short commands and long streams.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EnvironmentError } from '../errors.ts';

/** Where git commands run: cwd and environment are fixed once the repository is opened. */
export interface GitContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every git started in this context is killed when it aborts (Ctrl-C): SIGTERM, then SIGKILL after 500 ms. */
  readonly signal?: AbortSignal | undefined;
}

/** The same repository, with git processes bound to `signal`. */
export function withSignal(ctx: GitContext, signal: AbortSignal): GitContext {
  return { ...ctx, signal };
}

/** Variables that point git at another repository; dropped when the user names a repository explicitly. */
export const REPO_LOCATION_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
] as const;

/**
 * Pack files are mapped in small windows up to a bounded total: by default git maps whole packs (1 GiB windows), so
 * a long `cat-file --batch` over a large history grows to the size of the pack in resident memory (2 GB of blobs:
 * 680 MB). Bounded, it stays near 240 MB at the same speed.
 */
const GIT_CONFIG: readonly (readonly [string, string])[] = [
  ['core.packedGitWindowSize', '16m'],
  ['core.packedGitLimit', '128m'],
];

/**
 * Environment for every git we run: no prompts, no pager, no optional locks, C-locale messages, bounded pack
 * mappings (through GIT_CONFIG_COUNT, after any the user set).
 */
export function gitEnv(base: NodeJS.ProcessEnv, dropRepoVars: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
  };
  const given = Number(base['GIT_CONFIG_COUNT'] ?? '0');
  const first = Number.isInteger(given) && given > 0 ? given : 0;
  GIT_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${first + i}`] = key;
    env[`GIT_CONFIG_VALUE_${first + i}`] = value;
  });
  env['GIT_CONFIG_COUNT'] = String(first + GIT_CONFIG.length);
  if (dropRepoVars) for (const v of REPO_LOCATION_VARS) delete env[v];
  return env;
}

export type GitChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** A long-running git process with piped stdin, stdout and stderr (stderr is collected, bounded). */
export function spawnGit(
  ctx: GitContext,
  args: readonly string[],
): { child: GitChild; stderr: () => string; exited: Promise<number | null> } {
  // Its own process group (not on Windows): an abort stops git and anything git started (a textconv filter, a
  // helper) that still holds its output pipe.
  const group = process.platform !== 'win32';
  const child = spawn('git', args, {
    cwd: ctx.cwd,
    env: ctx.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: group,
  });
  const signal = ctx.signal;
  if (signal !== undefined) {
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    const stop = (): void => {
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 500).unref();
      // Do not wait for pipes a stray descendant may hold: the process has been told to end.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    if (signal.aborted) stop();
    else {
      signal.addEventListener('abort', stop, { once: true });
      child.once('close', () => signal.removeEventListener('abort', stop));
    }
  }
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (err.length < 64 * 1024) err += s;
  });
  // A git that exits early closes its stdin: writes then fail with EPIPE, which the reader reports instead.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      err += e.code === 'ENOENT' ? 'git was not found on PATH' : e.message;
      resolve(-1);
    });
    child.once('close', (code) => resolve(code));
  });
  return { child, stderr: () => err, exited };
}

export interface GitOutput {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a short git command to completion, optionally feeding `input` on stdin. */
export async function runGit(
  ctx: GitContext,
  args: readonly string[],
  input?: string | Buffer,
): Promise<GitOutput> {
  const { child, stderr, exited } = spawnGit(ctx, args);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdin.end(input);
  const code = await exited;
  if (code === -1 && stderr().includes('git was not found'))
    throw new EnvironmentError(
      'git',
      'git was not found on PATH',
      'install git (2.28 or later), or put it on PATH',
    );
  return { code, stdout: Buffer.concat(chunks), stderr: stderr() };
}

/** The first line of git's error output, for messages. */
export function firstLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? 'no error message';
}
