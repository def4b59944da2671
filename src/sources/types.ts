// Source interface: I/O that yields fragments to scan, and reports what it had to skip.
import type { Fragment } from '../model/fragment.ts';
import type { Match } from '../model/match.ts';
import type { Provenance } from '../model/provenance.ts';
import type { Skipped } from '../model/result.ts';

export type SourceEvent =
  | {
      readonly type: 'fragment';
      readonly fragment: Fragment;
      /** Bytes of the item this fragment adds (a window's overlap with the next is not counted twice). */
      readonly bytes: number;
      /** A later window of an item already counted. */
      readonly continued?: boolean;
    }
  /** Items (default one) scanned clean by an earlier run (the git scan cache): counted as scanned, not read again. */
  | { readonly type: 'cached'; readonly bytes: number; readonly items?: number }
  | { readonly type: 'skip'; readonly skipped: Skipped; readonly incomplete: boolean }
  | { readonly type: 'note'; readonly note: string; readonly incomplete: boolean };

/** What `resolve` returns: the matches, and notes on anything it could not work out (e.g. attribution). */
export interface Resolved {
  readonly matches: Match[];
  readonly notes: readonly { readonly note: string; readonly incomplete: boolean }[];
}

export interface ScanOutcome {
  readonly interrupted: boolean;
  /** Paths whose scan was cut short by a rule's time budget or failed in the engine. */
  readonly unfinishedPaths: ReadonlySet<string>;
  /** Matches dropped by allowlists, by the provenance of the fragment they were in (the object the source made). */
  readonly suppressed: ReadonlyMap<Provenance, { readonly rule: number; readonly config: number }>;
}

export interface Source {
  /** Name shown in the summary: dir, stdin, git, staged… */
  readonly name: string;
  readonly targets: readonly string[];
  events(signal: AbortSignal): AsyncIterable<SourceEvent>;
  /**
   * Called once with every match after scanning: a source may enrich provenance (e.g. attribute a git
   * blob to the commits and paths that introduced it) or fan a match out to several locations.
   */
  resolve?(matches: Match[], signal: AbortSignal): Promise<Resolved>;
  /**
   * Called last, with what the scan could not finish (paths whose scan was cut short or failed), so a source that
   * remembers its work (the git scan cache) records only what was scanned in full. Returns notes for the summary.
   */
  complete?(outcome: ScanOutcome): Promise<readonly string[]>;
}
