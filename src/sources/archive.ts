// Archives: zip (and jar/war/whl/nupkg…), tar, tar.gz/tgz and gz opened in memory; each member handed back with its name.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Readable as ReadableType } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';

import { archiveKind, type ArchiveKind } from './archive-kind.ts';

/** What an archive yields: a member's bytes, or why a member (or the rest of the archive) was not read. */
export type ArchiveItem =
  | { readonly type: 'member'; readonly name: string; readonly bytes: Uint8Array }
  | {
      readonly type: 'skip';
      readonly name: string;
      readonly reason: 'too-large' | 'corrupt' | 'unreadable';
      readonly detail: string;
      /** The archive could not be read to its end: the scan is incomplete. */
      readonly incomplete: boolean;
    };

export interface ArchiveLimits {
  /** A member larger than this is skipped (--max-file-size). */
  readonly maxMemberBytes: number;
  /** Bytes inflated in this archive and the archives nested in it, shared: a zip bomb stops here. */
  readonly budget: { remaining: number };
}

class BudgetExceeded extends Error {}

/** Reads a stream to a buffer: at most `max` bytes (undefined past it), charging the shared inflation budget. */
async function collect(
  stream: AsyncIterable<Buffer>,
  max: number,
  budget: { remaining: number },
): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of stream) {
    budget.remaining -= chunk.length;
    if (budget.remaining < 0) throw new BudgetExceeded();
    size += chunk.length;
    if (size > max) over = true;
    if (!over) parts.push(chunk);
  }
  return over ? undefined : Buffer.concat(parts);
}

function bombDetail(total: number): string {
  return `more than ${total} bytes inflated from one archive (a zip bomb?): the rest of it was not read`;
}

async function* tarMembers(
  stream: ReadableType,
  limits: ArchiveLimits,
  total: number,
): AsyncGenerator<ArchiveItem> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  stream.on('error', (e: Error) => ex.destroy(e));
  stream.pipe(ex);
  try {
    for await (const entry of ex) {
      const h = entry.header;
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const bytes = await collect(entry as AsyncIterable<Buffer>, limits.maxMemberBytes, limits.budget);
      if (bytes === undefined)
        yield {
          type: 'skip',
          name: h.name,
          reason: 'too-large',
          detail: `${h.size ?? '?'} bytes > --max-file-size ${limits.maxMemberBytes}`,
          incomplete: false,
        };
      else yield { type: 'member', name: h.name, bytes };
    }
  } catch (e) {
    if (e instanceof BudgetExceeded)
      yield { type: 'skip', name: '', reason: 'too-large', detail: bombDetail(total), incomplete: true };
    else
      yield {
        type: 'skip',
        name: '',
        reason: 'corrupt',
        detail: `the archive is damaged or truncated (${(e as Error).message}); the members before it were scanned`,
        incomplete: true,
      };
  } finally {
    stream.destroy();
    ex.destroy();
  }
}

