// Content policy shared by every source: bytes → a fragment to scan, or a counted skip (size, binary, decoding).
import type { Fragment } from '../model/fragment.ts';
import type { Provenance } from '../model/provenance.ts';
import type { SourceEvent } from './types.ts';

/** What every source applies to the bytes it reads (from --max-file-size and --include-binary). */
export interface ContentPolicy {
  readonly maxFileSize: number;
  readonly includeBinary: boolean;
}

/** One item a source read: where it is, and what to call it in a skip message (`blob 1a2b3c4d5e6f`). */
export interface ContentItem {
  readonly path: string;
  readonly provenance: Provenance;
  /** Prefix of skip details, naming the item when its path alone does not (a git blob id). */
  readonly label?: string | undefined;
  /** Lines the scan should report (staged changes: only added lines). */
  readonly lines?: Fragment['lines'];
}

const SNIFF = 8000;

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Decodes UTF-8; invalid sequences become U+FFFD so the rest of the file is still scanned. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
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
      path: item.path,
      reason: 'too-large',
      detail: detail(item, `${size} bytes > --max-file-size ${policy.maxFileSize}`),
    },
  };
}

/** The one decision every source makes about bytes it read: a fragment to scan, or a counted skip. */
export function contentEvent(bytes: Uint8Array, policy: ContentPolicy, item: ContentItem): SourceEvent {
  const tooLarge = sizeSkip(bytes.length, policy, item);
  if (tooLarge !== undefined) return tooLarge;
  if (!policy.includeBinary && looksBinary(bytes)) {
    return {
      type: 'skip',
      incomplete: false,
      skipped: {
        path: item.path,
        reason: 'binary',
        detail: detail(item, 'NUL byte in the first 8000 bytes (--include-binary to scan)'),
      },
    };
  }
  const fragment: Fragment = {
    text: decodeText(bytes),
    path: item.path,
    provenance: item.provenance,
    ...(item.lines === undefined ? {} : { lines: item.lines }),
  };
  return { type: 'fragment', bytes: bytes.length, fragment };
}
