// Index of a tar file's entries read from headers alone (data is skipped by seeking), for random access to its members.
import type { FileHandle } from 'node:fs/promises';

export interface TarMember {
  /** Entry name without a leading `./`. */
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'link' | 'other';
  /** Byte offset of the member's data in the tar file. */
  readonly offset: number;
  readonly size: number;
  readonly linkname: string;
}

export interface TarIndex {
  readonly members: ReadonlyMap<string, TarMember>;
  /** Set when the file ends inside a member (a truncated archive): the member and where it was cut. */
  readonly truncated: { readonly name: string; readonly offset: number } | undefined;
}

export class NotATarError extends Error {}

const BLOCK = 512;

function cString(b: Buffer, start: number, end: number): string {
  const field = b.subarray(start, end);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

function numeric(b: Buffer, start: number, end: number): number {
  const field = b.subarray(start, end);
  if ((field[0]! & 0x80) !== 0) {
    // GNU base-256: big-endian, the top bit of the first byte flags it.
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const s = cString(b, start, end).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return stored === sum;
}

/** `len key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let off = 0;
  while (off < data.length) {
    const space = data.indexOf(0x20, off);
    if (space < 0) break;
    const len = Number(data.subarray(off, space).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= 0) break;
    const record = data.subarray(space + 1, off + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    off += len;
  }
  return out;
}

const MAX_META = 1 << 20;

function typeOf(flag: string): TarMember['type'] {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'link';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    default:
      return 'other';
  }
}

export const cleanName = (name: string): string => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/**
 * Reads every header of a tar file (ustar, GNU long names, pax), seeking past member data, so a multi-gigabyte
 * archive is indexed by reading a few kilobytes. Throws NotATarError when the first block is not a tar header.
 */
export async function indexTar(fh: FileHandle, fileSize: number): Promise<TarIndex> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;
  let globalPax = new Map<string, string>();
  let last = '';
  while (pos + BLOCK <= fileSize) {
    const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
    if (bytesRead < BLOCK) break;
    if (header.every((x) => x === 0)) return { members, truncated: undefined };
    if (!checksumOk(header)) {
      if (pos === 0) throw new NotATarError('not a tar archive (the first block is not a tar header)');
      throw new NotATarError(`corrupt tar header at byte ${pos}`);
    }
    const size = numeric(header, 124, 136);
    if (!Number.isFinite(size)) throw new NotATarError(`corrupt tar header at byte ${pos} (bad size)`);
    const flag = String.fromCharCode(header[156]!);
    const dataAt = pos + BLOCK;
    const next = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    const meta = async (): Promise<Buffer> => {
      if (size > MAX_META)
        throw new NotATarError(`tar metadata entry at byte ${pos} is too large (${size} bytes)`);
      const b = Buffer.alloc(size);
      await fh.read(b, 0, size, dataAt);
      return b;
    };
    if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
      if (dataAt + size > fileSize) return { members, truncated: { name: '(tar metadata)', offset: pos } };
      const data = await meta();
      if (flag === 'L') longName = cString(data, 0, data.length);
      else if (flag === 'K') longLink = cString(data, 0, data.length);
      else if (flag === 'x') pax = paxRecords(data);
      else globalPax = paxRecords(data);
      pos = next;
      continue;
    }
    const magic = header.subarray(257, 262).toString('latin1');
    const prefix = magic === 'ustar' ? cString(header, 345, 500) : '';
    const base = cString(header, 0, 100);
    let name = longName ?? (prefix === '' ? base : `${prefix}/${base}`);
    let linkname = longLink ?? cString(header, 157, 257);
    let realSize = size;
    const ext = new Map([...globalPax, ...(pax ?? [])]);
    if (ext.has('path')) name = ext.get('path')!;
    if (ext.has('linkpath')) linkname = ext.get('linkpath')!;
    if (ext.has('size')) realSize = Number(ext.get('size'));
    longName = longLink = pax = undefined;
    const member: TarMember = {
      name: cleanName(name),
      type: typeOf(flag),
      offset: dataAt,
      size: realSize,
      linkname,
    };
    if (dataAt + realSize > fileSize) return { members, truncated: { name: member.name, offset: pos } };
    members.set(member.name, member);
    last = member.name;
    pos = dataAt + Math.ceil(realSize / BLOCK) * BLOCK;
  }
  if (pos === 0) throw new NotATarError('not a tar archive (shorter than one tar header)');
  // Ending inside a header or inside a member's padding is a cut archive; ending right after a whole member (no
  // end-of-archive blocks) is tolerated.
  if (pos < fileSize) return { members, truncated: { name: '(a tar header)', offset: pos } };
  if (pos > fileSize) return { members, truncated: { name: `the padding after ${last}`, offset: fileSize } };
  return { members, truncated: undefined };
}
