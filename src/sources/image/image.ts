// An opened image (manifest, config, layer blobs) and the walk from a reference's root descriptor to its images.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ScanError } from '../../errors.ts';
import {
  formatPlatform,
  isAttestation,
  parseConfig,
  platformMatches,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type ManifestDoc,
  type Platform,
} from './manifest.ts';

/** One layer blob of an image, ready to stream. */
export interface LayerBlob {
  /** The blob digest as stored (for `docker save` layers named by diff_id: the diff_id). */
  readonly digest: string;
  readonly diffId: string | undefined;
  readonly mediaType: string;
  /** Check the stored bytes against `digest` (false when the store does not name the blob by its digest). */
  readonly verifyDigest: boolean;
  open(): Promise<Readable>;
}

export interface ImageHandle {
  /** The reference reports show (transport syntax, the tag or index that picked this image). */
  readonly image: string;
  readonly manifestDigest: string;
  readonly platform: string | undefined;
  readonly configDigest: string;
  /** Undefined when the config could not be read or is not an image config (a note says why). */
  readonly config: ImageConfig | undefined;
  readonly layers: readonly LayerBlob[];
}

export interface OpenNote {
  readonly note: string;
  readonly incomplete: boolean;
}

/** What opening one reference gives: its images (several for an archive or `--all-platforms`), notes, cleanup. */
export interface OpenedRef {
  readonly images: readonly ImageHandle[];
  readonly notes: readonly OpenNote[];
  close(): Promise<void>;
}

export interface PlatformChoice {
  readonly platform: Platform;
  /** --platform was given (a single-platform image of another platform gets a note). */
  readonly explicit: boolean;
  /** --all-platforms */
  readonly all: boolean;
}

/** Bound on a manifest, index or config read into memory (distribution caps manifests at 4 MB). */
export const MAX_JSON_BLOB = 16 * 1024 * 1024;

export function digestOf(bytes: Uint8Array, alg = 'sha256'): string {
  return `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
}

/** Refuses bytes that do not hash to the digest that named them. */
export function checkDigest(bytes: Uint8Array, digest: string, what: string, image: string): void {
  const alg = digest.slice(0, digest.indexOf(':'));
  const got = digestOf(bytes, alg);
  if (got !== digest)
    throw new ScanError(
      `${image}: ${what} ${digest} does not match its content (it hashes to ${got}): refused, content is addressed by digest`,
      'the image store is corrupt or was edited by hand: fetch or export the image again',
    );
}

/** Where manifests and JSON blobs of one reference come from (a layout, an archive, a registry repository). */
export interface ManifestStore {
  /** The manifest or index with this digest (digest-checked by the store). */
  manifest(d: Descriptor): Promise<ManifestDoc>;
  /** A config blob's bytes (digest-checked by the store). */
  json(d: Descriptor, what: string): Promise<Uint8Array>;
  /** A layer blob. */
  layer(d: Descriptor): LayerBlob['open'];
}

export interface Picked {
  readonly digest: string;
  readonly manifest: ImageManifest;
  /** The index entry's platform, when it came from an index. */
  readonly indexPlatform: Platform | undefined;
}

/**
 * From a root descriptor (a tag's manifest or index) to the image manifests to scan: an index gives the entry for
 * the chosen platform (or every runnable entry with --all-platforms); nested indexes are followed once.
 */
export async function pickManifests(
  store: ManifestStore,
  root: Descriptor,
  rootDoc: ManifestDoc | undefined,
  choice: PlatformChoice,
  image: string,
  notes: OpenNote[],
  depth = 0,
): Promise<Picked[]> {
  const doc = rootDoc ?? (await store.manifest(root));
  if (doc.kind === 'manifest') return [{ digest: root.digest, manifest: doc, indexPlatform: root.platform }];
  if (depth > 2) throw new ScanError(`${image}: image indexes nested more than three deep`);
  const entries = doc.manifests.filter((d) => !isAttestation(d));
  const chosen = choice.all
    ? entries
    : entries.filter((d) => d.platform === undefined || platformMatches(choice.platform, d.platform));
  if (chosen.length === 0) {
    const have = [
      ...new Set(entries.flatMap((d) => (d.platform === undefined ? [] : [formatPlatform(d.platform)]))),
    ];
    throw new ScanError(
      `${image} is a multi-platform index without ${formatPlatform(choice.platform)}: it has ${have.join(', ') || 'no platforms'}`,
      have.length > 0
        ? `pick one with --platform ${have[0]!}, or scan every platform with --all-platforms`
        : undefined,
    );
  }
  // Without --all-platforms, one image: an index may list several variants of a platform; the first wins.
  const wanted = choice.all ? chosen : chosen.slice(0, 1);
  const out: Picked[] = [];
  for (const d of wanted) {
    const sub = await store.manifest(d);
    if (sub.kind === 'index')
      out.push(...(await pickManifests(store, d, sub, choice, image, notes, depth + 1)));
    else out.push({ digest: d.digest, manifest: sub, indexPlatform: d.platform });
  }
  return out;
}

/** The image a picked manifest describes: its config read and parsed (a note when it cannot be), its layer blobs. */
export async function imageFromManifest(
  store: ManifestStore,
  picked: Picked,
  image: string,
  choice: PlatformChoice,
  notes: OpenNote[],
): Promise<ImageHandle> {
  const m = picked.manifest;
  let config: ImageConfig | undefined;
  try {
    config = parseConfig(await store.json(m.config, 'config'), `${image}: config ${m.config.digest}`);
  } catch (e) {
    if (e instanceof ScanError) throw e;
    notes.push({
      note: `${image}: ${(e as Error).message}; its layers are scanned without history or diff_ids`,
      incomplete: false,
    });
  }
  const diffIds = config?.rootfs?.diff_ids ?? [];
  const platformOf = (): Platform | undefined => {
    if (config?.os !== undefined && config.architecture !== undefined)
      return { os: config.os, architecture: config.architecture, variant: config.variant };
    return picked.indexPlatform;
  };
  const platform = platformOf();
  if (choice.explicit && !choice.all && picked.indexPlatform === undefined && platform !== undefined) {
    if (!platformMatches(choice.platform, platform))
      notes.push({
        note: `${image} is a single-platform image for ${formatPlatform(platform)}, not ${formatPlatform(choice.platform)}: scanned as it is`,
        incomplete: false,
      });
  }
  return {
    image,
    manifestDigest: picked.digest,
    platform: platform === undefined ? undefined : formatPlatform(platform),
    configDigest: m.config.digest,
    config,
    layers: m.layers.map((d, i) => ({
      digest: d.digest,
      diffId: diffIds.length === m.layers.length ? diffIds[i] : undefined,
      mediaType: d.mediaType,
      verifyDigest: true,
      open: store.layer(d),
    })),
  };
}
