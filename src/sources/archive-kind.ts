// Archive formats by magic number: what `sources/archive.ts` can open.

export type ArchiveKind = 'zip' | 'tar' | 'gzip';

/** The archive format of bytes, by magic number (names are not trusted: a .jar is a zip, a .docx too). */
export function archiveKind(head: Uint8Array): ArchiveKind | undefined {
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  )
    return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}
