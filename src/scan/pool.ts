// Match pool: scans fragments on the main thread and, past a size threshold, also on a worker thread.
//
// Fragments go to the worker in batches: one message per batch, the blobs' bytes copied into one buffer that is
// transferred (not cloned), decoded and scanned there; one message back with the batch's results. A batch is
// sent at once when the worker is idle, and otherwise when it is full, so the worker never waits on a batch.
import { Worker } from 'node:worker_threads';
import { scanFragment, type FragmentResult } from '../detect/engine.ts';
import type { Ruleset } from '../detect/ruleset.ts';
import type { Fragment } from '../model/fragment.ts';
import type { RulesetSpec } from '../catalog/active.ts';
import { reasonOf } from '../errors.ts';
import { EncodedFragment } from '../sources/encoded-fragment.ts';
import type { WorkItem, WorkReply, WorkRequest } from './worker.ts';

export interface PoolOptions {
  readonly ruleset: Ruleset;
  /** The same ruleset as data, compiled by the worker; no worker when undefined. */
  readonly workerRules: RulesetSpec | undefined;
  /** Bytes scanned inline before a worker is started (its start-up costs ~50 ms). */
  readonly startAfterBytes: number;
  /** Each fragment's result, with the fragment it came from (the same object that was submitted). */
  readonly onResult: (r: FragmentResult, fragment: Fragment) => void;
  /** A fragment the engine could not scan (it threw), on this thread or the worker: the scan goes on. */
  readonly onError: (reason: string, fragment: Fragment, bytes: number) => void;
  readonly now: () => number;
}

/** The match worker died: a failure of the scan itself, not of one item. */
export class WorkerFailure extends Error {
  constructor(cause: Error) {
    super(`the match worker thread failed: ${cause.message}`, { cause });
    this.name = 'WorkerFailure';
  }
}

/** Bytes handed to the worker and not answered yet (sent or waiting in the batch), and batches sent. */
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 32;
/** A batch is sent when it holds this many bytes or fragments (or at once, when the worker is idle). */
const BATCH_BYTES = 256 * 1024;
const BATCH_FRAGMENTS = 256;

export interface MatchPool {
  /** Scans now, or hands to the worker when it has room; resolves when the caller may continue. */
  submit(fragment: Fragment, bytes: number): Promise<void>;
  /** Waits for every fragment handed to the worker, then stops it. */
  drain(): Promise<void>;
  /** Stops the worker without waiting (on error or interrupt). */
  close(): Promise<void>;
  /** Fragments the worker thread scanned (0 when it never started). */
  workerFragments(): number;
}

export function createPool(o: PoolOptions): MatchPool {
  let worker: Worker | undefined;
  let failed: Error | undefined;
  let seen = 0;
  let nextId = 0;
  let inFlightBytes = 0;
  let byWorker = 0;
  /** A fragment handed to the worker, with the bytes it counts for. */
  interface Sent {
    readonly fragment: Fragment;
    readonly bytes: number;
  }
  const pending = new Map<number, { readonly bytes: number; readonly sent: readonly Sent[] }>();
  let batch: Sent[] = [];
  let batchBytes = 0;
  let idle: (() => void) | undefined;

  /** Sends the batch: encoded fragments as ranges of one transferred buffer, the others as they are. */
  const flush = (): void => {
    if (batch.length === 0 || worker === undefined) return;
    const encoded = batch.map(({ fragment }) =>
      fragment instanceof EncodedFragment ? fragment.encoded() : undefined,
    );
    const buffer = new ArrayBuffer(encoded.reduce((n, e) => n + (e?.bytes.length ?? 0), 0));
    const into = new Uint8Array(buffer);
    let at = 0;
    const items = batch.map(({ fragment }, i): WorkItem => {
      const e = encoded[i];
      if (e === undefined) {
        // Text already decoded here is sent as text (a class's getter is not cloned, so it is copied out).
        return {
          fragment: fragment instanceof EncodedFragment ? { ...fragment, text: fragment.text } : fragment,
        };
      }
      into.set(e.bytes, at);
      at += e.bytes.length;
      return { meta: { ...fragment }, start: at - e.bytes.length, end: at, encoding: e.encoding };
    });
    const id = nextId++;
    pending.set(id, { bytes: batchBytes, sent: batch });
    const request: WorkRequest = { id, items, buffer };
    worker.postMessage(request, [buffer]);
    batch = [];
    batchBytes = 0;
  };

  const start = (): Worker => {
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const w = new Worker(new URL(`./worker.${ext}`, import.meta.url), {
      workerData: o.workerRules,
      // A small young generation and a bounded old one keep the worker's share of peak RSS low (eslint's history:
      // 325–340 → 270–297 MB, same speed). Its live data is small: the ruleset and at most MAX_IN_FLIGHT_BYTES of
      // fragments (a larger fragment is scanned on this thread).
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 192 },
    });
    w.on('message', (reply: WorkReply) => {
      const { bytes, sent } = pending.get(reply.id)!;
      inFlightBytes -= bytes;
      pending.delete(reply.id);
      reply.results.forEach((r, i) => {
        const { fragment, bytes: size } = sent[i]!;
        byWorker++;
        if ('error' in r) o.onError(r.error, fragment, size);
        else o.onResult(r.result, fragment);
      });
      if (pending.size === 0) {
        if (batch.length > 0) flush();
        else idle?.();
      }
    });
    w.on('error', (e: Error) => {
      failed = new WorkerFailure(e);
      idle?.();
    });
    return w;
  };

  return {
    async submit(fragment, bytes) {
      if (failed !== undefined) throw failed;
      seen += bytes;
      if (worker === undefined && o.workerRules !== undefined && seen > o.startAfterBytes) worker = start();
      if (
        worker !== undefined &&
        pending.size < MAX_IN_FLIGHT &&
        inFlightBytes + bytes <= MAX_IN_FLIGHT_BYTES
      ) {
        batch.push({ fragment, bytes });
        batchBytes += bytes;
        inFlightBytes += bytes;
        if (pending.size === 0 || batchBytes >= BATCH_BYTES || batch.length >= BATCH_FRAGMENTS) flush();
        return;
      }
      let result: FragmentResult;
      try {
        result = scanFragment(fragment, o.ruleset, o.now);
      } catch (e) {
        o.onError(reasonOf(e), fragment, bytes);
        return;
      }
      o.onResult(result, fragment);
      // Let worker replies run between inline fragments.
      if (worker !== undefined) await new Promise<void>((r) => setImmediate(r));
    },
    async drain() {
      if (worker === undefined) return;
      flush();
      if (pending.size > 0 && failed === undefined) await new Promise<void>((r) => (idle = r));
      idle = undefined;
      await worker.terminate();
      worker = undefined;
      if (failed !== undefined) throw failed;
    },
    workerFragments: () => byWorker,
    async close() {
      const w = worker;
      worker = undefined;
      if (w !== undefined) await w.terminate();
    },
  };
}
