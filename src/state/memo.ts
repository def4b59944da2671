// Memo files: small JSON records beside the scan cache, each valid for one exact key (a history state, a ruleset),
// that spare a rescan work an earlier run did. The key is written in the file and compared in full (its hash only
// names the file); the body is checksummed, so a damaged or edited file is ignored, never trusted. Written
// atomically; at most MAX_MEMOS of a kind, the least recently written removed. A memo only saves time: failing to
// read or write one is never an error.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './dir.ts';

const MAGIC = 'keyspill-memo';
/** Memo files kept of each kind. */
export const MAX_MEMOS = 16;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function memoFile(dir: string, kind: string, key: readonly string[]): string {
  return join(dir, `${kind}-${sha256(key.join('\n')).slice(0, 32)}.json`);
}

/** The body saved for exactly this kind, version and key; undefined when there is none or it does not check out. */
export function loadMemo(dir: string, kind: string, version: number, key: readonly string[]): unknown {
  try {
    const text = readFileSync(memoFile(dir, kind, key), 'utf8');
    const nl = text.indexOf('\n');
    const head = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
    const body = text.slice(nl + 1);
    if (head['magic'] !== MAGIC || head['kind'] !== kind || head['version'] !== version) return undefined;
    if (JSON.stringify(head['key']) !== JSON.stringify(key) || head['sha256'] !== sha256(body))
      return undefined;
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Saves `body` for this kind, version and key (best effort), then prunes the kind to MAX_MEMOS files. */
export function saveMemo(
  dir: string,
  kind: string,
  version: number,
  key: readonly string[],
  body: unknown,
): void {
  try {
    ensurePrivateDir(dir);
    const text = JSON.stringify(body);
    const head = { magic: MAGIC, kind, version, key, sha256: sha256(text) };
    writeFileAtomic(memoFile(dir, kind, key), `${JSON.stringify(head)}\n${text}`);
    const memos = readdirSync(dir)
      .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.json'))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of memos.slice(MAX_MEMOS)) rmSync(join(dir, f), { force: true });
  } catch {
    // The memo only saves time.
  }
}
