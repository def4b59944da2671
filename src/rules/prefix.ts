// Custom-prefix rules: "acme_live_ base62 32" in .keyspill.yaml becomes a full rule.
import { z } from 'zod';
import type { RuleSpec, Severity } from '../model/rule.ts';
import { SEVERITIES } from '../model/rule.ts';

export const CHARSETS = {
  base62: 'A-Za-z0-9',
  base64: 'A-Za-z0-9+/',
  base64url: 'A-Za-z0-9_-',
  base32: 'A-Z2-7',
  hex: '0-9a-f',
  HEX: '0-9A-F',
  alnum: 'A-Za-z0-9',
  lower: 'a-z0-9',
  upper: 'A-Z0-9',
  digits: '0-9',
} as const;
export type Charset = keyof typeof CHARSETS;
const CHARSET_NAMES = Object.keys(CHARSETS) as [Charset, ...Charset[]];

export const prefixObjectSchema = z
  .object({
    prefix: z.string().min(2).regex(/^[\x21-\x7e]+$/, 'a prefix is printable ASCII without spaces'),
    charset: z.enum(CHARSET_NAMES),
    length: z.union([z.number().int().min(8).max(512), z.string().regex(/^\d+(-\d+)?$/, 'a length is N or N-M')]),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).optional(),
    kind: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
    description: z.string().optional(),
    severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
  })
  .strict();
export type PrefixSpec = z.infer<typeof prefixObjectSchema>;

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
    const detail = issue.path[0] === 'charset' ? `unknown charset "${m[2]}" (one of ${CHARSET_NAMES.join(', ')})` : issue.message;
    throw new Error(`"${line}": ${detail}`);
  }
  return parsed.data;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function slug(prefix: string): string {
  return prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'prefix';
}

/** A random-looking example of the token, so the compiled rule carries a self-test like any other. */
function exampleBody(charset: Charset, n: number): string {
  const chars = [...new Set(expand(CHARSETS[charset]))];
  let out = '';
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += chars[(x >>> 16) % chars.length];
  }
  return out;
}

function expand(cls: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < cls.length; i++) {
    if (cls[i + 1] === '-' && i + 2 < cls.length) {
      for (let c = cls.charCodeAt(i); c <= cls.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c));
      i += 2;
    } else out.push(cls[i]!);
  }
  return out;
}

/** Compiles a prefix declaration into a rule spec with keyword, anchored regex and entropy floor. */
export function prefixRule(p: PrefixSpec): RuleSpec {
  const [min, max] = String(p.length).split('-').map(Number) as [number, number | undefined];
  const cls = CHARSETS[p.charset];
  const quant = max === undefined ? `{${min}}` : `{${min},${max}}`;
  const boundary = `(?<![${cls}])`;
  const regex = `${boundary}(${escapeRegex(p.prefix)}[${cls}]${quant})(?![${cls}])`;
  const example = p.prefix + exampleBody(p.charset, min);
  return {
    id: p.id ?? `custom.${slug(p.prefix)}`,
    description: p.description ?? `Custom token with prefix "${p.prefix}" (${p.charset}, ${p.length} chars)`,
    kind: p.kind ?? `custom-${slug(p.prefix)}`,
    severity: p.severity ?? 'high',
    tags: ['custom'],
    keywords: [p.prefix],
    regex,
    secretGroup: 1,
    // A placeholder such as acme_live_xxxxxxxx… has entropy near zero; real random bodies are far above this.
    entropy: 2.5,
    examples: [`token = "${example}"`],
    negativeExamples: [`token = "${p.prefix}${'x'.repeat(min)}"`, `token = "${p.prefix}${exampleBody(p.charset, min - 1)}"`],
  };
}
