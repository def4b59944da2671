// .keyspill.yaml parsing: YAML + schema, with errors that name the file, the line and the field.
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { parsePrefixLine, prefixObjectSchema } from '../catalog/prefix-schema.ts';
import { parseSize } from './size.ts';
import { EMPTY_RESPOND, type Config } from './types.ts';

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
    respond: z
      .object({
        runbooks: z.string().optional(),
        knownCidrs: z.array(z.string()).default([]),
        regions: z
          .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'))
          .default([]),
        usedRegions: z.array(z.string()).default([]),
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
export function parseConfig(text: string, file: string): Config {
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
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
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
  const base = dirname(file);
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
