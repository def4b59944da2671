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

/** One layer of a container image, as its manifest and config describe it. */
export interface ImageLayerRef {
  /** 1-based position among the image's layers (1 is the base layer, as `docker history` lists them bottom-up). */
  readonly index: number;
  /** The layer blob's digest (compressed, as stored in the registry or archive). */
  readonly digest: string;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry), when known. */
  readonly diffId: string | undefined;
  /** The history line that made the layer (`COPY . /app`, `RUN …`), when the config has one. */
  readonly createdBy: string | undefined;
  /** When the layer was made (its history entry's `created`), ISO 8601, when known. */
  readonly created: string | undefined;
}

/** A file inside one image layer, and whether the final image still shows it. */
export interface ImageLayerTarget {
  readonly type: 'layer';
  /** Path inside the layer, as the tar entry names it (without a leading `./` or `/`). */
  readonly path: string;
  readonly layer: ImageLayerRef;
  /** How many layers the image has. */
  readonly layers: number;
  /**
   * `visible`: the final image shows this file; `deleted`: a later layer removes it (a whiteout, an opaque
   * directory); `overwritten`: a later layer puts something else at its path. Either way the layer still holds it.
   */
  readonly visibility: 'visible' | 'deleted' | 'overwritten';
  /** The later layer that deleted or overwrote the file (first such layer), when not visible. */
  readonly hiddenBy: ImageLayerRef | undefined;
}

/** A field of the image config: `Env`, `Labels`, `Cmd`, `Entrypoint`, or one history line's `created_by`. */
export interface ImageConfigTarget {
  readonly type: 'config';
  /** `config.Env`, `config.Labels`, `config.Cmd`, `config.Entrypoint`, or `history[N].created_by` (N 0-based). */
  readonly field: string;
  /** When the value entered the image: the history entry's `created`, else the config's `created`; ISO 8601. */
  readonly created: string | undefined;
}

/** Bytes seen in a container image (`scan image`): a file in a layer, or a field of the image config. */
export interface ImageProvenance {
  readonly kind: 'image';
  /** The image reference in skopeo's transport syntax: `docker://registry/repo:tag`, `oci:DIR:TAG`, … */
  readonly image: string;
  /** Digest of the image manifest (the platform's manifest when the reference names an index). */
  readonly manifestDigest: string;
  /** `os/arch[/variant]` from the image config, when it says. */
  readonly platform: string | undefined;
  readonly configDigest: string;
  readonly target: ImageLayerTarget | ImageConfigTarget;
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

export type Provenance =
  FileProvenance | StdinProvenance | GitProvenance | StagedProvenance | ImageProvenance | K8sProvenance;
