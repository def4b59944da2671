// Custom-prefix declarations: the schema and the one-line form "PREFIX CHARSET LENGTH".
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import { CHARSETS, type Charset, type PrefixSpec } from '../model/prefix.ts';

const CHARSET_NAMES = Object.keys(CHARSETS) as [Charset, ...Charset[]];

/** Bounds of a prefix token's body: long enough to be random, short enough to stay cheap to match. */
export const MIN_BODY = 8;
export const MAX_BODY = 512;

/** The body length, `N` or `N-M` (a number or a string), within MIN_BODY..MAX_BODY: one bound for both forms. */
const lengthSchema = z
  .union([
    z.number().int(),
    z.string().regex(/^\d{1,9}(-\d{1,9})?$/, 'a length is N or N-M, e.g. 32 or 20-40'),
  ])
  .superRefine((v, ctx) => {
    const [min, max = min] = String(v).split('-').map(Number) as [number, number?];
    if (min < MIN_BODY || max > MAX_BODY || min > max)
      ctx.addIssue({
        code: 'custom',
        message: `a length is N or N-M with ${MIN_BODY} ≤ N ≤ M ≤ ${MAX_BODY} characters, not ${v}`,
      });
  });

export const prefixObjectSchema = z
  .object({
    prefix: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[\x21-\x7e]+$/, 'a prefix is printable ASCII without spaces'),
    charset: z.enum(CHARSET_NAMES),
    length: lengthSchema,
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/)
      .optional(),
    kind: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .optional(),
    description: z.string().max(200).optional(),
    severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
  })
  .strict();

const ONE_LINE = /^\s*(\S+)\s+([A-Za-z0-9]+)\s+(\d+(?:-\d+)?)\s*$/;

/** Parses the one-line form `PREFIX CHARSET LENGTH` (LENGTH may be `N-M`). */
export function parsePrefixLine(line: string): PrefixSpec {
  const m = ONE_LINE.exec(line);
  if (m === null) {
    throw new Error(`"${line}" is not of the form "PREFIX CHARSET LENGTH", e.g. "acme_live_ base62 32"`);
  }
  const parsed = prefixObjectSchema.safeParse({ prefix: m[1], charset: m[2], length: m[3] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const detail =
      issue.path[0] === 'charset'
        ? `unknown charset "${m[2]}" (one of ${CHARSET_NAMES.join(', ')})`
        : issue.message;
    throw new Error(`"${line}": ${detail}`);
  }
  return parsed.data;
}
