// Test helper: builds real container images (OCI layouts with umoci; conversions and pushes with skopeo) in temp dirs.
//
// API (what runs a tool is async, with a timeout on every call; call ensureImageTools() first):
//   buildImage({ layout, tag, from?, layers, config? }) → OciImage
//       An OCI layout built with `umoci init/new/unpack/repack --refresh-bundle`. One LayerSpec = one layer:
//         { files: { 'app/.env': 'AWS_SECRET=…' } }      add or overwrite files
//         { delete: ['app/.env'] }                        umoci's bundle diff writes `app/.wh..env`
//         { opaque: 'etc/conf', files: { 'etc/conf/x': … } }  `umoci insert --opaque` writes `etc/conf/.wh..wh..opq`
//         … plus createdBy / created / comment for the layer's history entry.
//       `from` starts from another tag of the same layout, so both images share its layer blobs.
//       `config` sets Env, Labels, Cmd, Entrypoint, architecture, os, created (via `umoci config`), and may add an
//       empty_layer history entry (config.createdBy, e.g. 'ENV AWS_SECRET=…').
//   inspectImage(layout, tag) → OciImage                         read what a layout holds under a tag
//   recompress(image, 'gzip' | 'zstd' | 'none', destLayout, tag?)  into another layout, via skopeo
//   rewriteLayer(image, index, transform, tag?) → OciImage        hand-edit one layer's tar; digests, diff_ids,
//                                                                 config, manifest and index.json are rewritten
//   stripTarEnd(tar) / completeTar(tar)                           transforms: drop / restore end-of-archive blocks
//   writeIndex({ layout, tag, images }) → OciIndex                 a multi-platform image index (OCI) in the layout
//   toDockerArchive(image, path, reference?)                      `docker save` format (skopeo docker-archive:)
//   toOciArchive(image | index, path)                             tar of an OCI layout (skopeo oci-archive:)
//   pushImage(image | index, { host, repository, tag, credentials?, format? })  skopeo copy to docker://, plain HTTP
//   layerEntries(path) / layerFile(path, name)                    list / read a layer blob with GNU tar
//   skopeo(args) / umoci(args)                                    the raw tools, for anything else
//
// Quirks (see /work/notes/image.md): umoci 0.4.7 has no compression choice (always gzip; other formats come from
// skopeo); `umoci repack` without --refresh-bundle diffs against the bundle's original manifest, so earlier layers
// vanish; a bundle diff never yields an opaque whiteout (a replaced directory becomes one `.wh.NAME` per old file), so
// opaque layers use `umoci insert --opaque`, whose tar lacks the last entry's padding and the end-of-archive blocks
// (umoci bug): buildImage repairs it with completeTar unless `rawInsertTar: true` is given.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const REF_NAME = 'org.opencontainers.image.ref.name';
const TOOL_TIMEOUT_MS = 60_000;

export type FileMap = Readonly<Record<string, string | Uint8Array>>;

/** One layer of an image. Paths are relative to the image root ('app/.env'); a leading '/' is ignored. */
export interface LayerSpec {
  /** Files to create or overwrite (parent directories are created). */
  readonly files?: FileMap;
  /** Paths (files or directories) removed before the repack; umoci writes a `.wh.NAME` whiteout for each. */
  readonly delete?: readonly string[];
  /** A directory whose lower content this layer hides (`.wh..wh..opq`); `files` must then all lie under it. */
  readonly opaque?: string;
  /** History `created_by` text (default: umoci's 'umoci repack' / 'umoci insert'). */
  readonly createdBy?: string;
  /** History `created` time, RFC 3339 (default: now). */
  readonly created?: string;
  readonly comment?: string;
}

export interface ConfigSpec {
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly architecture?: string;
  readonly os?: string;
  readonly author?: string;
  /** The config's `created` time, RFC 3339. */
  readonly created?: string;
  /** When set, `umoci config` adds an empty_layer history entry with this created_by text (else none). */
  readonly createdBy?: string;
  /** That history entry's `created` time. */
  readonly historyCreated?: string;
}

export interface BuildOptions {
  /** Directory of the OCI layout; `umoci init` creates it when it is not a layout yet. */
  readonly layout: string;
  readonly tag: string;
  /** Another tag of the same layout to build on: the new image shares all of its layers (same blobs). */
  readonly from?: string;
  readonly layers: readonly LayerSpec[];
  readonly config?: ConfigSpec;
  /** Keep `umoci insert`'s unterminated tar for opaque layers as it is (default: repaired with completeTar). */
  readonly rawInsertTar?: boolean;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
  readonly platform?: { architecture: string; os: string; variant?: string };
}

