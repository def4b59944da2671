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

/** A git blob: seen first in `introduced`, possibly still present at the default branch's HEAD. */
export interface GitProvenance {
  readonly kind: 'git';
  readonly repo: string;
  readonly blob: string;
  readonly path: string;
  readonly introduced: GitCommitRef | undefined;
  /** Every (commit, path) where this blob was introduced, oldest first (bounded). */
  readonly seenIn: readonly GitCommitRef[];
  readonly atHead: boolean;
  /** Refs from which the introducing commit is reachable, when known. */
  readonly refs?: readonly string[];
}

/** The staged change of a commit being made (`scan git --staged`). */
export interface StagedProvenance {
  readonly kind: 'staged';
  readonly repo: string;
  readonly path: string;
}

export type Provenance = FileProvenance | StdinProvenance | GitProvenance | StagedProvenance;

/** A one-line, human-readable place for a provenance (used by reporters). */
export function provenancePath(p: Provenance): string {
  switch (p.kind) {
    case 'file':
    case 'git':
    case 'staged':
      return p.path;
    case 'stdin':
      return p.name;
  }
}
