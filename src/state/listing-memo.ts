// The listing memo: what a complete `scan git` of one exact history saw, in order, so that a rescan of the same
// history under the same rules replays it instead of listing every object again.
//
// Keyed by the ruleset hash, the repository folder and the resolved revision lines (commit ids hash their whole
// history, so the same lines are the same objects). Entries are runs of blobs scanned clean (counts and bytes only),
// blobs to read again (those with findings, or that could not be scanned whole: ids and paths), and the events the
// listing produced (skips and notes). No content and no secret. Stored as a memo (memo.ts).
import { loadMemo, saveMemo } from './memo.ts';

const KIND = 'listing';
const VERSION = 1;

export type ListingEntry<E> =
  | { readonly t: 'cached'; readonly items: number; readonly bytes: number }
  | { readonly t: 'read'; readonly oid: string; readonly path: string; readonly size: number }
  | { readonly t: 'event'; readonly event: E };

/** Appends `e` to `entries`, folding a clean run into the clean run before it. */
export function appendEntry<E>(entries: ListingEntry<E>[], e: ListingEntry<E>): void {
  const last = entries[entries.length - 1];
  if (e.t === 'cached' && last?.t === 'cached')
    entries[entries.length - 1] = { t: 'cached', items: last.items + e.items, bytes: last.bytes + e.bytes };
  else entries.push(e);
}

/** The entries recorded for exactly this history, rules and folder; undefined when there is no sound memo. */
export function loadListingMemo<E>(
  dir: string,
  key: string,
  root: string,
  lines: readonly string[],
): ListingEntry<E>[] | undefined {
  const entries = loadMemo(dir, KIND, VERSION, [key, root, ...lines]);
  return Array.isArray(entries) ? (entries as ListingEntry<E>[]) : undefined;
}

/** Keeps the entries of a complete scan; best effort: a failure to write only costs the next run its listing. */
export function saveListingMemo<E>(
  dir: string,
  key: string,
  root: string,
  lines: readonly string[],
  entries: readonly ListingEntry<E>[],
): void {
  saveMemo(dir, KIND, VERSION, [key, root, ...lines], entries);
}
