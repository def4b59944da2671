// Reporter registry: the single source of truth for --format's options, help and file extensions.
import { csv } from './csv.ts';
import { json } from './json.ts';
import { sarif } from './sarif.ts';
import { text } from './text.ts';
import type { Reporter } from './types.ts';

export const REPORTERS = { text, json, sarif, csv } as const satisfies Record<string, Reporter>;

export type FormatName = keyof typeof REPORTERS;

export const FORMAT_NAMES = Object.keys(REPORTERS) as readonly FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(REPORTERS, name);
}

/** The format whose extension ends `path` (for --output without --format), if any. */
export function formatForPath(path: string): FormatName | undefined {
  const lower = path.toLowerCase();
  return FORMAT_NAMES.find((name) => lower.endsWith(`.${REPORTERS[name].extension}`));
}
