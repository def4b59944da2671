// Content policy shared by every source: bytes → fragments to scan (windowed past 32 MiB), or a counted skip.
import type { Fragment } from '../model/fragment.ts';
import type { Provenance } from '../model/provenance.ts';
import { archiveKind, type ArchiveKind } from './archive-kind.ts';
import { EncodedFragment, type FragmentMeta } from './encoded-fragment.ts';
import { keystoreText } from './keystore.ts';
import { cutPoint, decode, detectEncoding, type Detected } from './text-encoding.ts';
import type { SourceEvent } from './types.ts';

/** What every source applies to the bytes it reads (from --max-file-size and --include-binary). */
export interface ContentPolicy {
  readonly maxFileSize: number;
  readonly includeBinary: boolean;
  /** Window size for large items (default WINDOW_BYTES; smaller in tests). */
  readonly windowBytes?: number;
  /** Bytes each window shares with the next (default OVERLAP_BYTES): at least the longest possible match. */
  readonly overlapBytes?: number;
}

/** One item a source read: where it is, and what to call it in a skip message (`blob 1a2b3c4d5e6f`). */
export interface ContentItem {
  readonly path: string;
  readonly provenance: Provenance;
  /** Prefix of skip details, naming the item when its path alone does not (a git blob id). */
  readonly label?: string | undefined;
  /** Lines the scan should report (staged changes: only added lines). */
  readonly lines?: Fragment['lines'];
  /** The path inside an archive, when the item is a member of one (nested archives joined with `!/`). */
  readonly member?: string | undefined;
}

/** Archives inside archives are opened to this depth. */
export const MAX_ARCHIVE_DEPTH = 3;

/** Bytes one archive (with the archives nested in it) may inflate to: 256 MiB, or 10x --max-file-size if more. */
export function archiveBudget(policy: ContentPolicy): number {
  return Math.max(256 * 1024 * 1024, 10 * policy.maxFileSize);
}

/** How deep in archives an item is, and the inflation budget its outermost archive shares. */
interface Nesting {
  readonly depth: number;
  readonly budget: { remaining: number };
  readonly total: number;
}

/** The path an item is shown at: `archive.zip!/inner/file` for a member. */
function shown(item: ContentItem): string {
  return item.member === undefined ? item.path : `${item.path}!/${item.member}`;
}

/**
 * Items larger than this are scanned in overlapping windows, so memory stays bounded and no string outgrows V8's
 * limit (~512 MiB): a 1 GB file is 32 windows, not one string.
 */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** Shared by consecutive windows: far more than the longest match a built-in rule allows (64 KiB). */
export const OVERLAP_BYTES = 256 * 1024;

const SNIFF = 8000;

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF).indexOf(0) !== -1;
}

/** Decodes UTF-8; invalid sequences become U+FFFD so the rest of the file is still scanned. */
export function decodeText(bytes: Uint8Array): string {
  return decode(bytes, 'utf-8');
}

function memberSkip(
  item: ContentItem,
  reason: 'too-large' | 'corrupt' | 'unreadable',
  text: string,
  incomplete: boolean,
): SourceEvent {
  return { type: 'skip', incomplete, skipped: { path: shown(item), reason, detail: detail(item, text) } };
}

/** An archive's members, each through the same policy (archives inside it opened in turn, to MAX_ARCHIVE_DEPTH). */
async function* archiveEvents(
  bytes: Uint8Array,
  kind: ArchiveKind,
  policy: ContentPolicy,
  item: ContentItem,
  nesting: Nesting,
): AsyncGenerator<SourceEvent> {
  if (nesting.depth >= MAX_ARCHIVE_DEPTH) {
    yield memberSkip(
      item,
      'too-large',
      `an archive nested more than ${MAX_ARCHIVE_DEPTH} deep: not opened`,
      false,
    );
    return;
  }
  const { archiveMembers } = await import('./archive.ts');
  const limits = { maxMemberBytes: policy.maxFileSize, budget: nesting.budget };
  for await (const m of archiveMembers(bytes, kind, item.member ?? item.path, limits, nesting.total)) {
    const member =
      m.name === '' ? item.member : item.member === undefined ? m.name : `${item.member}!/${m.name}`;
    const inner: ContentItem = { ...item, ...(member === undefined ? {} : { member }) };
    if (m.type === 'skip') {
      yield memberSkip(inner, m.reason, m.detail, m.incomplete);
      // Damage and bombs stop the archive: say it where every report shows it, not only in the skip list.
      if (m.incomplete) yield { type: 'note', note: `${shown(inner)}: ${m.detail}`, incomplete: true };
    } else yield* contentEvents(m.bytes, policy, inner, { ...nesting, depth: nesting.depth + 1 });
  }
}

function detail(item: ContentItem, text: string): string {
  return item.label === undefined ? text : `${item.label}: ${text}`;
}

