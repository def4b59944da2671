// The state directory: saved scans and incident journals (--state-dir, KEYSPILL_STATE_DIR, else the user's state home).
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
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env['KEYSPILL_STATE_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const home = env['HOME'] ?? homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'keyspill');
  if (process.platform === 'win32')
    return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'keyspill', 'State');
  const xdg = env['XDG_STATE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(home, '.local', 'state'), 'keyspill');
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
