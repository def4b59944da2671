// A token bucket: at most `perSecond` calls a second (bursts up to `burst`), for CloudTrail's 2 requests/s per region.
import { setTimeout as sleepMs } from 'node:timers/promises';

export interface TokenBucket {
  /** Resolves when a call may go out. */
  take(): Promise<void>;
}

export function tokenBucket(
  perSecond: number,
  burst = perSecond,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> } = {
    now: () => performance.now(),
    sleep: (ms) => sleepMs(ms),
  },
): TokenBucket {
  let tokens = burst;
  let last = clock.now();
  let queue: Promise<void> = Promise.resolve();
  const refill = (): void => {
    const t = clock.now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
    last = t;
  };
  return {
    take() {
      // Callers queue in order, so one region's pages never overtake each other's pacing.
      const mine = queue.then(async () => {
        refill();
        while (tokens < 1) {
          await clock.sleep(Math.ceil(((1 - tokens) / perSecond) * 1000));
          refill();
        }
        tokens -= 1;
      });
      queue = mine.catch(() => undefined);
      return mine;
    },
  };
}

/** Full-jitter exponential backoff: a random wait in [0, min(cap, base·2^attempt)). */
export function backoffMs(
  attempt: number,
  baseMs = 500,
  capMs = 8000,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
