// The listing memo: what a complete `scan git` of one exact history saw, in order, so that a rescan of the same
// history under the same rules replays it instead of listing every object again.
//
// Keyed by the ruleset hash, the repository folder and the resolved revision lines (commit ids hash their whole
// history, so the same lines are the same objects). Entries are runs of blobs scanned clean (counts and bytes only),
// blobs to read again (those with findings, or that could not be scanned whole: ids and paths), and the events the
// listing produced (skips and notes). No content and no secret. Checksummed and written atomically; at most
// MAX_MEMOS files, the least recently written removed; a file that does not check out is ignored.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './dir.ts';

const MAGIC = 'keyspill-listing-memo';
const VERSION = 1;
export const MAX_MEMOS = 16;

export type ListingEntry<E> =
  | { readonly t: 'cached'; readonly items: number; readonly bytes: number }
  | { readonly t: 'read'; readonly oid: string; readonly path: string; readonly size: number }
  | { readonly t: 'event'; readonly event: E };

function memoFile(dir: string, key: string, root: string, lines: readonly string[]): string {
  const h = createHash('sha256')
    .update(`${key}\n${root}\n${lines.join('\n')}`)
    .digest('hex');
  return join(dir, `listing-${h.slice(0, 32)}.json`);
}

const digest = (entries: string): string => createHash('sha256').update(entries).digest('hex');

/** The entries recorded for exactly this history, rules and folder; undefined when there is no sound memo. */
export function loadListingMemo<E>(
  dir: string,
  key: string,
  root: string,
  lines: readonly string[],
): ListingEntry<E>[] | undefined {
  try {
    const text = readFileSync(memoFile(dir, key, root, lines), 'utf8');
    const nl = text.indexOf('\n');
    const head = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
    const body = text.slice(nl + 1);
    if (head['magic'] !== MAGIC || head['version'] !== VERSION || head['ruleset'] !== key) return undefined;
    if (head['root'] !== root || JSON.stringify(head['lines']) !== JSON.stringify(lines)) return undefined;
    if (head['sha256'] !== digest(body)) return undefined;
    const entries = JSON.parse(body) as unknown;
    return Array.isArray(entries) ? (entries as ListingEntry<E>[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Folds consecutive clean runs into one entry. */
export function foldCached<E>(entries: Iterable<ListingEntry<E>>): ListingEntry<E>[] {
  const out: ListingEntry<E>[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (e.t === 'cached' && last?.t === 'cached')
      out[out.length - 1] = { t: 'cached', items: last.items + e.items, bytes: last.bytes + e.bytes };
    else out.push(e);
  }
  return out;
}

/** Keeps the entries of a complete scan; best effort: a failure to write only costs the next run its listing. */
export function saveListingMemo<E>(
  dir: string,
  key: string,
  root: string,
  lines: readonly string[],
  entries: readonly ListingEntry<E>[],
): void {
  try {
    ensurePrivateDir(dir);
    const body = JSON.stringify(entries);
    const head = { magic: MAGIC, version: VERSION, ruleset: key, root, lines, sha256: digest(body) };
    writeFileAtomic(memoFile(dir, key, root, lines), `${JSON.stringify(head)}\n${body}`);
    pruneMemos(dir, 'listing-', MAX_MEMOS);
  } catch {
    // The memo only saves time.
  }
}

/** Removes all but the `keep` most recently written files named `prefix…json` in `dir`. */
export function pruneMemos(dir: string, prefix: string, keep: number): void {
  const memos = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of memos.slice(keep)) rmSync(join(dir, f), { force: true });
}
