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
  /** The secret is still in this file at the default branch's HEAD (origin/HEAD, or HEAD). */
  readonly atHead: boolean;
  /** Refs from which the introducing commit is reachable, when looked up and few (a long-lived secret gets none). */
  readonly refs?: readonly string[];
}

/** The staged change of a commit being made (`scan git --staged`). */
export interface StagedProvenance {
  readonly kind: 'staged';
  readonly repo: string;
  readonly path: string;
}

/** Where a Kubernetes object was read: a manifest file, standard input, or a live cluster through kubectl. */
export type K8sSource =
  | {
      readonly type: 'file';
      /** Path relative to the current folder, with forward slashes. */
      readonly path: string;
      /** Line where the object starts in the file. */
      readonly line: number;
    }
  | { readonly type: 'stdin'; readonly name: string; readonly line: number }
  | {
      readonly type: 'cluster';
      /** The kubeconfig context. */
      readonly context: string;
      /** The API server's URL, as the kubeconfig names it. */
      readonly server: string;
      /** The kubeconfig user of the context (the identity the server saw may differ: see RBAC notes). */
      readonly user: string;
    };

/** A value in a Kubernetes object (`scan k8s`): a ConfigMap key, a Secret key, a container's env var, an annotation… */
export interface K8sProvenance {
  readonly kind: 'k8s';
  readonly source: K8sSource;
  /** The object's namespace; undefined when the manifest names none (or for cluster-scoped objects). */
  readonly namespace: string | undefined;
  /** The object's kind (`ConfigMap`, `Deployment`) and apiVersion. */
  readonly objectKind: string;
  readonly apiVersion: string;
  readonly name: string;
  /**
   * The field holding the value: `data[DB_PASSWORD]`, `spec.template.spec.containers[api].env[STRIPE_KEY]`,
   * `metadata.annotations[kubectl.kubernetes.io/last-applied-configuration].stringData[password]`; empty for an
   * object of a kind keyspill does not take apart (scanned whole).
   */
  readonly field: string;
  /** metadata.creationTimestamp, ISO 8601, when the object has one. */
  readonly created: string | undefined;
}

export type Provenance = FileProvenance | StdinProvenance | GitProvenance | StagedProvenance | K8sProvenance;
