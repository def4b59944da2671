// OCI image layouts (`oci:DIR[:TAG]`, and inside `oci-archive:FILE[:TAG]`): index.json → tags → manifests → blobs.
import { ScanError } from '../../errors.ts';
import {
  checkDigest,
  imageFromManifest,
  MAX_JSON_BLOB,
  pickManifests,
  type ImageHandle,
  type ManifestStore,
  type OpenNote,
  type PlatformChoice,
} from './image.ts';
import { MissingBlobError } from './layer-scan.ts';
import { DIGEST_PATTERN, parseManifest, type Descriptor } from './manifest.ts';
import type { LayoutRef } from './reference.ts';
import { TooLargeError, type FileTree } from './tree.ts';

export const REF_NAME = 'org.opencontainers.image.ref.name';

export function blobPath(digest: string): string {
  if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a digest: ${digest}`);
  const at = digest.indexOf(':');
  return `blobs/${digest.slice(0, at)}/${digest.slice(at + 1)}`;
}

/** Manifests and blobs of a layout held in `tree`; every JSON blob is checked against its digest. */
export function layoutStore(tree: FileTree, image: string): ManifestStore {
  const read = async (d: Descriptor, what: string): Promise<Buffer> => {
    let bytes: Buffer | undefined;
    try {
      bytes = await tree.read(blobPath(d.digest), MAX_JSON_BLOB);
    } catch (e) {
      if (e instanceof TooLargeError)
        throw new ScanError(`${image}: ${what} ${d.digest} is too large (${e.message})`);
      throw e;
    }
    if (bytes === undefined)
      throw new ScanError(
        `${image}: the ${what} ${d.digest} is missing from ${tree.where} (a manifest names a blob the layout does not have)`,
        'copy the image again (skopeo copy) or restore the missing blob',
      );
    checkDigest(bytes, d.digest, what, image);
    return bytes;
  };
  return {
    async manifest(d) {
      const bytes = await read(d, 'manifest');
      try {
        return parseManifest(bytes, d.mediaType, `${image}: manifest ${d.digest}`);
      } catch (e) {
        throw new ScanError((e as Error).message, undefined, { cause: e });
      }
    },
    json: read,
    layer: (d) => async () => {
      const f = await tree.open(blobPath(d.digest));
      if (f === undefined)
        throw new MissingBlobError(
          `the blob ${d.digest} is missing from ${tree.where} (the manifest names a blob the layout does not have)`,
        );
      return f.stream;
    },
  };
}

/** Reads `index.json` and opens the images a layout reference names (one tag, `@N`, or every entry). */
export async function openLayout(
  tree: FileTree,
  ref: LayoutRef,
  choice: PlatformChoice,
  notes: OpenNote[],
): Promise<ImageHandle[]> {
  const base = `${ref.transport}:${ref.path}`;
  const indexBytes = await tree.read('index.json', MAX_JSON_BLOB).catch((e: unknown) => {
    throw new ScanError(`${base}: cannot read index.json: ${(e as Error).message}`, undefined, { cause: e });
  });
  if (indexBytes === undefined) {
    const dockerSave = await tree.has('manifest.json');
    const cut = tree.truncated;
    throw new ScanError(
      `${base}: ${tree.where} is not an OCI image layout (no index.json)${cut === undefined ? '' : ` (the archive is truncated: it ends inside ${cut.name} at byte ${cut.offset})`}`,
      cut !== undefined
        ? 'copy the image again: the file was cut short'
        : dockerSave
          ? `it holds a manifest.json: it is a docker save archive, scan it as docker-archive:${ref.path}`
          : 'point oci: at a folder made by skopeo copy … oci:DIR or buildah push … oci:DIR, and oci-archive: at a tar of one',
    );
  }
  let index;
  try {
    index = parseManifest(indexBytes, 'application/vnd.oci.image.index.v1+json', `${base}: index.json`);
  } catch (e) {
    throw new ScanError((e as Error).message, undefined, { cause: e });
  }
  if (index.kind !== 'index') throw new ScanError(`${base}: index.json is not an image index`);
  const entries = index.manifests;
  let roots: { d: Descriptor; image: string }[];
  if (ref.tag !== undefined) {
    const tagged = entries.filter((d) => d.annotations?.[REF_NAME] === ref.tag);
    if (tagged.length === 0) {
      const tags = entries.flatMap((d) =>
        d.annotations?.[REF_NAME] === undefined ? [] : [d.annotations[REF_NAME]],
      );
      throw new ScanError(
        `${base}: no image is tagged "${ref.tag}" in ${tree.where}`,
        tags.length > 0
          ? `its tags: ${tags.slice(0, 10).join(', ')}${tags.length > 10 ? ', …' : ''}`
          : `it has no tags: name an image by position, e.g. ${base}:@0`,
      );
    }
    roots = tagged.map((d) => ({ d, image: `${base}:${ref.tag!}` }));
  } else if (ref.index !== undefined) {
    const d = entries[ref.index];
    if (d === undefined)
      throw new ScanError(`${base}: index.json has ${entries.length} entries, no @${ref.index}`);
    roots = [{ d, image: `${base}:@${ref.index}` }];
  } else {
    if (entries.length === 0) throw new ScanError(`${base}: index.json lists no images`);
    roots = entries.map((d, i) => {
      const name = d.annotations?.[REF_NAME];
      return { d, image: name === undefined ? `${base}:@${i}` : `${base}:${name}` };
    });
  }
  const store = (image: string): ManifestStore => layoutStore(tree, image);
  const images: ImageHandle[] = [];
  for (const root of roots) {
    const s = store(root.image);
    for (const picked of await pickManifests(s, root.d, undefined, choice, root.image, notes))
      images.push(await imageFromManifest(s, picked, root.image, choice, notes));
  }
  return images;
}
