// `docker save` tarballs (`docker-archive:FILE[:NAME:TAG|:@N]`): the legacy manifest.json layout and Docker ≥ 25's OCI one.
import { ScanError } from '../../errors.ts';
import {
  checkDigest,
  digestOf,
  MAX_JSON_BLOB,
  type ImageHandle,
  type OpenNote,
  type PlatformChoice,
} from './image.ts';
import { MissingBlobError } from './layer-scan.ts';
import { blobPath } from './layout.ts';
import { formatPlatform, parseConfig, parseManifest, platformMatches, type ImageConfig } from './manifest.ts';
import { sameImageName, type DockerArchiveRef } from './reference.ts';
import type { FileTree } from './tree.ts';

interface ArchiveEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[];
  readonly Layers: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseArchiveManifest(bytes: Uint8Array, what: string): ArchiveEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new ScanError(`${what} is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v)) throw new ScanError(`${what} is not a list of images`);
  return v.map((e, i) => {
    if (
      !isObject(e) ||
      typeof e['Config'] !== 'string' ||
      !Array.isArray(e['Layers']) ||
      !e['Layers'].every((l) => typeof l === 'string')
    )
      throw new ScanError(`${what}: entry ${i} has no Config and Layers`);
    const tags = Array.isArray(e['RepoTags'])
      ? e['RepoTags'].filter((t): t is string => typeof t === 'string')
      : [];
    return { Config: e['Config'], RepoTags: tags, Layers: e['Layers'] };
  });
}

/** The digest a member name states: `blobs/sha256/HEX` (content-addressed), `HEX.json`, `HEX.tar`. */
function namedDigest(name: string): { digest: string; addressed: boolean } | undefined {
  const blob = /^blobs\/(sha256|sha512)\/([a-f0-9]{64,128})$/.exec(name);
  if (blob !== null) return { digest: `${blob[1]!}:${blob[2]!}`, addressed: true };
  const flat = /^(?:sha256:)?([a-f0-9]{64})(?:\.json|\.tar)$/.exec(name);
  if (flat !== null) return { digest: `sha256:${flat[1]!}`, addressed: false };
  return undefined;
}

/** Docker ≥ 25 also writes an OCI index.json: config digest → manifest digest, for the reports. */
async function manifestDigests(tree: FileTree): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const indexBytes = await tree.read('index.json', MAX_JSON_BLOB).catch(() => undefined);
  if (indexBytes === undefined) return out;
  const visit = async (bytes: Uint8Array, depth: number): Promise<void> => {
    let doc;
    try {
      doc = parseManifest(bytes, undefined, 'index.json');
    } catch {
      return;
    }
    if (doc.kind !== 'index' || depth > 2) return;
    for (const d of doc.manifests) {
      const b = await tree.read(blobPath(d.digest), MAX_JSON_BLOB).catch(() => undefined);
      if (b === undefined || digestOf(b, d.digest.slice(0, d.digest.indexOf(':'))) !== d.digest) continue;
      let sub;
      try {
        sub = parseManifest(b, d.mediaType, d.digest);
      } catch {
        continue;
      }
      if (sub.kind === 'manifest') out.set(sub.config.digest, d.digest);
      else await visit(b, depth + 1);
    }
  };
  await visit(indexBytes, 0);
  return out;
}

function truncatedHint(tree: FileTree): string {
  const t = tree.truncated;
  return t === undefined ? '' : ` (the archive is truncated: it ends inside ${t.name} at byte ${t.offset})`;
}

/** Opens the images of a `docker save` archive: every image, the one named NAME:TAG, or the N-th. */
export async function openDockerArchive(
  tree: FileTree,
  ref: DockerArchiveRef,
  choice: PlatformChoice,
  notes: OpenNote[],
): Promise<ImageHandle[]> {
  const base = `docker-archive:${ref.path}`;
  const bytes = await tree.read('manifest.json', MAX_JSON_BLOB);
  if (bytes === undefined) {
    const oci = await tree.has('index.json');
    throw new ScanError(
      `${base}: ${tree.where} is not a docker save archive (no manifest.json)${truncatedHint(tree)}`,
      tree.truncated !== undefined
        ? 'save or copy the image again: the file was cut short'
        : oci
          ? `it holds an OCI index.json: scan it as oci-archive:${ref.path}`
          : 'docker-archive: reads the tarball `docker save -o FILE IMAGE` (or skopeo copy … docker-archive:FILE) writes',
    );
  }
  const entries = parseArchiveManifest(bytes, `${base}: manifest.json`);
  let chosen: { e: ArchiveEntry; image: string }[];
  if (ref.name !== undefined) {
    const name = ref.name;
    const hits = entries.filter((e) => e.RepoTags.some((t) => t === name || sameImageName(t, name)));
    if (hits.length === 0) {
      const tags = entries.flatMap((e) => e.RepoTags);
      throw new ScanError(
        `${base}: no image in the archive is tagged ${name}`,
        tags.length > 0
          ? `its images: ${tags.slice(0, 10).join(', ')}`
          : `its images are untagged: use ${base}:@0`,
      );
    }
    chosen = hits.map((e) => ({ e, image: `${base}:${name}` }));
  } else if (ref.index !== undefined) {
    const e = entries[ref.index];
    if (e === undefined)
      throw new ScanError(`${base}: the archive holds ${entries.length} images, no @${ref.index}`);
    chosen = [{ e, image: `${base}:@${ref.index}` }];
  } else {
    if (entries.length === 0) throw new ScanError(`${base}: manifest.json lists no images`);
    chosen = entries.map((e, i) => ({
      e,
      image: e.RepoTags[0] !== undefined ? `${base}:${e.RepoTags[0]}` : `${base}:@${i}`,
    }));
  }
  const manifests = await manifestDigests(tree);
  const images: ImageHandle[] = [];
  for (const { e, image } of chosen) {
    const configBytes = await tree.read(e.Config, MAX_JSON_BLOB);
    if (configBytes === undefined)
      throw new ScanError(
        `${image}: manifest.json names the config ${e.Config}, which the archive does not hold${truncatedHint(tree)}`,
        'save or copy the image again',
      );
    const named = namedDigest(e.Config);
    const configDigest = named?.digest ?? digestOf(configBytes);
    if (named !== undefined) checkDigest(configBytes, named.digest, 'config', image);
    let config: ImageConfig | undefined;
    try {
      config = parseConfig(configBytes, `${image}: config ${e.Config}`);
    } catch (err) {
      notes.push({
        note: `${(err as Error).message}; its layers are scanned without history or diff_ids`,
        incomplete: false,
      });
    }
    const diffIds = config?.rootfs?.diff_ids ?? [];
    if (config !== undefined && diffIds.length !== e.Layers.length)
      notes.push({
        note: `${image}: the config lists ${diffIds.length} diff_ids for ${e.Layers.length} layers: layers are not checked against them`,
        incomplete: false,
      });
    const platform =
      config?.os !== undefined && config.architecture !== undefined
        ? { os: config.os, architecture: config.architecture, variant: config.variant }
        : undefined;
    if (
      choice.explicit &&
      !choice.all &&
      platform !== undefined &&
      !platformMatches(choice.platform, platform)
    )
      notes.push({
        note: `${image} is for ${formatPlatform(platform)}, not ${formatPlatform(choice.platform)}: scanned as it is`,
        incomplete: false,
      });
    images.push({
      image,
      // A legacy docker save archive has no manifest: its image ID (the config digest) names it.
      manifestDigest: manifests.get(configDigest) ?? configDigest,
      platform: platform === undefined ? undefined : formatPlatform(platform),
      configDigest,
      config,
      layers: e.Layers.map((name, i) => {
        const diffId = diffIds.length === e.Layers.length ? diffIds[i] : undefined;
        const stated = namedDigest(name);
        return {
          digest: stated?.digest ?? diffId ?? `${name}`,
          diffId,
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
          verifyDigest: stated?.addressed === true,
          open: async () => {
            const f = await tree.open(name);
            if (f === undefined)
              throw new MissingBlobError(
                `manifest.json names the layer ${name}, which the archive does not hold${truncatedHint(tree)}`,
              );
            return f.stream;
          },
        };
      }),
    });
  }
  return images;
}