export interface OciManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly author?: string;
  readonly empty_layer?: boolean;
}

export interface OciConfig {
  readonly created?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config?: {
    Env?: string[];
    Labels?: Record<string, string>;
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
  };
  readonly rootfs: { type: 'layers'; diff_ids: string[] };
  readonly history?: HistoryEntry[];
}

export interface LayerInfo extends Descriptor {
  /** The blob file in the layout. */
  readonly path: string;
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids. */
  readonly diffId: string;
}

export interface OciImage {
  readonly layout: string;
  readonly tag: string;
  /** skopeo's name for it: `oci:LAYOUT:TAG`. */
  readonly ref: string;
  readonly manifestDigest: string;
  readonly manifestSize: number;
  readonly manifest: OciManifest;
  readonly config: OciConfig;
  readonly configDigest: string;
  readonly layers: readonly LayerInfo[];
}

export interface OciIndex {
  readonly layout: string;
  readonly tag: string;
  readonly ref: string;
  readonly digest: string;
  readonly size: number;
  readonly index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] };
  readonly images: readonly OciImage[];
}

interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

// ---------------------------------------------------------------------------------------------------------------
// Tools

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool with a timeout; rejects with its stderr on a non-zero exit. */
export function runTool(
  cmd: string,
  args: readonly string[],
  timeoutMs = TOOL_TIMEOUT_MS,
): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

export const umoci = (args: readonly string[]): Promise<ToolResult> => runTool('umoci', args);

/** skopeo with `--insecure-policy`, so no /etc/containers/policy.json is needed. */
export const skopeo = (args: readonly string[]): Promise<ToolResult> =>
  runTool('skopeo', ['--insecure-policy', ...args]);

// ---------------------------------------------------------------------------------------------------------------
// Layout reading and writing

const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function blobPath(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex) throw new Error(`not a digest: ${digest}`);
  return join(layout, 'blobs', alg, hex);
}

function writeBlob(layout: string, bytes: Uint8Array): { digest: string; size: number } {
  const digest = sha256(bytes);
  const p = blobPath(layout, digest);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return { digest, size: bytes.length };
}

const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const readLayoutIndex = (layout: string): LayoutIndex => readJson<LayoutIndex>(join(layout, 'index.json'));

/** Points `tag` in the layout's index.json at a descriptor (replacing an entry of the same tag). */
function setTag(layout: string, tag: string, d: { mediaType: string; digest: string; size: number }): void {
  const idx = readLayoutIndex(layout);
  idx.manifests = idx.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag);
  idx.manifests.push({ ...d, annotations: { [REF_NAME]: tag } });
  writeFileSync(join(layout, 'index.json'), JSON.stringify(idx));
}

function tagDescriptor(layout: string, tag: string): Descriptor {
  const d = readLayoutIndex(layout).manifests.find((m) => m.annotations?.[REF_NAME] === tag);
  if (!d) throw new Error(`no tag ${tag} in ${layout}/index.json`);
  return d;
}

/** Reads the image a layout holds under `tag`. */
export function inspectImage(layout: string, tag: string): OciImage {
  const d = tagDescriptor(layout, tag);
  if (d.mediaType === MEDIA.ociIndex) throw new Error(`${tag} in ${layout} is an index, not an image`);
  return imageAt(layout, tag, d.digest);
}

