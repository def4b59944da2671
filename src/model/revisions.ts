// Which git history a scan covers: every ref, some refs or branches, or a range.

export type RevisionSpec =
  /** Every ref (branches, tags, remote-tracking refs, refs/pull/*, notes, stash…) and HEAD. */
  | { readonly kind: 'all' }
  /** Refs whose name matches one of the globs (`refs/pull/*`, `release-*`). */
  | { readonly kind: 'refs'; readonly globs: readonly string[] }
  /** Branches or other revisions, by name. */
  | { readonly kind: 'branch'; readonly names: readonly string[] }
  /** Commits reachable from `tips` (default HEAD) but not from `base`. */
  | { readonly kind: 'since'; readonly base: string; readonly tips: readonly string[] }
  /** A git range: `A..B` or `A...B`. */
  | { readonly kind: 'range'; readonly range: string };
