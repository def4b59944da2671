// Text encodings of scanned bytes: UTF-8 (default), UTF-16 and UTF-32 (LE/BE, with or without BOM), found and decoded.

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

export interface Detected {
  readonly encoding: TextEncoding;
  /** Bytes of byte-order mark to skip. */
  readonly bom: number;
}

/** Bytes per code unit: windows are cut on a multiple of this. */
export function unitSize(e: TextEncoding): number {
  return e === 'utf-8' ? 1 : e.startsWith('utf-16') ? 2 : 4;
}

/**
 * The encoding of `head` (the first bytes of an item): a byte-order mark when there is one; else the NUL pattern of
 * mostly-ASCII UTF-16 (`x 00 x 00`) or UTF-32 (`x 00 00 00`) text, which Windows tools (PowerShell, regedit, some
 * .config writers) produce; else UTF-8.
 */
export function detectEncoding(head: Uint8Array): Detected {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return { encoding: 'utf-32le', bom: 4 };
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return { encoding: 'utf-32be', bom: 4 };
  if (b(0) === 0xff && b(1) === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b(0) === 0xfe && b(1) === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf) return { encoding: 'utf-8', bom: 3 };
  const n = Math.min(head.length, 8000) & ~3;
  if (n < 8) return { encoding: 'utf-8', bom: 0 };
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (head[i] === 0) zeros[i & 3]!++;
  const groups = n / 4;
  const mostly = (c: number): boolean => c >= groups * 0.9;
  const rarely = (c: number): boolean => c <= groups * 0.05;
  const [z0, z1, z2, z3] = zeros as [number, number, number, number];
  if (rarely(z0) && mostly(z1) && mostly(z2) && mostly(z3)) return { encoding: 'utf-32le', bom: 0 };
  if (mostly(z0) && mostly(z1) && mostly(z2) && rarely(z3)) return { encoding: 'utf-32be', bom: 0 };
  // UTF-16: half the bytes are zero, all on one side; text outside Latin-1 lowers the count, so ask for 70%.
  const pairs = n / 2;
  const odd = z1 + z3;
  const even = z0 + z2;
  if (odd >= pairs * 0.7 && even <= pairs * 0.05) return { encoding: 'utf-16le', bom: 0 };
  if (even >= pairs * 0.7 && odd <= pairs * 0.05) return { encoding: 'utf-16be', bom: 0 };
  return { encoding: 'utf-8', bom: 0 };
}

const decoders = {
  'utf-8': new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }),
  'utf-16le': new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true }),
  'utf-16be': new TextDecoder('utf-16be', { fatal: false, ignoreBOM: true }),
} as const;

/** UTF-32: TextDecoder has none; invalid code points become U+FFFD. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  const batch: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    batch.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (batch.length === 8192) {
      parts.push(String.fromCodePoint(...batch));
      batch.length = 0;
    }
  }
  if (batch.length > 0) parts.push(String.fromCodePoint(...batch));
  if (bytes.length % 4 !== 0) parts.push('\ufffd');
  return parts.join('');
}

/** Decodes bytes (no BOM) in `encoding`; invalid sequences become U+FFFD so the rest is still scanned. */
export function decode(bytes: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return decodeUtf32(bytes, encoding === 'utf-32le');
  return decoders[encoding].decode(bytes);
}

/**
 * The largest offset ≤ `at` (and > `min`) where the bytes can be cut without splitting a character: a UTF-8 lead
 * byte, a code-unit boundary not between the two halves of a UTF-16 surrogate pair. `min` when there is none.
 */
export function cutPoint(bytes: Uint8Array, at: number, min: number, encoding: TextEncoding): number {
  const unit = unitSize(encoding);
  let p = min + Math.floor((at - min) / unit) * unit;
  if (encoding === 'utf-8') {
    // Back up over continuation bytes (10xxxxxx): at most 3 for a valid sequence.
    for (let k = 0; k < 4 && p > min && ((bytes[p] ?? 0) & 0xc0) === 0x80; k++) p--;
    return p;
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const hi = encoding === 'utf-16le' ? (bytes[p + 1] ?? 0) : (bytes[p] ?? 0);
    // A low surrogate (DC00–DFFF) belongs with the unit before it.
    if (hi >= 0xdc && hi <= 0xdf && p - 2 > min) p -= 2;
  }
  return p;
}
