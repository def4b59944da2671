// .keyspill.yaml: schema and loader. Found in the scan root, or named with --config.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { PrefixSpec } from '../catalog/prefix.ts';

export const CONFIG_NAMES = ['.keyspill.yaml', '.keyspill.yml'] as const;

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1 << 20,
  gb: 1e9,
  gib: 1 << 30,
};

/** Parses "25MB", "1GiB" or a byte count. */
export function parseSize(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim());
  if (m === null) throw new Error(`"${v}" is not a size (e.g. 25MB, 512KiB, 1GB)`);
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

export interface Config {
  /** The file it came from, or undefined when none was found. */
  readonly file: string | undefined;
  /** Rule files, resolved against the config file's folder. */
  readonly ruleFiles: readonly string[];
  readonly prefixes: readonly PrefixSpec[];
  readonly disable: readonly string[];
  readonly allowlist: {
    readonly paths: readonly string[];
    readonly regexes: readonly string[];
    readonly stopwords: readonly string[];
  };
  readonly maxFileSize: number | undefined;
}

export const EMPTY_CONFIG: Config = {
  file: undefined,
  ruleFiles: [],
  prefixes: [],
  disable: [],
  allowlist: { paths: [], regexes: [], stopwords: [] },
  maxFileSize: undefined,
};

/** Loads `explicit` (must exist) or the first config file found in `root`. */
export async function loadConfig(root: string, explicit?: string): Promise<Config> {
  const file = explicit ?? CONFIG_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (file === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'check the --config path',
    );
  }
  // YAML and the schema load only when there is a config file to read.
  const { parseConfig } = await import('./parse.ts');
  return parseConfig(text, file);
}
