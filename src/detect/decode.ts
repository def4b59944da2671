// Decoders: find base64, hex and percent-encoded runs in text and decode those that turn into text.
import type { Encoding } from '../model/match.ts';

export interface EncodedRun {
  readonly start: number;
  readonly end: number;
  readonly encoding: Encoding;
  readonly decoded: string;
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX_RUN = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;
const MIN_DECODED = 12;
const MAX_RUN = 1 << 20;

/** True when bytes are (almost all) printable ASCII text: the only decodings worth scanning. */
function printable(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_DECODED) return false;
  let ok = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) ok++;
  return ok / bytes.length >= 0.95;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
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

/** Encoded runs in `text` whose decoding is printable text. */
export function findEncoded(text: string): EncodedRun[] {
  const runs: EncodedRun[] = [];
  for (const m of text.matchAll(BASE64_RUN)) {
    if (m[0].length > MAX_RUN) continue;
    const bytes = Buffer.from(m[0], 'base64');
    if (printable(bytes))
      runs.push({ start: m.index, end: m.index + m[0].length, encoding: 'base64', decoded: latin1(bytes) });
  }
  for (const m of text.matchAll(HEX_RUN)) {
    if (m[0].length > MAX_RUN) continue;
    const bytes = hexBytes(m[0]);
    if (printable(bytes))
      runs.push({ start: m.index, end: m.index + m[0].length, encoding: 'hex', decoded: latin1(bytes) });
  }
  if (text.includes('%')) runs.push(...percentRuns(text));
  return runs;
}
