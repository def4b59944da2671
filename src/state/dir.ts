// keyspill's folders: state (saved scans, incident journals) and cache (the git scan cache, memos, compiled code),
// each from a flag, an environment variable, else the platform's per-user folder; and atomic writes into them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where keyspill keeps state, by precedence: the flag, `KEYSPILL_STATE_DIR`, then the platform's per-user state
 * folder: `$XDG_STATE_HOME/keyspill` (default `~/.local/state/keyspill`) on Linux and other Unixes,
 * `~/Library/Application Support/keyspill` on macOS, `%LOCALAPPDATA%\keyspill\State` on Windows.
 */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return userDir(flag, env, {
    envVar: 'KEYSPILL_STATE_DIR',
    darwin: ['Library', 'Application Support', 'keyspill'],
    win32: 'State',
    xdgVar: 'XDG_STATE_HOME',
    xdgDefault: ['.local', 'state'],
  });
}

/**
 * Where caches live: the flag, `KEYSPILL_CACHE_DIR`, else `$XDG_CACHE_HOME/keyspill` (default `~/.cache/keyspill`),
 * `~/Library/Caches/keyspill` on macOS, `%LOCALAPPDATA%\keyspill\Cache` on Windows.
 */
export function resolveCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return userDir(flag, env, {
    envVar: 'KEYSPILL_CACHE_DIR',
    darwin: ['Library', 'Caches', 'keyspill'],
    win32: 'Cache',
    xdgVar: 'XDG_CACHE_HOME',
    xdgDefault: ['.cache'],
  });
}

function userDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  where: {
    readonly envVar: string;
    readonly darwin: readonly string[];
    readonly win32: string;
    readonly xdgVar: string;
    readonly xdgDefault: readonly string[];
  },
): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env[where.envVar];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const home = env['HOME'] ?? homedir();
  if (process.platform === 'darwin') return join(home, ...where.darwin);
  if (process.platform === 'win32')
    return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'keyspill', where.win32);
  const xdg = env[where.xdgVar];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(home, ...where.xdgDefault), 'keyspill');
}

/** Creates `dir` (and parents) readable by the user only. */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes `file` (0600) through a temporary file then a rename: a reader sees the old file or the new, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