/** The skip for an item over the size limit, or undefined when it may be read (sources that know sizes first). */
export function sizeSkip(size: number, policy: ContentPolicy, item: ContentItem): SourceEvent | undefined {
  if (size <= policy.maxFileSize) return undefined;
  return {
    type: 'skip',
    incomplete: false,
    skipped: {
      path: shown(item),
      reason: 'too-large',
      detail: detail(item, `${size} bytes > --max-file-size ${policy.maxFileSize}`),
    },
  };
}

function binarySkip(item: ContentItem): SourceEvent {
  return {
    type: 'skip',
    incomplete: false,
    skipped: {
      path: shown(item),
      reason: 'binary',
      detail: detail(item, 'NUL byte in the first 8000 bytes (--include-binary to scan)'),
    },
  };
}

const UTF8: Detected = { encoding: 'utf-8', bom: 0 };

/** How to read an item's bytes as text, from its first bytes; undefined when it is binary (and not wanted). */
function classify(head: Uint8Array, policy: ContentPolicy): Detected | undefined {
  if (policy.includeBinary) return UTF8;
  // The common case first, natively: no NUL byte and no UTF-16/32 byte-order mark is UTF-8 text.
  const sniff = head.subarray(0, SNIFF);
  if (
    sniff.indexOf(0) === -1 &&
    !(sniff[0] === 0xff && sniff[1] === 0xfe) &&
    !(sniff[0] === 0xfe && sniff[1] === 0xff)
  )
    return sniff[0] === 0xef && sniff[1] === 0xbb && sniff[2] === 0xbf ? { encoding: 'utf-8', bom: 3 } : UTF8;
  const d = detectEncoding(head);
  if (d.encoding === 'utf-8') return looksBinary(head) ? undefined : d;
  // UTF-16/32 text is full of NUL bytes; NUL characters after decoding mean binary.
  return decode(head.subarray(d.bom, Math.min(head.length, SNIFF)), d.encoding).includes('\0')
    ? undefined
    : d;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The common case without a generator: an item that fits in one window and is not an archive gives exactly one
 * event, decided synchronously (most files and blobs). Undefined when `contentEvents` is needed (archives, windows).
 */
export function simpleContentEvent(
  bytes: Uint8Array,
  policy: ContentPolicy,
  item: ContentItem,
  /** Decode only when the text is read (see EncodedFragment): for `bytes` nothing else writes to. */
  lazy = false,
): SourceEvent | undefined {
  const tooLarge = sizeSkip(bytes.length, policy, item);
  if (tooLarge !== undefined) return tooLarge;
  if (
    bytes.length > (policy.windowBytes ?? WINDOW_BYTES) ||
    archiveKind(bytes.subarray(0, 512)) !== undefined
  )
    return undefined;
  const detected = classify(bytes.subarray(0, SNIFF), policy);
  if (detected === undefined) return keystoreEvent(bytes, item) ?? binarySkip(item);
  const body = bytes.subarray(detected.bom);
  const fragment = lazy
    ? new EncodedFragment(fragmentMeta(item), body, detected.encoding)
    : itemFragment(item, decode(body, detected.encoding));
  return { type: 'fragment', bytes: bytes.length, fragment };
}

/** A fragment of `item` holding `text`: where it was seen, the archive member and line map it carries, and `at`. */
function itemFragment(
  item: ContentItem,
  text: string,
  at: Pick<Fragment, 'firstLine' | 'firstColumn' | 'reportBefore'> = {},
): Fragment {
  return { text, ...fragmentMeta(item, at) };
}

function fragmentMeta(
  item: ContentItem,
  at: Pick<Fragment, 'firstLine' | 'firstColumn' | 'reportBefore'> = {},
): FragmentMeta {
  return {
    path: item.path,
    provenance: item.provenance,
    ...(item.member === undefined ? {} : { member: item.member }),
    ...at,
    ...(item.lines === undefined ? {} : { lines: item.lines }),
  };
}

/** The one decision every source makes about bytes it read: fragments to scan, or a counted skip. */
export async function* contentEvents(
  bytes: Uint8Array,
  policy: ContentPolicy,
  item: ContentItem,
  nesting?: Nesting,
): AsyncGenerator<SourceEvent> {
  // Most items are decided at once; past this, an archive or an item larger than a window (size already checked).
  const simple = simpleContentEvent(bytes, policy, item);
  if (simple !== undefined) {
    yield simple;
    return;
  }
  const kind = archiveKind(bytes.subarray(0, 512));
  if (kind !== undefined) {
    const total = archiveBudget(policy);
    yield* archiveEvents(
      bytes,
      kind,
      policy,
      item,
      nesting ?? { depth: 0, budget: { remaining: total }, total },
    );
    return;
  }
  const keystore = keystoreEvent(bytes, item);
  if (keystore !== undefined) {
    yield keystore;
    return;
  }
  yield* streamContent(once(bytes), policy, item);
}

/** A key container is binary; it is scanned as base64 text so that the keystore format can report the file. */
function keystoreEvent(bytes: Uint8Array, item: ContentItem): SourceEvent | undefined {
  const text = keystoreText(bytes, item.member ?? item.path);
  if (text === undefined) return undefined;
  return { type: 'fragment', bytes: bytes.length, fragment: itemFragment(item, text) };
}

/**
 * Where the next window starts: `overlap` bytes before this one ends, moved to the start of a line when one begins in
 * the first half of the overlap (a match rarely spans lines, and a lookbehind then sees what it would have seen).
 */
function nextWindowStart(buf: Uint8Array, end: number, overlap: number, min: number, d: Detected): number {
  const at = end - overlap;
  if (d.encoding === 'utf-8') {
    const nl = buf.indexOf(0x0a, at);
    if (nl !== -1 && nl < at + overlap / 2) return nl + 1;
  }
  return cutPoint(buf, at, min, d.encoding);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The same decision over a stream of chunks (stdin, a large file), in bounded memory: an item up to the window size
 * is one fragment; a larger one is cut into windows that overlap by `overlapBytes`, each reporting only the
 * matches that start before the next window begins (so nothing is found twice, and no match longer than the
 * overlap is cut). Line numbers continue across windows. An item over --max-file-size (known only while streaming)
 * is a skip; what was already scanned of it stays scanned, and the skip says so.
 */
export async function* streamContent(
  chunks: AsyncIterable<Uint8Array>,
  policy: ContentPolicy,
  item: ContentItem,
  /** The item was asked for by name (stdin): not scanning it all makes the scan incomplete. */
  requested = false,
): AsyncGenerator<SourceEvent> {
  const window = policy.windowBytes ?? WINDOW_BYTES;
  const overlap = Math.min(policy.overlapBytes ?? OVERLAP_BYTES, Math.floor(window / 2));
  let parts: Uint8Array[] = [];
  let buffered = 0;
  let total = 0;
  let scanned = 0;
  let detected: Detected | undefined;
  let decided = false;
  let line = 1;
  /** Column (UTF-16 units, 1-based) where the next window starts in its line. */
  let column = 1;
  let windows = 0;

  const joined = (): Uint8Array => {
    if (parts.length !== 1) parts = [parts.length === 0 ? new Uint8Array(0) : Buffer.concat(parts)];
    return parts[0]!;
  };
  const fragment = (text: string, bytes: number, reportBefore: number | undefined): SourceEvent => {
    const f = itemFragment(item, text, {
      ...(line === 1 ? {} : { firstLine: line }),
      ...(column === 1 ? {} : { firstColumn: column }),
      ...(reportBefore === undefined ? {} : { reportBefore }),
    });
    scanned += bytes;
    return { type: 'fragment', bytes, fragment: f, ...(windows++ > 0 ? { continued: true } : {}) };
  };
  /** Cuts one full window off the front of the buffer; the next window starts `overlap` bytes before its end. */
  const cutWindow = (): SourceEvent => {
    const buf = joined();
    const start = windows === 0 ? detected!.bom : 0;
    const end = cutPoint(buf, start + window, start, detected!.encoding);
    const next = nextWindowStart(buf, end, overlap, start, detected!);
    const head = decode(buf.subarray(start, next), detected!.encoding);
    const tail = decode(buf.subarray(next, end), detected!.encoding);
    const event = fragment(head + tail, next, head.length);
    line += countNewlines(head);
    const lastNewline = head.lastIndexOf('\n');
    column = lastNewline === -1 ? column + head.length : head.length - lastNewline;
    parts = [buf.subarray(next)];
    buffered = buf.length - next;
    return event;
  };

  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > policy.maxFileSize) {
      const sofar = scanned > 0 ? `; only its first ${scanned} bytes were scanned` : '';
      yield {
        type: 'skip',
        incomplete: requested || scanned > 0,
        skipped: {
          path: shown(item),
          reason: 'too-large',
          detail: detail(item, `more than ${policy.maxFileSize} bytes (--max-file-size)${sofar}`),
        },
      };
      return;
    }
    parts.push(chunk);
    buffered += chunk.length;
    if (!decided && buffered >= SNIFF) {
      decided = true;
      detected = classify(joined(), policy);
      if (detected === undefined) {
        yield binarySkip(item);
        return;
      }
    }
    while (decided && buffered >= window + (windows === 0 ? detected!.bom : 0) + overlap) yield cutWindow();
  }
  if (!decided) {
    detected = classify(joined(), policy);
    if (detected === undefined) {
      yield binarySkip(item);
      return;
    }
  }
  while (buffered > window + (windows === 0 ? detected!.bom : 0)) yield cutWindow();
  const rest = joined();
  const start = windows === 0 ? detected!.bom : 0;
  yield fragment(decode(rest.subarray(start), detected!.encoding), rest.length, undefined);
}
