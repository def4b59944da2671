// Runbook files: YAML + one zod schema; errors name the file, the line and the field.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { Json } from '../model/json.ts';
import type { Runbook } from '../model/runbook.ts';

const ID = /^[a-z][a-z0-9-]*$/;

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const stepSchema = z
  .object({
    id: z.string().regex(ID, 'lower-case letters, digits and dashes, starting with a letter'),
    kind: z.string().min(1),
    title: z.string().min(1),
    with: z.record(z.string(), jsonValue).default({}),
    when: z.string().optional(),
    milestones: z.array(z.enum(['contained', 'rotated', 'audited', 'notified'])).default([]),
  })
  .strict();

export const runbookSchema = z
  .object({
    version: z.literal(1).optional(),
    name: z.string().regex(ID, 'lower-case letters, digits and dashes, starting with a letter'),
    description: z.string().min(1),
    kinds: z.array(z.string().min(1)).min(1),
    params: z
      .record(
        z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'camelCase letters and digits'),
        z
          .object({
            description: z.string(),
            default: z.string().optional(),
            required: z.boolean().optional(),
          })
          .strict(),
      )
      .default({}),
    steps: z.array(stepSchema).min(1),
    finish: z.array(stepSchema).default([]),
    after: z.string().optional(),
  })
  .strict();

export interface RunbookProblem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

export function formatRunbookProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}

export interface ParsedRunbook {
  readonly runbook: Runbook | undefined;
  readonly problems: RunbookProblem[];
  /** The line of a YAML path (for later, semantic problems). */
  readonly lineOf: (path: readonly (string | number)[]) => number;
}

/** Parses runbook text: YAML, then the schema. Semantic checks (kinds, templates) are in runbook-check.ts. */
export function parseRunbook(text: string, file: string): ParsedRunbook {
  const counter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const lineOf = (path: readonly (string | number)[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return {
      runbook: undefined,
      problems: [
        {
          file,
          line: e.linePos?.[0].line ?? 1,
          path: '',
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
        },
      ],
      lineOf,
    };
  }
  const parsed = runbookSchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (!parsed.success) {
    return {
      runbook: undefined,
      problems: parsed.error.issues.map((i) => ({
        file,
        line: lineOf(i.path as (string | number)[]),
        path: pathText(i.path as (string | number)[]),
        message: i.message,
      })),
      lineOf,
    };
  }
  const d = parsed.data;
  const runbook: Runbook = {
    name: d.name,
    description: d.description,
    kinds: d.kinds,
    params: d.params,
    steps: d.steps,
    finish: d.finish,
    ...(d.after === undefined ? {} : { after: d.after }),
  };
  return { runbook, problems: [], lineOf };
}

export function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
