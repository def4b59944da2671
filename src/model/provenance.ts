// Provenance: where a fragment's bytes were seen. A discriminated union; detection never looks inside it.

/** A file on disk, found by `scan dir`. */
export interface FileProvenance {
  readonly kind: 'file';
  /** Path relative to the scan root, with forward slashes. */
  readonly path: string;
}

/** Standard input, found by `scan stdin`. */
export interface StdinProvenance {
  readonly kind: 'stdin';
  readonly name: string;
}

/** One commit and path in a git repository where a blob appears. */
export interface GitCommitRef {
  readonly commit: string;
  readonly path: string;
  readonly author: string;
  readonly email: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  readonly summary: string;
}

/**
 * A secret in git history at `path`. Every version of a file that holds the same secret is reported once:
 * `blob` is the version the line and column refer to (the one at HEAD when the secret is still there, else the
 * oldest version holding it).
 */
export interface GitProvenance {
  readonly kind: 'git';
  readonly repo: string;
  readonly blob: string;
  readonly path: string;
  /**
   * The oldest commit that introduced a version of this file holding the secret (or these exact bytes at
   * another path, as before a rename: then `introduced.path` differs from `path`); undefined when no scanned
   * commit holds the blob (an unreachable object).
   */
  readonly introduced: GitCommitRef | undefined;
  /** Every (commit, path) that introduced a version of this file holding the secret, oldest first (bounded). */
  readonly seenIn: readonly GitCommitRef[];
  /**
   * The secret is still in this file at the default branch's HEAD (origin/HEAD, or HEAD); undefined when the scan
   * was interrupted before attribution could tell.
   */
  readonly atHead: boolean | undefined;
  /** Refs from which the introducing commit is reachable, when looked up and few (a long-lived secret gets none). */
  readonly refs?: readonly string[];
}

/** The staged change of a commit being made (`scan git --staged`). */
export interface StagedProvenance {
  readonly kind: 'staged';
  readonly repo: string;
  readonly path: string;
}

export type Provenance = FileProvenance | StdinProvenance | GitProvenance | StagedProvenance;
