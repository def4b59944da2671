// --since DATE|DURATION: the start of a leak window, as an ISO time (pure).
import { ConfigError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `2026-11-30`, `2026-11-30T08:00:00Z`, or a duration back from now: `90m`, `12h`, `3d`, `2w`. */
export function parseSince(value: string, now: Date = new Date()): string {
  const v = value.trim();
  const d = /^(\d+)\s*([smhdw])$/.exec(v);
  if (d) return new Date(now.getTime() - Number(d[1]) * UNIT_MS[d[2]!]!).toISOString();
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(t)) {
      if (t > now.getTime())
        throw new ConfigError(
          `--since ${value} is in the future`,
          'give the time the secret was first exposed',
        );
      return new Date(t).toISOString();
    }
  }
  throw new ConfigError(
    `--since ${value} is neither a date nor a duration`,
    'write a date (2026-11-30 or 2026-11-30T08:00:00Z) or a duration back from now (90m, 12h, 3d, 2w)',
  );
}
