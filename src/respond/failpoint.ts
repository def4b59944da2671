// Failpoints for crash tests: KEYSPILL_FAILPOINT=kill-after-effect:N (and kill-after-checkpoint:N) SIGKILLs this process.

export type FailpointName = 'kill-after-effect' | 'kill-after-checkpoint';

export interface Failpoints {
  /** Called right after a side-effecting call returned, before its outcome is journaled (the worst moment). */
  afterEffect(): void;
  /** Called right after a progress checkpoint was journaled. */
  afterCheckpoint(): void;
}

/** Parses `name:N[,name:N]`; unknown names are ignored (a typo must not change behaviour in production). */
export function failpoints(
  spec: string | undefined,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): Failpoints {
  const at = new Map<string, number>();
  for (const part of (spec ?? '').split(',')) {
    const m = /^\s*(kill-after-effect|kill-after-checkpoint):(\d+)\s*$/.exec(part);
    if (m) at.set(m[1]!, Number(m[2]));
  }
  const counts = new Map<string, number>();
  const hit = (name: FailpointName): void => {
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    if (at.get(name) === n) kill();
  };
  return { afterEffect: () => hit('kill-after-effect'), afterCheckpoint: () => hit('kill-after-checkpoint') };
}
