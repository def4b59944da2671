// Decoders: find base64, hex and percent-encoded runs in text and decode those that turn into text.
import type { Encoding } from '../model/match.ts';

export interface EncodedRun {
  readonly start: number;
  readonly end: number;
  readonly encoding: Encoding;
  readonly decoded: string;
}

export const MIN_BASE64_RUN = 24;
const MIN_HEX_RUN = 32;
const MIN_DECODED = 12;
const MAX_RUN = 1 << 20;

/** Character classes over ASCII: bit 1 base64 (standard and url-safe), bit 2 hex. */
const CLASS = new Uint8Array(128);
/** Base64 digit values (standard and url-safe alphabets). */
const B64_VALUE = new Int8Array(128).fill(-1);
{
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < std.length; i++) B64_VALUE[std.charCodeAt(i)] = i;
  B64_VALUE[43] = B64_VALUE[45] = 62; // + -
  B64_VALUE[47] = B64_VALUE[95] = 63; // / _
  for (let c = 0; c < 128; c++) if (B64_VALUE[c]! >= 0) CLASS[c] = 1;
  for (const c of '0123456789abcdefABCDEF') CLASS[c.charCodeAt(0)]! |= 2;
}
/** 1 for characters of the base64 alphabets (standard and url-safe), over ASCII. */
export const BASE64_CLASS = CLASS.map((v) => v & 1);

function printableByte(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** True when bytes are (almost all) printable ASCII text: the only decodings worth scanning. */
function printable(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_DECODED) return false;
  let ok = 0;
  for (const b of bytes) if (printableByte(b)) ok++;
  return ok / bytes.length >= 0.95;
}

/** Cheap test on the first two quads: base64 of text decodes to printable bytes from the start. */
function base64StartsAsText(text: string, start: number): boolean {
  for (let q = start; q < start + 8; q += 4) {
    const v =
      (B64_VALUE[text.charCodeAt(q)]! << 18) |
      (B64_VALUE[text.charCodeAt(q + 1)]! << 12) |
      (B64_VALUE[text.charCodeAt(q + 2)]! << 6) |
      B64_VALUE[text.charCodeAt(q + 3)]!;
    if (!printableByte(v >>> 16) || !printableByte((v >>> 8) & 0xff) || !printableByte(v & 0xff))
      return false;
  }
  return true;
}

/** Cheap test: every high nibble of a hex run of text is 0x2–0x7 (or a tab/newline byte). */
function hexLooksLikeText(text: string, start: number, end: number): boolean {
  let bad = 0;
  for (let i = start; i < end; i += 2) {
    const c = text.charCodeAt(i);
    if (c < 0x32 || c > 0x37) bad++;
  }
  return bad * 20 <= (end - start) / 2;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

const URL_CHAR = /[A-Za-z0-9._~!$&'()*+,;=:@/?%-]/;

/** Percent-encoded tokens: each `%XX` widened to the surrounding URL characters (linear scan). */
function percentRuns(text: string): EncodedRun[] {
  const runs: EncodedRun[] = [];
  let from = 0;
  for (;;) {
    const p = text.indexOf('%', from);
    if (p < 0) break;
    let start = p;
    while (start > 0 && URL_CHAR.test(text[start - 1]!)) start--;
    let end = p + 1;
    while (end < text.length && URL_CHAR.test(text[end]!)) end++;
    from = end + 1;
    const token = text.slice(start, end);
    if ((token.match(/%[0-9A-Fa-f]{2}/g)?.length ?? 0) < 2) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(token);
    } catch {
      continue;
    }
    if (decoded !== token) runs.push({ start, end, encoding: 'percent', decoded });
  }
  return runs;
}

const isHex = (text: string, i: number): boolean => (CLASS[text.charCodeAt(i)]! & 2) !== 0;

/**
 * Hex runs of [from, to) that decode to text. A run long enough holds two sampled positions MIN_HEX_RUN / 2 apart,
 * so a run is measured only where two neighbouring samples are both hex digits (most of a run of letters is read at
 * one character in sixteen).
 */
function hexRuns(text: string, from: number, to: number, runs: EncodedRun[]): void {
  const step = MIN_HEX_RUN >> 1;
  let done = from;
  let before = false;
  for (let p = from; p < to; p += step) {
    const here = isHex(text, p);
    if (here && before && p - step >= done) {
      let h = p;
      while (h > done && isHex(text, h - 1)) h--;
      let i = p + 1;
      while (i < to && isHex(text, i)) i++;
      const end = (i - h) % 2 === 1 ? i - 1 : i;
      if (end - h >= MIN_HEX_RUN && hexLooksLikeText(text, h, end)) {
        const bytes = Buffer.from(text.slice(h, end), 'hex');
        if (printable(bytes)) runs.push({ start: h, end, encoding: 'hex', decoded: latin1(bytes) });
      }
      done = i;
    }
    before = here;
  }
}

/** [start, end) pairs of base64-alphabet runs at least MIN_BASE64_RUN long (the prefilter finds the same). */
export function base64Runs(text: string): number[] {
  const runs: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 128 || CLASS[c] === 0) {
      i++;
      continue;
    }
    const b = i;
    while (++i < n && (c = text.charCodeAt(i)) < 128 && CLASS[c] !== 0);
    if (i - b >= MIN_BASE64_RUN) runs.push(b, i);
  }
  return runs;
}

/** Encoded runs in `text` whose decoding is printable text, given its base64-alphabet runs. */
export function findEncoded(text: string, runs: readonly number[] = base64Runs(text)): EncodedRun[] {
  const found: EncodedRun[] = [];
  const n = text.length;
  for (let r = 0; r < runs.length; r += 2) {
    const b = runs[r]!;
    const i = runs[r + 1]!;
    const bodyLen = i - b;
    if (bodyLen > MAX_RUN) continue;
    let end = i;
    while (end < n && end - i < 2 && text.charCodeAt(end) === 61) end++; // '=' padding
    if (bodyLen % 4 !== 1 && base64StartsAsText(text, b)) {
      const bytes = Buffer.from(text.slice(b, end), 'base64');
      if (printable(bytes)) found.push({ start: b, end, encoding: 'base64', decoded: latin1(bytes) });
    }
    if (bodyLen >= MIN_HEX_RUN) hexRuns(text, b, i, found);
  }
  if (text.includes('%')) found.push(...percentRuns(text));
  return found;
}
