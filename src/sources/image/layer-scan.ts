// One layer blob as a stream: gzip/zstd/plain by magic bytes, digests checked, inflated bytes bounded, tar entries → events.
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { extract as tarExtract, type Extract } from 'tar-stream';
import type { Provenance } from '../../model/provenance.ts';
import type { SkipReason } from '../../model/result.ts';
import { reasonOf } from '../../errors.ts';
import { archiveKind } from '../archive-kind.ts';
import { contentEvents, sizeSkip, streamContent, type ContentItem, type ContentPolicy } from '../content.ts';
import type { SourceEvent } from '../types.ts';
import { addEntry, entryRole, normaliseEntryPath, type LayerPaths } from './whiteout.ts';

export type Compression = 'gzip' | 'zstd' | 'none' | 'bzip2' | 'xz';

export interface LayerScanOptions {
  /** The blob's bytes as stored (compressed or not). */
  readonly open: () => Promise<Readable>;
  /** The blob digest to check the stored bytes against (undefined when the store does not name one). */
  readonly digest: string | undefined;
  /** The config's diff_id, checked against the uncompressed tar. */
  readonly diffId: string | undefined;
  /** Bound on the uncompressed bytes of this layer (a decompression bomb stops here). */
  readonly maxLayerSize: number;
  readonly policy: ContentPolicy;
  /** Provenance of a file of this layer at `path`. */
  readonly provenance: (path: string) => Provenance;
  /** Names the layer in skip details: `oci:app:1 layer 2/3 sha256:…`. */
  readonly label: string;
  /** Filled with every path the layer touches (for visibility). */
  readonly paths: LayerPaths;
  readonly signal: AbortSignal;
}

export interface LayerProblem {
  readonly reason: SkipReason;
  readonly detail: string;
  /** The bytes are not the blob the manifest names (a digest mismatch): findings from them are not reported. */
  readonly refused: boolean;
}

export interface LayerOutcome {
  readonly compression: Compression | undefined;
  readonly storedBytes: number;
  readonly tarBytes: number;
  readonly problem: LayerProblem | undefined;
}

const BLOCK = 512;
const DECOMPRESS_CHUNK = 256 * 1024;
/**
 * Bytes each stage may hold ahead of the next: zlib inflates on libuv's thread pool, so with room to run ahead it
 * works in parallel with the tar parsing and matching on the main thread (with Node's 16 KiB default they take turns).
 */
const RUN_AHEAD = 4 * 1024 * 1024;
/** zlib streams are Transforms and take `highWaterMark` (Node passes the options on), though the types omit it. */
const ZLIB_OPTIONS = { chunkSize: DECOMPRESS_CHUNK, highWaterMark: RUN_AHEAD };

export class LayerTooLargeError extends Error {}

/** The store has no blob with the digest a manifest names. */
export class MissingBlobError extends Error {}

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a)
    return 'xz';
  return 'none';
}

/** Counts and hashes the bytes passing through; fails past `limit`. */
class Meter extends Transform {
  bytes = 0;
  private readonly hashes: Hash[];
  private readonly limit: number;
  private readonly tooMuch: () => Error;
  constructor(hashes: Hash[], limit: number, tooMuch: () => Error) {
    super({ highWaterMark: RUN_AHEAD });
    this.hashes = hashes;
    this.limit = limit;
    this.tooMuch = tooMuch;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(this.tooMuch());
      return;
    }
    for (const h of this.hashes) h.update(chunk);
    cb(null, chunk);
  }
}

/** Reads the first `n` bytes (fewer at the end of the stream) and gives back a stream of everything. */
async function peek(stream: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const chunks: Buffer[] = [];
  let got = 0;
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (got < n) {
    const r = await it.next();
    if (r.done === true) break;
    chunks.push(r.value);
    got += r.value.length;
  }
  const head = Buffer.concat(chunks);
  const rest = new PassThrough({ highWaterMark: 1 << 20 });
  rest.write(head);
  void (async () => {
    try {
      for (;;) {
        const r = await it.next();
        if (r.done === true) break;
        if (!rest.write(r.value)) await new Promise<void>((res) => rest.once('drain', res));
        if (rest.destroyed) break;
      }
      rest.end();
    } catch (e) {
      rest.destroy(e as Error);
    }
  })();
  rest.once('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  return { head, rest };
}

function hashFor(digest: string | undefined): Hash | undefined {
  if (digest === undefined) return undefined;
  const alg = digest.slice(0, digest.indexOf(':'));
  return alg === 'sha256' || alg === 'sha512' ? createHash(alg) : undefined;
}

const hexOf = (digest: string): string => digest.slice(digest.indexOf(':') + 1);

function waitDrain(x: Extract): Promise<void> {
  const s = x as unknown as { destroyed?: boolean; destroying?: boolean };
  if (s.destroyed === true || s.destroying === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      x.removeListener('drain', done);
      x.removeListener('close', done);
      resolve();
    };
    x.on('drain', done);
    x.on('close', done);
  });
}

