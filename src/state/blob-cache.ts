// The git scan cache: ids of blobs already scanned clean (or binary) under one ruleset, so a rescan never reads them.
//
// One file per ruleset hash (rules, allowlists, engine and content options): changing any of them starts a new
// cache. It holds blob ids only, never content: blobs with findings are never taken for clean (they are read and
// scanned again, which keeps the report exact); their ids are kept apart so that the next run can start attributing
// them (which commit introduced them) while it lists history. An id is a one-way hash of the whole blob, like a
// finding's fingerprint: it reveals nothing of the secret. Written to a temporary file then renamed, so
// concurrent runs never see half a file; checksummed, so a damaged file is ignored (with a note), never trusted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './dir.ts';

const MAGIC = 'keyspill-blob-cache';
const VERSION = 2;
/** Blob ids kept at most (SHA-1: 20 bytes each, so ~40 MB); past it the file keeps what the last scan saw. */
export const MAX_CACHED_BLOBS = 2_000_000;

/**
 * A hash of everything that decides what a blob scan finds. The parts are built the same way from the same rule
 * files every time (stable key order), so plain JSON is stable; a change anywhere starts a new cache.
 */
export function rulesetKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

export interface BlobCache {
  readonly file: string;
  /** Blob ids scanned clean earlier (hex). */
  readonly clean: ReadonlySet<string>;
  /** Blob ids skipped as binary earlier. */
  readonly binary: ReadonlySet<string>;
  /** Blob ids that had findings last time (ids only): their attribution can start before they are read again. */
  readonly matched: ReadonlySet<string>;
  /** Set when the file existed but could not be trusted (it is then ignored and rewritten). */
  readonly problem: string | undefined;
}

function cacheFile(dir: string, key: string): string {
  return join(dir, `blobs-${key}.bin`);
}

function parse(buf: Buffer, key: string): { clean: Set<string>; binary: Set<string>; matched: Set<string> } {
  const nl = buf.indexOf(0x0a);
  if (nl < 0 || nl > 4096) throw new Error('no header');
  const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
  if (h['magic'] !== MAGIC || h['version'] !== VERSION)
    throw new Error('not a keyspill cache of this version');
  if (h['ruleset'] !== key) throw new Error('made for another ruleset');
  const width = h['oidBytes'];
  const clean = h['clean'];
  const binary = h['binary'];
  const matched = h['matched'];
  if (
    (width !== 20 && width !== 32) ||
    typeof clean !== 'number' ||
    typeof binary !== 'number' ||
    typeof matched !== 'number'
  )
    throw new Error('bad header');
  const body = buf.subarray(nl + 1);
  if (body.length !== (clean + binary + matched) * width) throw new Error('truncated');
  if (createHash('sha256').update(body).digest('hex') !== h['sha256']) throw new Error('checksum mismatch');
  const read = (from: number, n: number): Set<string> => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(body.toString('hex', (from + i) * width, (from + i + 1) * width));
    return out;
  };
  return { clean: read(0, clean), binary: read(clean, binary), matched: read(clean + binary, matched) };
}

/** Loads the cache for `key` from `dir`; a missing file is an empty cache, a damaged one an empty cache with a problem. */
export function loadBlobCache(dir: string, key: string): BlobCache {
  const file = cacheFile(dir, key);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return { file, clean: new Set(), binary: new Set(), matched: new Set(), problem: undefined };
  }
  try {
    return { file, ...parse(buf, key), problem: undefined };
  } catch (e) {
    return {
      file,
      clean: new Set(),
      binary: new Set(),
      matched: new Set(),
      problem: `${file}: ${(e as Error).message}`,
    };
  }
}

/** Writes the blob ids (hex) for `key` atomically; bounded by MAX_CACHED_BLOBS. */
export function saveBlobCache(
  dir: string,
  key: string,
  sets: {
    readonly clean: Iterable<string>;
    readonly binary: Iterable<string>;
    readonly matched: Iterable<string>;
  },
): string {
  ensurePrivateDir(dir);
  let room = MAX_CACHED_BLOBS;
  const take = (ids: Iterable<string>): string[] => {
    const out = [...ids].slice(0, room);
    room -= out.length;
    return out;
  };
  const m = take(sets.matched);
  const c = take(sets.clean);
  const b = take(sets.binary);
  const width = (c[0] ?? b[0] ?? m[0] ?? '').length / 2 || 20;
  const ok = (ids: string[]): string[] => ids.filter((o) => o.length === width * 2);
  const [cc, bb, mm] = [ok(c), ok(b), ok(m)];
  const body = Buffer.from([...cc, ...bb, ...mm].join(''), 'hex');
  const header = {
    magic: MAGIC,
    version: VERSION,
    ruleset: key,
    oidBytes: width,
    clean: cc.length,
    binary: bb.length,
    matched: mm.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  const file = cacheFile(dir, key);
  writeFileAtomic(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
  return file;
}
