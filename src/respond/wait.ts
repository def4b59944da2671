// A bounded wait: poll a check until it is ready, with a clear timeout message (clock and sleep injectable).
import { setTimeout as sleepMs } from 'node:timers/promises';
import { InterruptedError, ScanError } from '../errors.ts';

export interface WaitCheck {
  readonly ready: boolean;
  /** What is still pending, for the progress line and the timeout message. */
  readonly detail: string;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** What is being waited for, e.g. "the master password change of mydb". */
  readonly what: string;
  /** What to do when it times out. */
  readonly hint: string;
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onPoll?: (c: WaitCheck, elapsedMs: number) => void;
}

/** Polls `check` until ready; throws a ScanError naming what is still pending when `timeoutMs` passes. */
export async function waitUntil(check: () => Promise<WaitCheck>, o: WaitOptions): Promise<number> {
  const now = o.now ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => sleepMs(ms, undefined, o.signal ? { signal: o.signal } : {}));
  const start = now();
  for (let polls = 1; ; polls++) {
    if (o.signal?.aborted) throw new InterruptedError(`interrupted while waiting for ${o.what}`);
    const c = await check();
    const elapsed = now() - start;
    o.onPoll?.(c, elapsed);
    if (c.ready) return polls;
    if (elapsed + o.intervalMs > o.timeoutMs)
      throw new ScanError(
        `${o.what} did not finish within ${Math.round(o.timeoutMs / 1000)} s (${polls} checks): ${c.detail}`,
        o.hint,
      );
    try {
      await sleep(o.intervalMs);
    } catch (e) {
      if ((e as Error).name === 'AbortError')
        throw new InterruptedError(`interrupted while waiting for ${o.what}`);
      throw e;
    }
  }
}