function imageAt(layout: string, tag: string, manifestDigest: string): OciImage {
  const manifestBytes = readFileSync(blobPath(layout, manifestDigest));
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
  const config = readJson<OciConfig>(blobPath(layout, manifest.config.digest));
  const layers = manifest.layers.map((l, i) => ({
    ...l,
    path: blobPath(layout, l.digest),
    diffId: config.rootfs.diff_ids[i] ?? '',
  }));
  return {
    layout,
    tag,
    ref: `oci:${layout}:${tag}`,
    manifestDigest,
    manifestSize: manifestBytes.length,
    manifest,
    config,
    configDigest: manifest.config.digest,
    layers,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Building

function rel(p: string): string {
  const n = normalize(p.replace(/^\/+/, ''));
  if (n === '.' || n.startsWith('..')) throw new Error(`path outside the image root: ${p}`);
  return n;
}

function writeFiles(root: string, files: FileMap): void {
  for (const [p, content] of Object.entries(files)) {
    const target = join(root, rel(p));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

function historyFlags(h: { createdBy?: string; created?: string; comment?: string }): string[] {
  const flags: string[] = [];
  if (h.createdBy !== undefined) flags.push('--history.created_by', h.createdBy);
  if (h.created !== undefined) flags.push('--history.created', h.created);
  if (h.comment !== undefined) flags.push('--history.comment', h.comment);
  return flags;
}

/** Builds (or extends) an image in an OCI layout with umoci; see the file comment for the layer forms. */
export async function buildImage(o: BuildOptions): Promise<OciImage> {
  const layout = resolve(o.layout);
  const image = `${layout}:${o.tag}`;
  if (!existsSync(join(layout, 'oci-layout'))) await umoci(['init', '--layout', layout]);
  if (o.from !== undefined) await umoci(['tag', '--image', `${layout}:${o.from}`, o.tag]);
  else await umoci(['new', '--image', image]);

  const work = mkdtempSync(join(tmpdir(), 'keyspill-umoci-'));
  const bundle = join(work, 'bundle');
  let unpacked = false;
  try {
    for (const [i, layer] of o.layers.entries()) {
      if (layer.opaque !== undefined) {
        const dir = rel(layer.opaque);
        if (layer.delete?.length) throw new Error(`layer ${i}: an opaque layer cannot also delete paths`);
        for (const p of Object.keys(layer.files ?? {})) {
          if (!rel(p).startsWith(`${dir}/`))
            throw new Error(`layer ${i}: ${p} is not under opaque dir ${dir}`);
        }
        const stage = join(work, `stage-${i}`);
        mkdirSync(join(stage, dir), { recursive: true });
        writeFiles(stage, layer.files ?? {});
        await umoci([
          'insert',
          '--rootless',
          '--image',
          image,
          '--opaque',
          ...historyFlags(layer),
          join(stage, dir),
          `/${dir}`,
        ]);
        if (o.rawInsertTar !== true) {
          const img = inspectImage(layout, o.tag);
          rewriteLayer(img, img.layers.length - 1, completeTar);
        }
        unpacked = false; // the bundle no longer matches the image: unpack again before the next repack
        continue;
      }
      if (!unpacked) {
        rmSync(bundle, { recursive: true, force: true });
        await umoci(['unpack', '--rootless', '--image', image, bundle]);
        unpacked = true;
      }
      const rootfs = join(bundle, 'rootfs');
      for (const p of layer.delete ?? []) {
        const target = join(rootfs, rel(p));
        if (!existsSync(target)) throw new Error(`layer ${i}: cannot delete ${p}: not in the image`);
        rmSync(target, { recursive: true });
      }
      writeFiles(rootfs, layer.files ?? {});
      await umoci(['repack', '--refresh-bundle', '--image', image, ...historyFlags(layer), bundle]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (o.config) await configure(layout, o.tag, o.config);
  return inspectImage(layout, o.tag);
}

async function configure(layout: string, tag: string, c: ConfigSpec): Promise<void> {
  const args = ['config', '--image', `${layout}:${tag}`];
  for (const [k, v] of Object.entries(c.env ?? {})) args.push('--config.env', `${k}=${v}`);
  for (const [k, v] of Object.entries(c.labels ?? {})) args.push('--config.label', `${k}=${v}`);
  for (const a of c.cmd ?? []) args.push('--config.cmd', a);
  for (const a of c.entrypoint ?? []) args.push('--config.entrypoint', a);
  if (c.workingDir !== undefined) args.push('--config.workingdir', c.workingDir);
  if (c.user !== undefined) args.push('--config.user', c.user);
  if (c.architecture !== undefined) args.push('--architecture', c.architecture);
  if (c.os !== undefined) args.push('--os', c.os);
  if (c.author !== undefined) args.push('--author', c.author);
  if (c.created !== undefined) args.push('--created', c.created);
  if (c.createdBy === undefined) args.push('--no-history');
  else
    args.push(
      ...historyFlags({ createdBy: c.createdBy, ...(c.historyCreated ? { created: c.historyCreated } : {}) }),
    );
  await umoci(args);
}

// ---------------------------------------------------------------------------------------------------------------
// Layer bytes

/** Decompresses a layer blob by its magic bytes (gzip, zstd, or a plain tar). */
export function layerTar(blob: Uint8Array): Buffer {
  const b = Buffer.from(blob);
  if (b[0] === 0x1f && b[1] === 0x8b) return gunzipSync(b);
  if (b.readUInt32LE(0) === 0xfd2fb528) return zstdDecompressSync(b);
  return b;
}

function tarEntrySize(h: Buffer): number {
  const field = h.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const s = field.toString('ascii').replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/**
 * Re-terminates a tar: walks its headers, pads the last entry's data to a 512-byte block if it is short, and ends it
 * with exactly `endBlocks` zero blocks (2 is a proper archive; 0 is "no end-of-archive marker").
 */
export function setTarEnd(tar: Uint8Array, endBlocks: 0 | 1 | 2): Buffer {
  const b = Buffer.from(tar);
  let off = 0;
  for (;;) {
    if (off >= b.length) break;
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break; // end-of-archive marker, or zero bytes short of a block
    if (h.length < 512) throw new Error(`tar is cut inside the entry header at ${off}`);
    const size = tarEntrySize(h);
    if (off + 512 + size > b.length) throw new Error(`tar is cut inside the data of the entry at ${off}`);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  const body = off <= b.length ? b.subarray(0, off) : Buffer.concat([b, Buffer.alloc(off - b.length)]);
  return Buffer.concat([body, Buffer.alloc(512 * endBlocks)]);
}

/** Drops the end-of-archive blocks (a tar that just stops after its last entry). */
export const stripTarEnd = (tar: Uint8Array): Buffer => setTarEnd(tar, 0);
/** Pads and terminates a tar properly (two zero blocks). */
export const completeTar = (tar: Uint8Array): Buffer => setTarEnd(tar, 2);

/**
 * Replaces layer `index` of an image with `transform(its uncompressed tar)`, compressed as the layer was, and rewrites
 * the config (diff_id), the manifest and index.json so every digest and size is right. Writes under `tag`
 * (default: the image's own tag). This is the hand-made path for layers umoci cannot produce.
 */
export function rewriteLayer(
  img: OciImage,
  index: number,
  transform: (tar: Buffer) => Uint8Array,
  tag = img.tag,
): OciImage {
  const old = img.layers[index];
  if (!old) throw new Error(`no layer ${index} (the image has ${img.layers.length})`);
  const tar = Buffer.from(transform(layerTar(readFileSync(old.path))));
  const blob =
    old.mediaType === MEDIA.layerGzip
      ? gzipSync(tar)
      : old.mediaType === MEDIA.layerZstd
        ? zstdCompressSync(tar)
        : tar;
  const layer = writeBlob(img.layout, blob);
  const diffIds = [...img.config.rootfs.diff_ids];
  diffIds[index] = sha256(tar);
  const configDesc = writeBlob(
    img.layout,
    Buffer.from(JSON.stringify({ ...img.config, rootfs: { ...img.config.rootfs, diff_ids: diffIds } })),
  );
  const layers = img.manifest.layers.map((l, i) => (i === index ? { ...l, ...layer } : l));
  const manifest = { ...img.manifest, config: { ...img.manifest.config, ...configDesc }, layers };
  const m = writeBlob(img.layout, Buffer.from(JSON.stringify(manifest)));
  setTag(img.layout, tag, { mediaType: MEDIA.ociManifest, ...m });
  return inspectImage(img.layout, tag);
}

/** Names of a layer blob's entries, in order (GNU tar; tolerates a missing end-of-archive marker). */
export async function layerEntries(blob: string): Promise<string[]> {
  const out = await tarOf(blob, ['-t']);
  return out.split('\n').filter((l) => l !== '');
}

/** One file's content from a layer blob. */
export function layerFile(blob: string, name: string): Promise<string> {
  return tarOf(blob, ['-xO', name]);
}

function tarOf(blob: string, args: readonly string[]): Promise<string> {
  const tar = layerTar(readFileSync(blob));
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'tar',
      [...args.slice(0, 1), '-f', '-', ...args.slice(1)],
      { timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) =>
        err ? reject(new Error(`tar ${args.join(' ')}: ${stderr}`)) : resolvePromise(stdout),
    );
    child.stdin?.end(tar);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Compression, index, conversion, push (skopeo)

/**
 * Copies an image into another OCI layout (`destLayout`, same tag by default) with its layers as gzip, zstd or plain
 * tar. skopeo 1.9 does zstd with `--dest-compress-format zstd`; plain tar goes through `dir:` (`--dest-decompress`) and
 * back to `oci:` with `--dest-oci-accept-uncompressed-layers`, since `--dest-decompress` is ignored for `oci:`. The
 * destination must be another layout: into a layout that already holds the gzip blobs, skopeo reuses them (matched by
 * diff_id through its blob-info cache) and the copy stays gzip whatever format was asked.
 */
export async function recompress(
  img: OciImage,
  format: 'gzip' | 'zstd' | 'none',
  destLayout: string,
  tag = img.tag,
): Promise<OciImage> {
  const layout = resolve(destLayout);
  if (layout === resolve(img.layout))
    throw new Error('recompress needs another layout (skopeo reuses blobs)');
  const dest = `oci:${layout}:${tag}`;
  if (format === 'none') {
    const dir = mkdtempSync(join(tmpdir(), 'keyspill-skopeo-dir-'));
    try {
      await skopeo(['copy', '-q', '--dest-decompress', img.ref, `dir:${dir}`]);
      await skopeo(['copy', '-q', '--dest-oci-accept-uncompressed-layers', `dir:${dir}`, dest]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    await skopeo(['copy', '-q', '--dest-compress-format', format, img.ref, dest]);
  }
  return inspectImage(layout, tag);
}

/**
 * Writes an OCI image index over `images` (all in `layout`) and tags it. Each entry's platform comes from the
 * image's config (architecture, os, variant). umoci cannot make an index, so this JSON is written here.
 */
export function writeIndex(o: { layout: string; tag: string; images: readonly OciImage[] }): OciIndex {
  const layout = resolve(o.layout);
  const index = {
    schemaVersion: 2 as const,
    mediaType: MEDIA.ociIndex,
    manifests: o.images.map((img) => ({
      mediaType: MEDIA.ociManifest,
      digest: img.manifestDigest,
      size: img.manifestSize,
      platform: {
        architecture: img.config.architecture,
        os: img.config.os,
        ...(img.config.variant ? { variant: img.config.variant } : {}),
      },
    })),
  };
  const d = writeBlob(layout, Buffer.from(JSON.stringify(index)));
  setTag(layout, o.tag, { mediaType: MEDIA.ociIndex, ...d });
  return { layout, tag: o.tag, ref: `oci:${layout}:${o.tag}`, ...d, index, images: o.images };
}

/** `docker save` format (skopeo's docker-archive: every layer `<diffid>.tar` first, then manifest.json). */
export async function toDockerArchive(img: OciImage, path: string, reference?: string): Promise<string> {
  await skopeo(['copy', '-q', img.ref, `docker-archive:${path}${reference ? `:${reference}` : ''}`]);
  return path;
}

/** A tar of an OCI layout holding this image under its tag. */
export async function toOciArchive(img: OciImage | OciIndex, path: string): Promise<string> {
  const all = 'index' in img ? ['--all'] : [];
  await skopeo(['copy', '-q', ...all, img.ref, `oci-archive:${path}:${img.tag}`]);
  return path;
}

export interface PushTarget {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly repository: string;
  readonly tag: string;
  readonly credentials?: { readonly username: string; readonly password: string } | undefined;
  /** Manifest format: 'oci' (default: as built) or 'v2s2' (Docker schema 2; needs gzip or plain layers). */
  readonly format?: 'oci' | 'v2s2';
}

/** Pushes an image (or an index with all its images) to a plain-HTTP registry; returns `HOST/REPO:TAG`. */
export async function pushImage(img: OciImage | OciIndex, to: PushTarget): Promise<string> {
  const ref = `${to.host}/${to.repository}:${to.tag}`;
  const args = ['copy', '-q', '--dest-tls-verify=false', '--retry-times', '2'];
  if ('index' in img) args.push('--all');
  if (to.credentials) args.push('--dest-creds', `${to.credentials.username}:${to.credentials.password}`);
  else args.push('--dest-no-creds');
  if (to.format) args.push('--format', to.format);
  await skopeo([...args, img.ref, `docker://${ref}`]);
  return ref;
}
