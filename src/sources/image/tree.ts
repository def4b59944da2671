// A read-only tree of files an image is stored in: a folder (OCI layout) or a tar file (docker save, oci-archive).
import { createReadStream } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { reasonOf } from '../../errors.ts';
import { cleanName, indexTar, type TarIndex, type TarMember } from './tar-index.ts';

export interface TreeFile {
  readonly stream: Readable;
  readonly size: number;
}

export interface FileTree {
  /** The folder or archive, for messages. */
  readonly where: string;
  /** A member's bytes, or undefined when it does not exist; an Error when it is larger than `max`. */
  read(path: string, max: number): Promise<Buffer | undefined>;
  /** A member's bytes as a stream, or undefined when it does not exist. */
  open(path: string): Promise<TreeFile | undefined>;
  has(path: string): Promise<boolean>;
  /** Set for an archive that ends inside a member. */
  readonly truncated: TarIndex['truncated'];
  close(): Promise<void>;
}

export class TooLargeError extends Error {}

const HIGH_WATER = 1 << 20;

/** An OCI layout folder: paths are built from validated digests, never from untrusted names. */
export function folderTree(root: string): FileTree {
  return {
    where: root,
    truncated: undefined,
    async read(path, max) {
      const file = join(root, path);
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      if (size > max) throw new TooLargeError(`${path} is ${size} bytes (more than ${max})`);
      return readFile(file);
    },
    async open(path) {
      const file = join(root, path);
      let size: number;
      try {
        const st = await stat(file);
        if (!st.isFile()) return undefined;
        size = st.size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      return { stream: createReadStream(file, { highWaterMark: HIGH_WATER }), size };
    },
    async has(path) {
      try {
        await stat(join(root, path));
        return true;
      } catch {
        return false;
      }
    },
    async close() {},
  };
}

/** Follows symbolic and hard links between members (skopeo writes `<id>/layer.tar` as links), at most 8 hops. */
function resolveMember(index: TarIndex, path: string): TarMember | undefined {
  let name = cleanName(path);
  for (let hop = 0; hop < 8; hop++) {
    const m = index.members.get(name);
    if (m === undefined) return undefined;
    if (m.type === 'file') return m;
    if (m.type === 'symlink') {
      const target = m.linkname.startsWith('/') ? m.linkname : posix.join(posix.dirname(m.name), m.linkname);
      name = cleanName(posix.normalize(target).replace(/^\/+/, ''));
    } else if (m.type === 'link') {
      name = cleanName(m.linkname);
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Opens a tar file and indexes its members by reading headers only. */
export async function archiveTree(file: string): Promise<FileTree> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new Error(`cannot open ${file}: ${reasonOf(e)}`, { cause: e });
  }
  let index: TarIndex;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    index = await indexTar(fh, st.size);
  } catch (e) {
    await fh.close();
    throw e;
  }
  const member = (path: string): TarMember | undefined => resolveMember(index, path);
  return {
    where: file,
    truncated: index.truncated,
    async read(path, max) {
      const m = member(path);
      if (m === undefined) return undefined;
      if (m.size > max) throw new TooLargeError(`${path} is ${m.size} bytes (more than ${max})`);
      const b = Buffer.alloc(m.size);
      const { bytesRead } = await fh.read(b, 0, m.size, m.offset);
      return bytesRead === m.size ? b : b.subarray(0, bytesRead);
    },
    async open(path) {
      const m = member(path);
      if (m === undefined) return undefined;
      const stream =
        m.size === 0
          ? Readable.from([])
          : createReadStream(file, {
              start: m.offset,
              end: m.offset + m.size - 1,
              highWaterMark: HIGH_WATER,
            });
      return { stream, size: m.size };
    },
    async has(path) {
      return member(path) !== undefined;
    },
    async close() {
      await fh.close();
    },
  };
}
