// The attribution memo: for one exact history, which commits introduced the blobs that had findings, so that a rescan
// of an unchanged repository skips its `git log` pass over the whole history.
//
// Keyed by a hash of the resolved revision lines (commit ids are hashes of their whole history, so the same lines
// are the same history) and valid for the blobs it was made for. It holds commit ids, dates, authors, subjects and
// paths: repository metadata, never content. Written atomically next to the blob caches; at most MAX_MEMOS files,
// the oldest removed; a file that does not parse is ignored (the pass then runs as usual).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitMeta, Intro, Introductions } from '../git/introductions.ts';
import { ensurePrivateDir, writeFileAtomic } from './dir.ts';
import { pruneMemos } from './listing-memo.ts';

const MAGIC = 'keyspill-attribution-memo';
const VERSION = 1;
/** Memo files kept (one per history state scanned with findings); the least recently written go first. */
export const MAX_MEMOS = 16;

export interface AttributionMemo {
  /** The blobs the memo answers for (every introduction of each is in `intros`). */
  readonly blobs: ReadonlySet<string>;
  readonly intros: Introductions;
}

function memoFile(dir: string, lines: readonly string[]): string {
  return join(dir, `intros-${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 32)}.json`);
}

const isString = (v: unknown): v is string => typeof v === 'string';

function parseCommit(v: unknown): CommitMeta | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as Record<string, unknown>;
  const { commit, time, order, author, email, date, summary } = c;
  if (
    !isString(commit) ||
    typeof time !== 'number' ||
    typeof order !== 'number' ||
    !isString(author) ||
    !isString(email) ||
    !isString(date) ||
    !isString(summary)
  )
    return undefined;
  return { commit, time, order, author, email, date, summary };
}

/** The memo for exactly this history, when there is a sound one; anything else is undefined. */
export function loadAttributionMemo(dir: string, lines: readonly string[]): AttributionMemo | undefined {
  try {
    const raw = JSON.parse(readFileSync(memoFile(dir, lines), 'utf8')) as Record<string, unknown>;
    if (raw['magic'] !== MAGIC || raw['version'] !== VERSION) return undefined;
    if (JSON.stringify(raw['lines']) !== JSON.stringify(lines)) return undefined;
    const blobs = raw['blobs'];
    const byBlob = raw['byBlob'];
    const commits = raw['commits'];
    if (!Array.isArray(blobs) || !blobs.every(isString)) return undefined;
    if (typeof byBlob !== 'object' || byBlob === null || !Array.isArray(commits)) return undefined;
    const intros = new Map<string, Intro[]>();
    for (const [blob, list] of Object.entries(byBlob as Record<string, unknown>)) {
      if (!Array.isArray(list)) return undefined;
      const out: Intro[] = [];
      for (const i of list as unknown[]) {
        const { commit, path } = (i ?? {}) as Record<string, unknown>;
        if (!isString(commit) || !isString(path)) return undefined;
        out.push({ commit, path });
      }
      intros.set(blob, out);
    }
    const metas = new Map<string, CommitMeta>();
    for (const c of commits as unknown[]) {
      const meta = parseCommit(c);
      if (meta === undefined) return undefined;
      metas.set(meta.commit, meta);
    }
    return { blobs: new Set(blobs), intros: { byBlob: intros, commits: metas, error: undefined } };
  } catch {
    return undefined;
  }
}

/** Keeps a complete attribution (no error) for this history; best effort: a failure to write is not an error. */
export function saveAttributionMemo(
  dir: string,
  lines: readonly string[],
  blobs: ReadonlySet<string>,
  intros: Introductions,
): void {
  if (intros.error !== undefined) return;
  try {
    ensurePrivateDir(dir);
    const body = {
      magic: MAGIC,
      version: VERSION,
      lines,
      blobs: [...blobs],
      byBlob: Object.fromEntries(intros.byBlob),
      commits: [...intros.commits.values()],
    };
    writeFileAtomic(memoFile(dir, lines), JSON.stringify(body));
    pruneMemos(dir, 'intros-', MAX_MEMOS);
  } catch {
    // The memo only saves time.
  }
}
