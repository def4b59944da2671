// `docker://REGISTRY/REPO:TAG|@DIGEST`: the tag's manifest (or index → platform) and config from a registry; layers streamed.
import { RemoteError } from '../../errors.ts';
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
import { parseManifest, type ManifestDoc } from './manifest.ts';
import { formatImageRef, type RegistryRef } from './reference.ts';
import { MissingBlobError } from './layer-scan.ts';
import { RegistryNotFoundError, type RegistryClient } from './registry.ts';

function parsed(
  client: RegistryClient,
  repository: string,
  bytes: Uint8Array,
  mediaType: string,
  what: string,
): ManifestDoc {
  try {
    return parseManifest(bytes, mediaType, what);
  } catch (e) {
    throw new RemoteError(
      { endpoint: client.registry, permission: `pull ${repository}` },
      (e as Error).message,
      undefined,
      { cause: e },
    );
  }
}

export async function openRegistryImage(
  client: RegistryClient,
  ref: RegistryRef,
  choice: PlatformChoice,
  notes: OpenNote[],
): Promise<ImageHandle[]> {
  const image = formatImageRef(ref);
  const repo = ref.repository;
  const store: ManifestStore = {
    async manifest(d) {
      const m = await client.manifest(repo, d.digest);
      return parsed(client, repo, m.bytes, m.mediaType || d.mediaType, `${image}: manifest ${d.digest}`);
    },
    async json(d, what) {
      const bytes = await client.blobBytes(repo, d.digest, MAX_JSON_BLOB);
      checkDigest(bytes, d.digest, what, image);
      return bytes;
    },
    layer: (d) => async () => {
      try {
        return await client.openBlob(repo, d.digest);
      } catch (e) {
        if (e instanceof RegistryNotFoundError) throw new MissingBlobError(e.message, { cause: e });
        throw e;
      }
    },
  };
  const root = await client.manifest(repo, ref.digest ?? ref.tag ?? 'latest');
  const doc = parsed(client, repo, root.bytes, root.mediaType, `${image}: manifest`);
  const rootDescriptor = { mediaType: root.mediaType, digest: root.digest, size: root.bytes.length };
  const images: ImageHandle[] = [];
  for (const picked of await pickManifests(store, rootDescriptor, doc, choice, image, notes))
    images.push(await imageFromManifest(store, picked, image, choice, notes));
  return images;
}