/** A failure while reading the layer, as the skip the report shows. */
function describe(e: unknown, compression: Compression | undefined): LayerProblem {
  if (e instanceof LayerTooLargeError) return { reason: 'too-large', detail: e.message, refused: false };
  if (e instanceof MissingBlobError) return { reason: 'missing-object', detail: e.message, refused: false };
  const err = e as NodeJS.ErrnoException;
  const msg = err instanceof Error ? err.message : String(e);
  const code = err.code ?? '';
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(msg))
    return {
      reason: 'corrupt',
      detail: `truncated ${compression ?? ''} stream (unexpected end of file)`.replace('  ', ' '),
      refused: false,
    };
  if (code.startsWith('Z_') || code.startsWith('ZSTD_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED')
    return { reason: 'corrupt', detail: `corrupt ${compression ?? ''} data: ${msg}`, refused: false };
  if (/Unexpected end of data/.test(msg))
    return { reason: 'corrupt', detail: 'truncated tar: the layer ends inside an entry', refused: false };
  if (/Invalid tar header|Header exceeds max size|Invalid header/i.test(msg))
    return { reason: 'corrupt', detail: `not a valid tar stream (${msg})`, refused: false };
  return { reason: 'unreadable', detail: `read failed: ${reasonOf(e)}`, refused: false };
}

/**
 * One regular file of a layer through the content policy, as `scan dir` reads a file: an archive (a .jar, a .gz)
 * whole, to be opened; anything else as a stream (windowed when large, dropped after its first bytes when binary).
 * The entry is always read to its end, since tar-stream cannot skip an entry its reader left unfinished.
 */
async function* entryEvents(
  entry: AsyncIterable<Buffer>,
  policy: ContentPolicy,
  item: ContentItem,
  signal: AbortSignal,
): AsyncGenerator<SourceEvent> {
  const it = entry[Symbol.asyncIterator]();
  let done = false;
  const next = async (): Promise<Buffer | undefined> => {
    if (done) return undefined;
    const r = await it.next();
    if (r.done === true) done = true;
    return r.done === true ? undefined : r.value;
  };
  const head: Buffer[] = [];
  let got = 0;
  while (got < BLOCK) {
    const c = await next();
    if (c === undefined) break;
    head.push(c);
    got += c.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head, got);
  try {
    if (archiveKind(first.subarray(0, BLOCK)) !== undefined) {
      const parts = [first];
      for (let c = await next(); c !== undefined; c = await next()) parts.push(c);
      yield* contentEvents(Buffer.concat(parts), policy, item);
    } else {
      const chunks = async function* (): AsyncGenerator<Buffer> {
        yield first;
        for (let c = await next(); c !== undefined; c = await next()) yield c;
      };
      yield* streamContent(chunks(), policy, item);
    }
  } finally {
    // What the policy did not need (a binary past its first bytes) is read and dropped; not after an interrupt.
    while (!signal.aborted && (await next()) !== undefined);
  }
}

/**
 * Scans one layer: yields a fragment or a skip for each regular file, records every path it touches in `o.paths`,
 * and returns what it read and any problem (truncation, corruption, the size bound, a digest mismatch). Never
 * writes anything: `../` or absolute names are only names here.
 */
