// Reporter registry: one reporter per format name in formats.ts; it drives --format's help and file extensions.
import { csv } from './csv.ts';
import type { FormatName } from './formats.ts';
import { FORMAT_NAMES } from './formats.ts';
import { json } from './json.ts';
import { sarif } from './sarif.ts';
import { text } from './text.ts';
import type { Reporter } from './types.ts';

export const REPORTERS: Readonly<Record<FormatName, Reporter>> = { text, json, sarif, csv };

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}

/** The format whose extension ends `path` (for --output without --format), if any. */
export function formatForPath(path: string): FormatName | undefined {
  const lower = path.toLowerCase();
  return FORMAT_NAMES.find((name) => lower.endsWith(`.${REPORTERS[name].extension}`));
}
