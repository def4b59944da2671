// Blob contents from one long-running `git cat-file --batch`: oids in, objects out in order, with backpressure.
import { ScanError } from '../errors.ts';
import { ByteReader, DEFAULT_READ_AHEAD } from './byte-reader.ts';
import { firstLine, spawnGit, type GitChild, type GitContext } from './process.ts';

export type ObjectResult =
  | { readonly kind: 'object'; readonly oid: string; readonly type: string; readonly content: Buffer }
  | { readonly kind: 'missing'; readonly oid: string }
  /** git died while reading this object (a corrupt object): the reader restarts and goes on. */
  | { readonly kind: 'failed'; readonly oid: string; readonly detail: string };

const MAX_RESTARTS = 1000;

/** Objects larger than this are not real (git's own limit is far lower in practice): the stream is out of step. */
const MAX_OBJECT_BYTES = 2 ** 40;

export type BatchHeader =
  | { readonly kind: 'object'; readonly type: string; readonly size: number }
  /** "missing" or "ambiguous": either way the object cannot be read. */
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly why: string };

/** Parses a `cat-file --batch` header line (`<oid> <type> <size>` or `<oid> missing`) answering `oid`. */
export function parseBatchHeader(line: Uint8Array, oid: string): BatchHeader {
  const parts = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1').split(' ');
  if (parts[0] !== oid) return { kind: 'invalid', why: 'the answer names another object' };
  if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) return { kind: 'missing' };
  if (parts.length !== 3 || !/^[a-z]{3,6}$/.test(parts[1]!) || !/^\d{1,14}$/.test(parts[2]!))
    return { kind: 'invalid', why: 'not a header' };
  const size = Number(parts[2]);
  if (size > MAX_OBJECT_BYTES) return { kind: 'invalid', why: 'an impossible size' };
  return { kind: 'object', type: parts[1]!, size };
}

/**
 * A `git cat-file --batch` process. `request` queues an oid (await it: it resolves when git's stdin has room,
 * which is the backpressure); `next` returns the answer to the oldest request. If git dies on a corrupt object,
 * that object is reported as failed and a new process is started for the requests still outstanding.
 */
export class CatFile {
  private readonly ctx: GitContext;
  private readonly readAhead: number;
  private child!: GitChild;
  private reader!: ByteReader;
  private stderr!: () => string;
  private readonly outstanding: string[] = [];
  /** Every process started (restarts included), so close() can end them all. */
  private readonly started: GitChild[] = [];
  private restarts = 0;
  private closed = false;
  private inputEnded = false;
  private readonly buffered: boolean;

  /**
   * With `buffered`, git buffers its output (fewer, larger writes: faster for whole histories) and answers may
   * wait in git until more requests come or `endInput` is called; without it every answer is flushed at once.
   */
  constructor(ctx: GitContext, o: { readonly readAhead?: number; readonly buffered?: boolean } = {}) {
    this.ctx = ctx;
    this.readAhead = o.readAhead ?? DEFAULT_READ_AHEAD;
    this.buffered = o.buffered ?? false;
    this.start();
  }

  private start(): void {
    const p = spawnGit(
      this.ctx,
      this.buffered ? ['cat-file', '--batch', '--buffer'] : ['cat-file', '--batch'],
    );
    this.child = p.child;
    this.started.push(p.child);
    this.stderr = p.stderr;
    this.reader = new ByteReader(p.child.stdout, this.readAhead);
    for (const oid of this.outstanding) p.child.stdin.write(`${oid}\n`);
    if (this.inputEnded) p.child.stdin.end();
  }

  /** No more requests will come: git may flush what it holds and exit once everything is read. */
  endInput(): void {
    this.inputEnded = true;
    this.child.stdin.end();
  }

  /** Requests performed but not yet answered. */
  get pending(): number {
    return this.outstanding.length;
  }

  /**
   * Queues one object; resolves once git's stdin can take more (immediately, most of the time). If git has
   * already exited, the oid stays outstanding and the restart in `next` resends it: never wait on a closed pipe,
   * whose 'drain' and 'close' have come and gone.
   */
  request(oid: string): Promise<void> | undefined {
    this.outstanding.push(oid);
    const stdin = this.child.stdin;
    if (stdin.destroyed || stdin.writableEnded) return undefined;
    if (stdin.write(`${oid}\n`) || stdin.destroyed) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stdin.off('drain', done);
        stdin.off('close', done);
        stdin.off('error', done);
        resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
      stdin.on('error', done);
      if (stdin.destroyed) done();
    });
  }

  /** The answer to the oldest outstanding request, or undefined when none is outstanding. */
  async next(): Promise<ObjectResult | undefined> {
    const oid = this.outstanding[0];
    if (oid === undefined) return undefined;
    const header = await this.reader.readUntil(0x0a);
    if (header === undefined) return this.died(oid);
    const h = parseBatchHeader(header, oid);
    // Never quote the line: out of step, it could be a blob's content (and a secret).
    if (h.kind === 'invalid')
      throw new ScanError(
        `git cat-file answered out of step for ${oid} (${h.why})`,
        'run git fsck; report it as a bug with your git version if the repository is sound',
      );
    if (h.kind === 'missing') {
      this.outstanding.shift();
      return { kind: 'missing', oid };
    }
    const size = h.size;
    const content = await this.reader.readExact(size);
    if (content === undefined) return this.died(oid);
    const lf = await this.reader.readExact(1);
    if (lf === undefined) return this.died(oid);
    if (lf[0] !== 0x0a) {
      // git announced more bytes than it sent (a corrupt object it did not notice): the stream is out of step.
      throw new ScanError(
        `git cat-file sent a short object for ${oid}; the repository may be corrupt`,
        'run git fsck',
      );
    }
    this.outstanding.shift();
    return { kind: 'object', oid, type: h.type, content };
  }

  private async died(oid: string): Promise<ObjectResult> {
    this.outstanding.shift();
    const detail = firstLine(this.stderr());
    if (this.closed) return { kind: 'failed', oid, detail: 'interrupted' };
    if (++this.restarts > MAX_RESTARTS) throw new ScanError(`git cat-file keeps failing: ${detail}`);
    this.child.kill();
    this.start();
    return { kind: 'failed', oid, detail };
  }

  /**
   * Ends every process this reader started. Nothing more is wanted from git once closed, so each one still
   * running is signalled: a live `--batch --buffer` child would otherwise keep the caller's process alive.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.started) {
      c.stdin.end();
      if (c.exitCode === null && c.signalCode === null) c.kill();
    }
  }
}
