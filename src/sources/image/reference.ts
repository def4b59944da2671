// Image references in skopeo's transport syntax (docker://, oci:, oci-archive:, docker-archive:, docker-daemon:).
import { ConfigError } from '../../errors.ts';

/** Docker Hub's registry name in references, and the host its API answers on. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

export interface RegistryRef {
  readonly transport: 'docker';
  /** `host[:port]` as written (docker.io for Docker Hub). */
  readonly registry: string;
  /** `library/alpine`, `team/app`. */
  readonly repository: string;
  /** The tag, when the reference names one (`latest` when it names neither tag nor digest). */
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export interface LayoutRef {
  readonly transport: 'oci' | 'oci-archive';
  readonly path: string;
  /** The tag (`org.opencontainers.image.ref.name`), or undefined for every image the layout holds. */
  readonly tag: string | undefined;
  /** `@N`: the N-th manifest of index.json (0-based), as skopeo's source index. */
  readonly index: number | undefined;
}

export interface DockerArchiveRef {
  readonly transport: 'docker-archive';
  readonly path: string;
  /** A RepoTag of manifest.json (`example/app:1`), or undefined for every image in the archive. */
  readonly name: string | undefined;
  /** `@N`: the N-th image of manifest.json (0-based). */
  readonly index: number | undefined;
}

export interface DaemonRef {
  readonly transport: 'docker-daemon';
  /** What `docker save` is given: `NAME[:TAG]` or an image id. */
  readonly name: string;
}

export type ImageRef = RegistryRef | LayoutRef | DockerArchiveRef | DaemonRef;

const TRANSPORTS = ['docker://', 'oci:', 'oci-archive:', 'docker-archive:', 'docker-daemon:'] as const;

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function bad(ref: string, why: string): ConfigError {
  return new ConfigError(
    `image reference "${ref}": ${why}`,
    'use one of docker://REGISTRY/REPO:TAG, REPO:TAG (Docker Hub), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker-daemon:NAME:TAG',
  );
}

/** `registry/repo:tag`, `repo@sha256:…`, `alpine` → registry, repository, tag, digest (Docker's normalisation). */
export function parseRegistryName(name: string, original = name): RegistryRef {
  let rest = name;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(original, `"${digest}" is not a digest (algorithm:hex)`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(original, `"${tag}" is not a valid tag`);
  }
  if (rest === '') throw bad(original, 'no repository name');
  const parts = rest.split('/');
  const first = parts[0]!;
  let registry = DOCKER_HUB;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  if (!/^(?:[a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\])(?::\d+)?$/.test(registry))
    throw bad(original, `"${registry}" is not a registry host[:port]`);
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const c of parts) {
    if (!COMPONENT.test(c))
      throw bad(
        original,
        `"${c}" is not a valid repository name component (lowercase letters, digits, . _ -)`,
      );
  }
  return {
    transport: 'docker',
    registry,
    repository: parts.join('/'),
    tag: tag ?? (digest === undefined ? 'latest' : undefined),
    digest,
  };
}

/** Splits `PATH[:SUFFIX]` at the first colon, as skopeo does (so a path cannot hold a colon). */
function splitSuffix(spec: string): { path: string; suffix: string | undefined } {
  const colon = spec.indexOf(':');
  if (colon < 0) return { path: spec, suffix: undefined };
  return { path: spec.slice(0, colon), suffix: spec.slice(colon + 1) };
}

function sourceIndex(ref: string, s: string): number {
  if (!/^\d+$/.test(s)) throw bad(ref, `"@${s}" is not a source index (@0, @1, …)`);
  return Number(s);
}

/** Parses one reference; a bare `NAME[:TAG]` means `docker://` (Docker Hub, `library/` for one-part names). */
export function parseImageRef(ref: string): ImageRef {
  const t = TRANSPORTS.find((p) => ref.startsWith(p));
  if (t === undefined) {
    const other = /^(dir|containers-storage|ostree|sif|tarball):/.exec(ref);
    if (other !== null) throw bad(ref, `the ${other[1]!}: transport is not supported`);
    return parseRegistryName(ref);
  }
  const rest = ref.slice(t.length);
  if (rest === '') throw bad(ref, 'nothing after the transport');
  switch (t) {
    case 'docker://':
      return parseRegistryName(rest, ref);
    case 'docker-daemon:':
      return { transport: 'docker-daemon', name: rest };
    case 'oci:':
    case 'oci-archive:': {
      const { path, suffix } = splitSuffix(rest);
      if (path === '') throw bad(ref, 'no path');
      const transport = t === 'oci:' ? 'oci' : 'oci-archive';
      if (suffix === undefined || suffix === '') return { transport, path, tag: undefined, index: undefined };
      if (suffix.startsWith('@'))
        return { transport, path, tag: undefined, index: sourceIndex(ref, suffix.slice(1)) };
      return { transport, path, tag: suffix, index: undefined };
    }
    case 'docker-archive:': {
      const { path, suffix } = splitSuffix(rest);
      if (path === '') throw bad(ref, 'no path');
      if (suffix === undefined || suffix === '')
        return { transport: 'docker-archive', path, name: undefined, index: undefined };
      if (suffix.startsWith('@'))
        return {
          transport: 'docker-archive',
          path,
          name: undefined,
          index: sourceIndex(ref, suffix.slice(1)),
        };
      return { transport: 'docker-archive', path, name: suffix, index: undefined };
    }
  }
}

/** The reference as reports show it: transport syntax, normalised for registries. */
export function formatImageRef(r: ImageRef): string {
  switch (r.transport) {
    case 'docker':
      return `docker://${r.registry}/${r.repository}${r.tag === undefined ? '' : `:${r.tag}`}${r.digest === undefined ? '' : `@${r.digest}`}`;
    case 'docker-daemon':
      return `docker-daemon:${r.name}`;
    case 'oci':
    case 'oci-archive':
      return `${r.transport}:${r.path}${r.tag !== undefined ? `:${r.tag}` : r.index !== undefined ? `:@${r.index}` : ''}`;
    case 'docker-archive':
      return `docker-archive:${r.path}${r.name !== undefined ? `:${r.name}` : r.index !== undefined ? `:@${r.index}` : ''}`;
  }
}

/** Docker Hub's name `docker.io/library/alpine:3` as people write it in archives' RepoTags (`alpine:3`). */
export function sameImageName(a: string, b: string): boolean {
  try {
    const x = parseRegistryName(a);
    const y = parseRegistryName(b);
    return x.registry === y.registry && x.repository === y.repository && x.tag === y.tag;
  } catch {
    return a === b;
  }
}
