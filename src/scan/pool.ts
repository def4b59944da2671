// Match pool: scans fragments on the main thread and, past a size threshold, also on a worker thread.
import { Worker } from 'node:worker_threads';
import { scanFragment, type FragmentResult } from '../detect/engine.ts';
import type { Ruleset } from '../detect/ruleset.ts';
import type { Fragment } from '../model/fragment.ts';
import type { RulesetSpec } from '../catalog/active.ts';

export interface PoolOptions {
  readonly ruleset: Ruleset;
  /** The same ruleset as data, compiled by the worker; no worker when undefined. */
  readonly workerRules: RulesetSpec | undefined;
  /** Bytes scanned inline before a worker is started (its start-up costs ~50 ms). */
  readonly startAfterBytes: number;
  /** Each fragment's result, with the fragment it came from (the same object that was submitted). */
  readonly onResult: (r: FragmentResult, fragment: Fragment) => void;
  readonly now: () => number;
}

/** The match worker died: a failure of the scan itself, not of one item. */
export class WorkerFailure extends Error {
  constructor(cause: Error) {
    super(`the match worker thread failed: ${cause.message}`, { cause });
    this.name = 'WorkerFailure';
  }
}

const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 32;

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
  const pending = new Map<number, { readonly bytes: number; readonly fragment: Fragment }>();
  let idle: (() => void) | undefined;

  const start = (): Worker => {
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const w = new Worker(new URL(`./worker.${ext}`, import.meta.url), {
      workerData: o.workerRules,
      // A small young generation and a bounded old one keep the worker's share of peak RSS low (eslint's history:
      // 325–340 → 270–297 MB, same speed). Its live data is small: the ruleset and at most MAX_IN_FLIGHT_BYTES of
      // fragments (a larger fragment is scanned on this thread).
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 192 },
    });
    w.on('message', (msg: { id: number; result: FragmentResult }) => {
      const sent = pending.get(msg.id)!;
      inFlightBytes -= sent.bytes;
      pending.delete(msg.id);
      byWorker++;
      o.onResult(msg.result, sent.fragment);
      if (pending.size === 0) idle?.();
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
        const id = nextId++;
        pending.set(id, { bytes, fragment });
        inFlightBytes += bytes;
        worker.postMessage({ id, fragment });
        return;
      }
      o.onResult(scanFragment(fragment, o.ruleset, o.now), fragment);
      // Let worker replies run between inline fragments.
      if (worker !== undefined) await new Promise<void>((r) => setImmediate(r));
    },
    async drain() {
      if (worker === undefined) return;
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
