// .keyspill.yaml parsing: YAML + schema, with errors that name the file, the line and the field.
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { parsePrefixLine, prefixObjectSchema } from '../catalog/prefix-schema.ts';
import { parseSize } from './size.ts';
import { EMPTY_RESPOND, type Config } from './types.ts';

// A repository's .keyspill.yaml is read automatically, so it is untrusted input: every list and string is bounded.
const text = (max: number) => z.string().max(max, `at most ${max} characters`);
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max, `at most ${max} entries`);

const configSchema = z
  .object({
    version: z.literal(1).optional(),
    rules: list(text(4096), 100).default([]),
    prefixes: list(z.union([text(200), prefixObjectSchema]), 500).default([]),
    disable: list(text(200), 1000).default([]),
    allowlist: z
      .object({
        paths: list(text(1000), 1000).default([]),
        regexes: list(text(1000), 1000).default([]),
        stopwords: list(text(200), 1000).default([]),
      })
      .strict()
      .default({ paths: [], regexes: [], stopwords: [] }),
    maxFileSize: z.union([text(32), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]).optional(),
    respond: z
      .object({
        runbooks: text(4096).optional(),
        knownCidrs: list(text(64), 1000).default([]),
        regions: z
          .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'))
          .default([]),
        usedRegions: list(text(32), 100).default([]),
        notify: z
          .array(
            z.discriminatedUnion('type', [
              z.object({ type: z.literal('slack'), url: z.string().url() }).strict(),
              z
                .object({
                  type: z.literal('pagerduty'),
                  routingKey: z.string().min(1),
                  url: z.string().url().optional(),
                })
                .strict(),
              z
                .object({
                  type: z.literal('webhook'),
                  url: z.string().url(),
                  secretEnv: z.string().optional(),
                })
                .strict(),
            ]),
          )
          .default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Parses config text; errors name the file, the line and the field. */
export function parseConfig(text: string, file: string, path: string = file): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const fix = 'see "Configuration" in the README for the format';
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(
      `${file}:${e.linePos?.[0].line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`,
      fix,
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // An unresolved alias, or an alias bomb (yaml stops past maxAliasCount): the file is not a config.
    throw new ConfigError(`${file}: invalid YAML: ${(e as Error).message}`, fix, { cause: e });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
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
      throw new ConfigError(
        `${file}:${node?.range ? counter.linePos(node.range[0]).line : 1}: prefixes: ${(e as Error).message}`,
        fix,
        { cause: e },
      );
    }
  });
  let maxFileSize: number | undefined;
  try {
    maxFileSize = c.maxFileSize === undefined ? undefined : parseSize(c.maxFileSize);
  } catch (e) {
    throw new ConfigError(`${file}: maxFileSize: ${(e as Error).message}`, fix, { cause: e });
  }
  const base = dirname(path);
  return {
    file,
    ruleFiles: c.rules.map((r) => resolve(base, r)),
    prefixes,
    disable: c.disable,
    allowlist: c.allowlist,
    maxFileSize,
    respond:
      c.respond === undefined
        ? EMPTY_RESPOND
        : {
            runbooks: c.respond.runbooks === undefined ? undefined : resolve(base, c.respond.runbooks),
            knownCidrs: c.respond.knownCidrs,
            regions: c.respond.regions,
            usedRegions: c.respond.usedRegions,
            notify: c.respond.notify,
          },
  };
}
