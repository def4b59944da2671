// Rule pack parsing: YAML text to validated rule specs, with errors that name file, rule and line.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { CONFIDENCES, SEVERITIES, type RuleSpec } from '../model/rule.ts';

const allowlistSchema = z
  .object({
    paths: z.array(z.string()).default([]),
    regexes: z.array(z.string()).default([]),
    regexTarget: z.enum(['secret', 'match', 'line']).default('secret'),
    stopwords: z.array(z.string()).default([]),
  })
  .strict();

/** An example: a string, or (for a rule with `paths`) `{path, text}`: the text as found at that path. */
const exampleSchema = z.union([z.string(), z.object({ path: z.string().min(1), text: z.string() }).strict()]);

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"'),
    description: z.string().min(1),
    kind: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and "-"'),
    severity: z.enum(SEVERITIES as [string, ...string[]]).default('high'),
    tags: z.array(z.string()).default([]),
    keywords: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[\x20-\x7e]+$/, 'keywords must be printable ASCII'),
      )
      .default([]),
    regex: z.string().min(1),
    secretGroup: z.number().int().min(0).optional(),
    identifierGroup: z.number().int().min(0).optional(),
    pairWith: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a rule id')
      .optional(),
    entropy: z.number().min(0).max(8).optional(),
    confidence: z.enum(CONFIDENCES as [string, ...string[]]).optional(),
    fieldGroup: z.number().int().min(0).optional(),
    field: z.string().min(1).optional(),
    paths: z.array(z.string().min(1)).min(1).optional(),
    allowlist: allowlistSchema.optional(),
    examples: z.array(exampleSchema).min(1, 'every rule needs at least one example that it matches'),
    negativeExamples: z.array(exampleSchema).default([]),
  })
  .strict();

export const packSchema = z.object({ rules: z.array(z.unknown()) }).strict();

export type ParsedRule = z.infer<typeof ruleSchema>;

/** A problem in a rule file, with enough context to fix it. */
export interface PackProblem {
  readonly file: string;
  readonly line: number | undefined;
  readonly ruleId: string | undefined;
  readonly message: string;
}

export function formatProblem(p: PackProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.ruleId === undefined ? '' : `rule "${p.ruleId}": `}${p.message}`;
}

export interface ParsedPack {
  readonly rules: RuleSpec[];
  readonly problems: PackProblem[];
  /** Line of each rule's start, by rule index. */
  readonly lines: (number | undefined)[];
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(path as (string | number)[], true) as
    { range?: [number, number, number] } | undefined;
  return node?.range ? counter.linePos(node.range[0]).line : undefined;
}

const MAX_ALIASES = 100;

/** Parses and validates a rule pack; never throws for bad content, returns problems instead. */
export function parsePack(text: string, file: string): ParsedPack {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      rules: [],
      lines: [],
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line,
        ruleId: undefined,
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    return {
      rules: [],
      lines: [],
      problems: [
        { file, line: undefined, ruleId: undefined, message: `invalid YAML: ${(e as Error).message}` },
      ],
    };
  }
  const top = packSchema.safeParse(data);
  if (!top.success) {
    return {
      rules: [],
      lines: [],
      problems: [
        {
          file,
          line: 1,
          ruleId: undefined,
          message: 'a rule file is a mapping with one key, "rules:", holding a list of rules',
        },
      ],
    };
  }
  const rules: RuleSpec[] = [];
  const lines: (number | undefined)[] = [];
  const problems: PackProblem[] = [];
  const seen = new Map<string, number>();
  top.data.rules.forEach((raw, i) => {
    const id =
      typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : `#${i + 1}`;
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        problems.push({
          file,
          line: lineOf(doc, counter, ['rules', i, ...issue.path]) ?? lineOf(doc, counter, ['rules', i]),
          ruleId: id,
          message: `${field === '' ? '' : `${field}: `}${issue.message}`,
        });
      }
      return;
    }
    const line = lineOf(doc, counter, ['rules', i]);
    if (seen.has(parsed.data.id)) {
      problems.push({
        file,
        line,
        ruleId: id,
        message: `duplicate id (first defined at line ${seen.get(parsed.data.id)})`,
      });
      return;
    }
    seen.set(parsed.data.id, line ?? 0);
    rules.push(parsed.data as RuleSpec);
    lines.push(line);
  });
  return { rules, problems, lines };
}
