// Image manifests, indexes and configs (OCI and Docker schema 2): media types, typed parsing with clear refusals.

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/**
 * What a manifest request must accept. distribution answers 404 to an OCI manifest or index fetched without the OCI
 * types (by tag and by digest), and rewrites a Docker schema 2 manifest to signed schema 1 without the Docker v2 type.
 */
export const MANIFEST_ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.ociManifest,
  MEDIA.dockerList,
  MEDIA.dockerManifest,
].join(', ');

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly urls?: readonly string[] | undefined;
}

export interface ImageManifest {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
}

export type ManifestDoc = ImageManifest | ImageIndex;

export interface HistoryEntry {
  readonly created?: string | undefined;
  readonly created_by?: string | undefined;
  readonly empty_layer?: boolean | undefined;
}

export interface ImageConfig {
  readonly created?: string | undefined;
  readonly architecture?: string | undefined;
  readonly os?: string | undefined;
  readonly variant?: string | undefined;
  readonly config?:
    | {
        readonly Env?: readonly string[] | null | undefined;
        readonly Labels?: Readonly<Record<string, string>> | null | undefined;
        readonly Cmd?: readonly string[] | null | undefined;
        readonly Entrypoint?: readonly string[] | null | undefined;
      }
    | null
    | undefined;
  readonly rootfs?: { readonly diff_ids?: readonly string[] | undefined } | undefined;
  readonly history?: readonly HistoryEntry[] | null | undefined;
}

export const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** JSON text → value, with the thing's name in the error. */
function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Error(`${what} is not UTF-8 text (not an image manifest or config)`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function descriptor(v: unknown, what: string): Descriptor {
  if (!isObject(v)) throw new Error(`${what} is not a descriptor object`);
  const { mediaType, digest, size, platform, annotations, urls } = v;
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest))
    throw new Error(`${what} has no valid digest (got ${JSON.stringify(digest)})`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new Error(`${what} has no valid size`);
  const p =
    isObject(platform) && typeof platform['os'] === 'string' && typeof platform['architecture'] === 'string'
      ? {
          os: platform['os'],
          architecture: platform['architecture'],
          ...(typeof platform['variant'] === 'string' ? { variant: platform['variant'] } : {}),
        }
      : undefined;
  return {
    mediaType: typeof mediaType === 'string' ? mediaType : '',
    digest,
    size,
    ...(p === undefined ? {} : { platform: p }),
    ...(isObject(annotations) ? { annotations: annotations as Record<string, string> } : {}),
    ...(Array.isArray(urls) ? { urls: urls.filter((u): u is string => typeof u === 'string') } : {}),
  };
}

/**
 * Parses a manifest or an index. `contentType` (a registry's Content-Type, or a descriptor's mediaType) wins over
 * the body's own mediaType; without either, the shape decides (`manifests` → index, `layers` → manifest).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): ManifestDoc {
  const v = parseJson(bytes, what);
  if (!isObject(v)) throw new Error(`${what} is not a JSON object`);
  const declared = (contentType ?? '').split(';')[0]!.trim();
  const mediaType =
    declared !== '' && declared !== 'application/json' && declared !== 'application/octet-stream'
      ? declared
      : typeof v['mediaType'] === 'string'
        ? v['mediaType']
        : '';
  if (
    v['schemaVersion'] === 1 ||
    mediaType === MEDIA.dockerSchema1 ||
    mediaType === MEDIA.dockerSchema1Signed
  )
    throw new Error(
      `${what} is a Docker schema 1 manifest, which keyspill does not read (re-push the image with a current Docker or skopeo)`,
    );
  const isIndex =
    mediaType === MEDIA.ociIndex ||
    mediaType === MEDIA.dockerList ||
    (mediaType === '' && Array.isArray(v['manifests']));
  if (isIndex) {
    if (!Array.isArray(v['manifests'])) throw new Error(`${what} is an index without a manifests list`);
    return {
      kind: 'index',
      mediaType,
      manifests: v['manifests'].map((d, i) => descriptor(d, `${what}: manifests[${i}]`)),
    };
  }
  if (!Array.isArray(v['layers']) || !isObject(v['config'])) {
    if (mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest)
      throw new Error(`${what} is a manifest without config and layers`);
    throw new Error(`${what} is not an image manifest or index (media type ${mediaType || 'unknown'})`);
  }
  return {
    kind: 'manifest',
    mediaType: mediaType || MEDIA.ociManifest,
    config: descriptor(v['config'], `${what}: config`),
    layers: v['layers'].map((d, i) => descriptor(d, `${what}: layers[${i}]`)),
  };
}

const stringArray = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** Parses an image config; only what keyspill reads is kept, each field checked for its type. */
export function parseConfig(bytes: Uint8Array, what: string): ImageConfig {
  const v = parseJson(bytes, what);
  if (!isObject(v)) throw new Error(`${what} is not a JSON object`);
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const c = isObject(v['config']) ? v['config'] : undefined;
  const labels = c !== undefined && isObject(c['Labels']) ? c['Labels'] : undefined;
  const rootfs = isObject(v['rootfs']) ? v['rootfs'] : undefined;
  return {
    created: str(v['created']),
    architecture: str(v['architecture']),
    os: str(v['os']),
    variant: str(v['variant']),
    config:
      c === undefined
        ? undefined
        : {
            Env: stringArray(c['Env']),
            Labels:
              labels === undefined
                ? undefined
                : Object.fromEntries(
                    Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
                  ),
            Cmd: stringArray(c['Cmd']),
            Entrypoint: stringArray(c['Entrypoint']),
          },
    rootfs: { diff_ids: stringArray(rootfs?.['diff_ids']) },
    history: Array.isArray(v['history'])
      ? v['history'].map((h) =>
          isObject(h)
            ? {
                created: str(h['created']),
                created_by: str(h['created_by']),
                empty_layer: h['empty_layer'] === true,
              }
            : {},
        )
      : undefined,
  };
}

/** `linux/arm64/v8` → platform; the error names the expected form. */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === ''))
    throw new Error(`"${s}" is not a platform: write os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] === undefined ? {} : { variant: parts[2] }) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

const ARCH_ALIASES: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm' };

function normalise(p: Platform): { os: string; architecture: string; variant: string | undefined } {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  let variant = p.variant === '' ? undefined : p.variant;
  if (architecture === 'arm64' && variant === undefined) variant = 'v8';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: p.os.toLowerCase(), architecture, variant };
}

/** True when `candidate` is what `wanted` asks for; a wanted platform without a variant accepts any variant. */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const w = normalise(wanted);
  const c = normalise(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  return wanted.variant === undefined || w.variant === c.variant;
}

/** Index entries that are not runnable images (BuildKit attestations, `unknown/unknown`). */
export function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')
  );
}

/** `application/vnd.oci.image.manifest.v1+json` or a Docker schema 2 manifest: an image, not an index. */
export function isManifestType(mediaType: string): boolean {
  return mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList;
}