async function* zipMembers(
  bytes: Uint8Array,
  limits: ArchiveLimits,
  total: number,
): AsyncGenerator<ArchiveItem> {
  const yauzl = await import('yauzl');
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
        (err, z) => (err ? reject(err) : resolve(z)),
      ),
    );
  } catch (e) {
    yield {
      type: 'skip',
      name: '',
      reason: 'corrupt',
      detail: `not a readable zip (${(e as Error).message})`,
      incomplete: true,
    };
    return;
  }
  const next = (): Promise<Entry | undefined> =>
    new Promise((resolve, reject) => {
      const onEntry = (en: Entry): void => {
        zip.off('end', onEnd);
        zip.off('error', onError);
        resolve(en);
      };
      const onEnd = (): void => {
        zip.off('entry', onEntry);
        zip.off('error', onError);
        resolve(undefined);
      };
      const onError = (err: Error): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        reject(err);
      };
      zip.once('entry', onEntry);
      zip.once('end', onEnd);
      zip.once('error', onError);
      zip.readEntry();
    });
  try {
    for (let entry = await next(); entry !== undefined; entry = await next()) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (entry.isEncrypted()) {
        yield { type: 'skip', name, reason: 'unreadable', detail: 'encrypted zip entry', incomplete: false };
        continue;
      }
      if (entry.uncompressedSize > limits.maxMemberBytes) {
        yield {
          type: 'skip',
          name,
          reason: 'too-large',
          detail: `${entry.uncompressedSize} bytes > --max-file-size ${limits.maxMemberBytes}`,
          incomplete: false,
        };
        continue;
      }
      const stream = await new Promise<ReadableType>((resolve, reject) =>
        zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
      const data = await collect(stream as AsyncIterable<Buffer>, limits.maxMemberBytes, limits.budget);
      if (data === undefined)
        yield {
          type: 'skip',
          name,
          reason: 'too-large',
          detail: `more than --max-file-size ${limits.maxMemberBytes} bytes inflated`,
          incomplete: false,
        };
      else yield { type: 'member', name, bytes: data };
    }
  } catch (e) {
    if (e instanceof BudgetExceeded)
      yield { type: 'skip', name: '', reason: 'too-large', detail: bombDetail(total), incomplete: true };
    else
      yield {
        type: 'skip',
        name: '',
        reason: 'corrupt',
        detail: `the zip is damaged (${(e as Error).message}); the members before it were scanned`,
        incomplete: true,
      };
  } finally {
    zip.close();
  }
}

/**
 * The members of an archive held in memory, in order. A gzip holding a tar is read as the tar; a plain gzip is one
 * member named after the archive without `.gz`. Every inflated byte is charged to `limits.budget`.
 */
export async function* archiveMembers(
  bytes: Uint8Array,
  kind: ArchiveKind,
  name: string,
  limits: ArchiveLimits,
  budgetTotal: number,
): AsyncGenerator<ArchiveItem> {
  if (kind === 'zip') {
    yield* zipMembers(bytes, limits, budgetTotal);
    return;
  }
  if (kind === 'tar') {
    yield* tarMembers(Readable.from([Buffer.from(bytes)]), limits, budgetTotal);
    return;
  }
  // gzip: inflate as a stream; a tar inside is read as a tar (members bounded one by one), else one member.
  const gunzip = createGunzip();
  gunzip.end(Buffer.from(bytes));
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    while (headLength < 512) {
      const r = await chunks.next();
      if (r.done === true) break;
      limits.budget.remaining -= r.value.length;
      head.push(r.value);
      headLength += r.value.length;
    }
  } catch (e) {
    yield {
      type: 'skip',
      name: '',
      reason: 'corrupt',
      detail: `not a readable gzip (${(e as Error).message})`,
      incomplete: true,
    };
    return;
  }
  const rest = (async function* (): AsyncGenerator<Buffer> {
    for (let r = await chunks.next(); r.done !== true; r = await chunks.next()) yield r.value;
  })();
  const first = Buffer.concat(head);
  const whole = (async function* (): AsyncGenerator<Buffer> {
    yield first;
    yield* rest;
  })();
  if (archiveKind(first) === 'tar') {
    yield* tarMembers(Readable.from(whole), limits, budgetTotal);
    return;
  }
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/\.(t?gz|gzip)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : ''));
  let inflated: Buffer | undefined;
  try {
    // The head was charged already; collect charges the rest.
    const tail = await collect(rest, Math.max(0, limits.maxMemberBytes - first.length), limits.budget);
    inflated = tail === undefined ? undefined : Buffer.concat([first, tail]);
  } catch (e) {
    if (e instanceof BudgetExceeded) {
      yield {
        type: 'skip',
        name: base,
        reason: 'too-large',
        detail: bombDetail(budgetTotal),
        incomplete: true,
      };
      return;
    }
    yield {
      type: 'skip',
      name: base,
      reason: 'corrupt',
      detail: `truncated or damaged gzip (${(e as Error).message})`,
      incomplete: true,
    };
    return;
  }
  if (inflated === undefined) {
    yield {
      type: 'skip',
      name: base,
      reason: 'too-large',
      detail: `inflates to more than --max-file-size ${limits.maxMemberBytes} bytes`,
      incomplete: false,
    };
    return;
  }
  yield { type: 'member', name: base, bytes: inflated };
}