export async function* scanLayer(o: LayerScanOptions): AsyncGenerator<SourceEvent, LayerOutcome> {
  let raw: Readable;
  try {
    raw = await o.open();
  } catch (e) {
    return { compression: undefined, storedBytes: 0, tarBytes: 0, problem: describe(e, undefined) };
  }
  let head: Buffer;
  let rest: Readable;
  try {
    ({ head, rest } = await peek(raw, 8));
  } catch (e) {
    raw.destroy();
    return { compression: undefined, storedBytes: 0, tarBytes: 0, problem: describe(e, undefined) };
  }
  const compression = sniffCompression(head);
  if (compression === 'bzip2' || compression === 'xz') {
    rest.destroy();
    return {
      compression,
      storedBytes: 0,
      tarBytes: 0,
      problem: {
        reason: 'corrupt',
        detail: `${compression}-compressed layer: not supported`,
        refused: false,
      },
    };
  }
  const storedHash = hashFor(o.digest);
  // A checked blob digest already pins every byte (and the source keys layers by it); the diff_id is hashed only when
  // the store names no digest (`docker save` layers), so the common case hashes once, not twice.
  const tarHash = storedHash === undefined ? hashFor(o.diffId) : undefined;
  const stored = new Meter(
    storedHash === undefined ? [] : [storedHash],
    Number.MAX_SAFE_INTEGER,
    () => new Error('unreachable'),
  );
  const tooLarge = (): Error =>
    new LayerTooLargeError(
      `inflated past --max-layer-size ${o.maxLayerSize} bytes after ${stored.bytes} stored bytes: cut there (a decompression bomb?)`,
    );
  const tarMeter = new Meter(tarHash === undefined ? [] : [tarHash], o.maxLayerSize, tooLarge);
  const extract = tarExtract();
  let padded = 0;
  let failure: unknown;

  let decompress: Transform | undefined;
  if (compression === 'gzip') decompress = zlib.createGunzip(ZLIB_OPTIONS);
  else if (compression === 'zstd') {
    if (typeof zlib.createZstdDecompress !== 'function') {
      rest.destroy();
      return {
        compression,
        storedBytes: 0,
        tarBytes: 0,
        problem: {
          reason: 'corrupt',
          detail: 'zstd layer: this Node has no zstd decompressor (Node ≥ 22.15 has one)',
          refused: false,
        },
      };
    }
    decompress = zlib.createZstdDecompress(ZLIB_OPTIONS);
  }

  // A Writable, not an async-iterator loop: iterating a Readable concatenates whatever it buffered (a copy of every
  // inflated byte); `write` hands each chunk on as it is.
  const feed = new Writable({
    highWaterMark: RUN_AHEAD,
    write(chunk: Buffer, _enc, cb): void {
      if (extract.write(chunk)) cb();
      else void waitDrain(extract).then(() => cb());
    },
    final(cb): void {
      // umoci's `insert` writes tars whose last entry lacks its padding: complete the block (checked below).
      const rem = tarMeter.bytes % BLOCK;
      if (rem !== 0) {
        padded = BLOCK - rem;
        extract.write(Buffer.alloc(padded));
      }
      (extract as unknown as { end(): void }).end(); // streamx's end() takes no callback
      cb();
    },
  });
  const options = { signal: o.signal };
  const fed = (
    decompress === undefined
      ? pipeline(rest, stored, tarMeter, feed, options)
      : pipeline(rest, stored, decompress, tarMeter, feed, options)
  ).catch((e: unknown) => {
    failure ??= e;
    extract.destroy(e as Error);
  });

  let lastDataEnd = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const size = h.size ?? 0;
      const offset = (h as { byteOffset?: number }).byteOffset;
      if (offset !== undefined) lastDataEnd = offset + size;
      const path = normaliseEntryPath(h.name);
      if (path === '') {
        entry.resume();
        continue;
      }
      addEntry(o.paths, path, h.type === 'directory' ? 'dir' : 'file');
      if (entryRole(path).role !== 'path' || (h.type !== 'file' && h.type !== 'contiguous-file')) {
        // Links carry no bytes of their own (their target is scanned where it is stored); folders and devices none.
        entry.resume();
        continue;
      }
      const item = { path, provenance: o.provenance(path), label: o.label };
      const tooLargeFile = sizeSkip(size, o.policy, item);
      if (tooLargeFile !== undefined) {
        entry.resume();
        yield tooLargeFile;
        continue;
      }
      yield* entryEvents(entry as AsyncIterable<Buffer>, o.policy, item, o.signal);
    }
    await fed;
  } catch (e) {
    failure ??= e;
  } finally {
    if (!rest.destroyed) rest.destroy();
    extract.destroy();
    await fed;
  }
  const storedBytes = stored.bytes;
  const tarBytes = tarMeter.bytes;
  const outcome = (problem: LayerProblem | undefined): LayerOutcome => ({
    compression,
    storedBytes,
    tarBytes,
    problem,
  });
  if (o.signal.aborted) return outcome(undefined);
  if (failure !== undefined) return outcome(describe(failure, compression));
  if (padded > 0 && lastDataEnd > tarBytes)
    return outcome({
      reason: 'corrupt',
      detail: 'truncated tar: the layer ends inside an entry',
      refused: false,
    });
  if (storedHash !== undefined && o.digest !== undefined) {
    const got = storedHash.digest('hex');
    if (got !== hexOf(o.digest))
      return outcome({
        reason: 'corrupt',
        detail: `digest mismatch: the blob's bytes hash to ${o.digest.slice(0, o.digest.indexOf(':') + 1)}${got}, not ${o.digest}: refused (content is addressed by digest)`,
        refused: true,
      });
  }
  if (tarHash !== undefined && o.diffId !== undefined) {
    const got = tarHash.digest('hex');
    if (got !== hexOf(o.diffId))
      return outcome({
        reason: 'corrupt',
        detail: `diff_id mismatch: the uncompressed layer hashes to sha256:${got}, not ${o.diffId}: refused (content is addressed by digest)`,
        refused: true,
      });
  }
  return outcome(undefined);
}
