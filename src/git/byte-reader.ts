// Pull-based reader over a byte stream: delimited records and exact-length reads, with a bounded read-ahead.
import type { Readable } from 'node:stream';

/** Default read-ahead: git keeps producing while the scanner works, up to this many bytes. */
export const DEFAULT_READ_AHEAD = 8 * 1024 * 1024;

/**
 * Reads a stream in flowing mode into a queue of chunks, pausing the stream when more than `readAhead`
 * bytes are queued (so the producer blocks on its pipe: backpressure) and resuming below half of it.
 */
export class ByteReader {
  private readonly stream: Readable;
  private readonly readAhead: number;
  private chunks: Buffer[] = [];
  /** Offset into chunks[0] of the first unread byte. */
  private offset = 0;
  private queued = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private paused = false;
  /** Bytes the pending read needs: the read-ahead never stops a read larger than itself. */
  private wanted = 0;

  constructor(stream: Readable, readAhead: number = DEFAULT_READ_AHEAD) {
    this.stream = stream;
    this.readAhead = readAhead;
    stream.on('data', (c: Buffer) => {
      if (c.length === 0) return;
      this.chunks.push(c);
      this.queued += c.length;
      if (this.queued > this.readAhead && this.queued >= this.wanted && !this.paused) {
        this.paused = true;
        stream.pause();
      }
      this.notify();
    });
    stream.once('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.once('close', () => {
      this.ended = true;
      this.notify();
    });
    stream.once('error', (e: Error) => {
      this.failure = e;
      this.ended = true;
      this.notify();
    });
  }

  /** Bytes queued and not yet read. */
  get buffered(): number {
    return this.queued;
  }

  /** True once the stream has ended and every byte has been read. */
  get done(): boolean {
    return this.ended && this.queued === 0;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private more(): Promise<void> {
    if (this.ended) return Promise.resolve();
    if (this.paused) {
      this.paused = false;
      this.stream.resume();
    }
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  private consumed(n: number): void {
    this.queued -= n;
    if (this.paused && this.queued < this.readAhead / 2) {
      this.paused = false;
      this.stream.resume();
    }
  }

  /** Takes `n` queued bytes (n <= queued): a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      this.consumed(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length - this.offset, n - filled);
      c.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.offset += k;
      if (this.offset === c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.consumed(n);
    return out;
  }

  /** Exactly `n` bytes, or undefined when the stream ends first (what was left is dropped). */
  async readExact(n: number): Promise<Buffer | undefined> {
    this.wanted = n;
    while (this.queued < n) {
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return undefined;
      await this.more();
    }
    this.wanted = 0;
    return n === 0 ? Buffer.alloc(0) : this.take(n);
  }

  /**
   * The bytes up to `delim` if they are already buffered (the delimiter is consumed, not returned), without
   * waiting: null when more must arrive first; at the end of the stream the trailing bytes, or undefined when
   * nothing is left.
   */
  readUntilNow(delim: number): Buffer | undefined | null {
    let seen = 0;
    let skip = this.offset;
    for (const c of this.chunks) {
      const i = c.indexOf(delim, skip);
      if (i !== -1) {
        const out = this.take(seen + (i - skip));
        this.take(1);
        return out;
      }
      seen += c.length - skip;
      skip = 0;
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return this.queued === 0 ? undefined : this.take(this.queued);
    return null;
  }

  /**
   * The bytes up to `delim` (which is consumed, not returned). At the end of the stream, the trailing bytes
   * without a delimiter, or undefined when nothing is left.
   */
  async readUntil(delim: number): Promise<Buffer | undefined> {
    for (;;) {
      const line = this.readUntilNow(delim);
      if (line !== null) return line;
      await this.more();
    }
  }
}
