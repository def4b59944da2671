// The attribution memo: for one exact history, which commits introduced the blobs that had findings, so that a rescan
// of an unchanged repository skips its `git log` pass over the whole history.
//
// Keyed by a hash of the resolved revision lines (commit ids are hashes of their whole history, so the same lines
// are the same history) and valid for the blobs it was made for. It holds commit ids, dates, authors, subjects and
// paths: repository metadata, never content. Stored as a memo (memo.ts).
import type { CommitMeta, Intro, Introductions } from '../git/introductions.ts';
import { loadMemo, saveMemo } from './memo.ts';

const KIND = 'intros';
const VERSION = 1;

export interface AttributionMemo {
  /** The blobs the memo answers for (every introduction of each is in `intros`). */
  readonly blobs: ReadonlySet<string>;
  readonly intros: Introductions;
}

interface Stored {
  readonly blobs: string[];
  readonly byBlob: Record<string, Intro[]>;
  readonly commits: CommitMeta[];
}

/** The memo for exactly this history, when there is a sound one; anything else is undefined. */
export function loadAttributionMemo(dir: string, lines: readonly string[]): AttributionMemo | undefined {
  const m = loadMemo(dir, KIND, VERSION, lines) as Stored | undefined;
  if (m === undefined) return undefined;
  return {
    blobs: new Set(m.blobs),
    intros: {
      byBlob: new Map(Object.entries(m.byBlob)),
      commits: new Map(m.commits.map((c) => [c.commit, c])),
      error: undefined,
    },
  };
}

/** Keeps a complete attribution (no error) for this history; best effort: a failure to write is not an error. */
export function saveAttributionMemo(
  dir: string,
  lines: readonly string[],
  blobs: ReadonlySet<string>,
  intros: Introductions,
): void {
  if (intros.error !== undefined) return;
  const stored: Stored = {
    blobs: [...blobs],
    byBlob: Object.fromEntries(intros.byBlob) as Record<string, Intro[]>,
    commits: [...intros.commits.values()],
  };
  saveMemo(dir, KIND, VERSION, lines, stored);
}
