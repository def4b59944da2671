// .keyspill.yaml: schema and loader. Found in the scan root, or named with --config.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { parsePrefixLine, prefixObjectSchema, type PrefixSpec } from '../rules/prefix.ts';

export const CONFIG_NAMES = ['.keyspill.yaml', '.keyspill.yml'] as const;

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 };

/** Parses "25MB", "1GiB" or a byte count. */
export function parseSize(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim());
  if (m === null) throw new Error(`"${v}" is not a size (e.g. 25MB, 512KiB, 1GB)`);
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

const configSchema = z
  .object({
    version: z.literal(1).optional(),
    rules: z.array(z.string()).default([]),
    prefixes: z.array(z.union([z.string(), prefixObjectSchema])).default([]),
    disable: z.array(z.string()).default([]),
    allowlist: z
      .object({
        paths: z.array(z.string()).default([]),
        regexes: z.array(z.string()).default([]),
        stopwords: z.array(z.string()).default([]),
      })
      .strict()
      .default({ paths: [], regexes: [], stopwords: [] }),
    maxFileSize: z.union([z.string(), z.number()]).optional(),
  })
  .strict();

export interface Config {
  /** The file it came from, or undefined when none was found. */
  readonly file: string | undefined;
  /** Rule files, resolved against the config file's folder. */
  readonly ruleFiles: readonly string[];
  readonly prefixes: readonly PrefixSpec[];
  readonly disable: readonly string[];
  readonly allowlist: { readonly paths: readonly string[]; readonly regexes: readonly string[]; readonly stopwords: readonly string[] };
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

/** Parses config text; errors name the file, the line and the field. */
export function parseConfig(text: string, file: string): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const fix = 'see "Configuration" in the README for the format';
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${file}:${e.linePos?.[0].line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`, fix);
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? counter.linePos(node.range[0]).line : 1;
    throw new ConfigError(`${file}:${line}: ${issue.path.join('.') || 'config'}: ${issue.message}`, fix);
  }
  const c = parsed.data;
  const prefixes = c.prefixes.map((p, i) => {
    if (typeof p !== 'string') return p;
    try {
      return parsePrefixLine(p);
    } catch (e) {
      const node = doc.getIn(['prefixes', i], true) as { range?: [number, number, number] } | undefined;
      throw new ConfigError(`${file}:${node?.range ? counter.linePos(node.range[0]).line : 1}: prefixes: ${(e as Error).message}`, fix);
    }
  });
  let maxFileSize: number | undefined;
  try {
    maxFileSize = c.maxFileSize === undefined ? undefined : parseSize(c.maxFileSize);
  } catch (e) {
    throw new ConfigError(`${file}: maxFileSize: ${(e as Error).message}`, fix);
  }
  const base = dirname(file);
  return {
    file,
    ruleFiles: c.rules.map((r) => resolve(base, r)),
    prefixes,
    disable: c.disable,
    allowlist: c.allowlist,
    maxFileSize,
  };
}

/** Loads `explicit` (must exist) or the first config file found in `root`. */
export function loadConfig(root: string, explicit?: string): Config {
  const file = explicit ?? CONFIG_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (file === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the --config path');
  }
  return parseConfig(text, file);
}
