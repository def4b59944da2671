// Opens one image reference, whatever its transport, into the images to scan (with their notes and cleanup).
import { open as openFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ScanError, reasonOf } from '../../errors.ts';
import { lookupCredentials, type CredentialOptions } from './credentials.ts';
import { saveFromDaemon } from './daemon.ts';
import { openDockerArchive } from './docker-archive.ts';
import type { ImageHandle, OpenedRef, OpenNote, PlatformChoice } from './image.ts';
import { sniffCompression } from './layer-scan.ts';
import { openLayout } from './layout.ts';
import { openRegistryImage } from './pull.ts';
import { DOCKER_HUB, type ImageRef } from './reference.ts';
import { createRegistryClient, type RegistryClient } from './registry.ts';
import { NotATarError } from './tar-index.ts';
import { archiveTree, folderTree, type FileTree } from './tree.ts';

export interface OpenContext {
  readonly choice: PlatformChoice;
  /** Registries reached over plain HTTP (--insecure-registry HOST[:PORT]). */
  readonly insecure: ReadonlySet<string>;
  readonly credentials: Omit<CredentialOptions, 'warn'>;
  readonly signal: AbortSignal;
  readonly userAgent: string;
  readonly cwd: string;
  /** One client per registry for the whole run, so a token is asked for once. */
  readonly clients: Map<string, RegistryClient>;
  /** Registry-client knobs for tests (timeouts, retries). */
  readonly registryTuning?: {
    readonly attempts?: number;
    readonly maxRetryWaitMs?: number;
    readonly timeoutMs?: number;
  };
}

const ARCHIVE_HINT: Record<'docker-archive' | 'oci-archive', string> = {
  'docker-archive':
    'docker-archive: reads the tarball that `docker save -o FILE IMAGE` or `skopeo copy … docker-archive:FILE` writes',
  'oci-archive': 'oci-archive: reads a tar of an OCI layout, as `skopeo copy … oci-archive:FILE` writes',
};

function notAFile(transport: string, shown: string): ScanError {
  return new ScanError(
    `${transport}:${shown} is not a regular file (a pipe or a device): keyspill seeks to each layer in the archive`,
    `write it to a file first, e.g. docker save -o image.tar IMAGE, then scan ${transport}:image.tar`,
  );
}

async function openArchive(
  transport: 'docker-archive' | 'oci-archive',
  path: string,
  shown: string,
): Promise<FileTree> {
  let head: Buffer;
  try {
    const fh = await openFile(path, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory())
        throw new ScanError(
          `${transport}:${shown} is a folder, not an archive`,
          transport === 'oci-archive' ? `scan the layout folder as oci:${shown}` : ARCHIVE_HINT[transport],
        );
      if (!st.isFile()) throw notAFile(transport, shown);
      const b = Buffer.alloc(8);
      const { bytesRead } = await fh.read(b, 0, 8, 0);
      head = b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof ScanError) throw e;
    // A socket on stdin (`/dev/stdin` under some process managers) cannot even be opened.
    if (reasonOf(e) === 'ENXIO') throw notAFile(transport, shown);
    throw new ScanError(`${transport}:${shown}: cannot open ${path}: ${reasonOf(e)}`, 'check the path', {
      cause: e,
    });
  }
  const compression = sniffCompression(head);
  if (compression !== 'none')
    throw new ScanError(
      `${transport}:${shown} is ${compression}-compressed; keyspill reads the tar itself (it seeks to each layer)`,
      compression === 'gzip'
        ? `decompress it first: gzip -dc ${shown} > image.tar, then scan ${transport}:image.tar`
        : ARCHIVE_HINT[transport],
    );
  try {
    return await archiveTree(path);
  } catch (e) {
    if (e instanceof NotATarError)
      throw new ScanError(`${transport}:${shown}: ${e.message}`, ARCHIVE_HINT[transport], { cause: e });
    throw new ScanError(`${transport}:${shown}: ${(e as Error).message}`, undefined, { cause: e });
  }
}

async function layoutFolder(path: string, shown: string): Promise<FileTree> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new ScanError(
      `oci:${shown}: ${reasonOf(e) === 'ENOENT' ? 'no such folder' : reasonOf(e)}`,
      'oci: names an OCI layout folder (oci-layout, index.json, blobs/)',
      { cause: e },
    );
  }
  if (!isDir)
    throw new ScanError(
      `oci:${shown} is a file, not a layout folder`,
      `for a tarball, use oci-archive:${shown} or docker-archive:${shown}`,
    );
  return folderTree(path);
}

/** A cut archive that still holds what its images need: said, not failed (a missing layer fails on its own). */
function noteTruncated(tree: FileTree, shown: string, notes: OpenNote[]): void {
  const t = tree.truncated;
  if (t !== undefined)
    notes.push({
      note: `${shown}: the archive is truncated (it ends inside ${t.name} at byte ${t.offset}); what the images need comes before the cut`,
      incomplete: false,
    });
}

function client(ctx: OpenContext, registry: string, notes: OpenNote[]): RegistryClient {
  let c = ctx.clients.get(registry);
  if (c === undefined) {
    c = createRegistryClient({
      registry,
      insecure:
        ctx.insecure.has(registry) || (registry === DOCKER_HUB && ctx.insecure.has('registry-1.docker.io')),
      credentials: () =>
        lookupCredentials(registry, {
          ...ctx.credentials,
          warn: (note) => notes.push({ note, incomplete: false }),
        }),
      signal: ctx.signal,
      userAgent: ctx.userAgent,
      ...ctx.registryTuning,
    });
    ctx.clients.set(registry, c);
  }
  return c;
}

/** Opens a reference: its images (several for an archive of many, an index with --all-platforms), notes, cleanup. */
export async function openRef(ref: ImageRef, ctx: OpenContext): Promise<OpenedRef> {
  const notes: OpenNote[] = [];
  const done = (images: ImageHandle[], close: () => Promise<void>): OpenedRef => ({ images, notes, close });
  switch (ref.transport) {
    case 'docker': {
      const images = await openRegistryImage(client(ctx, ref.registry, notes), ref, ctx.choice, notes);
      return done(images, async () => {});
    }
    case 'oci': {
      const tree = await layoutFolder(resolve(ctx.cwd, ref.path), ref.path);
      return done(await openLayout(tree, ref, ctx.choice, notes), () => tree.close());
    }
    case 'oci-archive': {
      const tree = await openArchive('oci-archive', resolve(ctx.cwd, ref.path), ref.path);
      try {
        const images = await openLayout(tree, ref, ctx.choice, notes);
        noteTruncated(tree, `oci-archive:${ref.path}`, notes);
        return done(images, () => tree.close());
      } catch (e) {
        await tree.close();
        throw e;
      }
    }
    case 'docker-archive': {
      const tree = await openArchive('docker-archive', resolve(ctx.cwd, ref.path), ref.path);
      try {
        const images = await openDockerArchive(tree, ref, ctx.choice, notes);
        noteTruncated(tree, `docker-archive:${ref.path}`, notes);
        return done(images, () => tree.close());
      } catch (e) {
        await tree.close();
        throw e;
      }
    }
    case 'docker-daemon': {
      const saved = await saveFromDaemon(ref.name, ctx.signal);
      try {
        const tree = await archiveTree(saved.file);
        const images = await openDockerArchive(
          tree,
          { transport: 'docker-archive', path: saved.file, name: undefined, index: undefined },
          ctx.choice,
          notes,
        );
        // Reports name the daemon image, not the temporary file.
        const named = images.map((img) => ({ ...img, image: `docker-daemon:${ref.name}` }));
        return done(named, async () => {
          await tree.close();
          await saved.remove();
        });
      } catch (e) {
        await saved.remove();
        throw e;
      }
    }
  }
}
