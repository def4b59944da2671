// Runbook checks beyond the schema: known step kinds, unique ids, inputs each kind accepts, every template reference.
import { z } from 'zod';
import type { Runbook, Section, StepSpec } from '../model/runbook.ts';
import { STEP_KINDS } from './steps/registry.ts';
import { isWellFormedRef, templateRefs, TEMPLATE_ROOTS } from './template.ts';
import type { RunbookProblem } from './runbook-schema.ts';

type LineOf = (path: readonly (string | number)[]) => number;

function inputShape(schema: unknown): Record<string, z.ZodType> | undefined {
  return schema instanceof z.ZodObject ? schema.shape : undefined;
}

/** Problems of a parsed runbook, each with its line. */
export function checkRunbook(rb: Runbook, file: string, lineOf: LineOf): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const add = (path: (string | number)[], message: string): void => {
    problems.push({
      file,
      line: lineOf(path),
      path: path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join(''),
      message,
    });
  };
  const seen = new Map<string, StepSpec>();
  const checkRefs = (
    value: unknown,
    path: (string | number)[],
    earlier: ReadonlyMap<string, StepSpec>,
  ): void => {
    for (const ref of templateRefs(value as never)) {
      if (!isWellFormedRef(ref)) {
        add(path, `"{{ ${ref} }}" is not a reference (write e.g. {{ credential.id }})`);
        continue;
      }
      const [root, a, b] = ref.split('.');
      if (!(root! in TEMPLATE_ROOTS)) {
        add(path, `{{ ${ref} }}: unknown root "${root}" (use ${Object.keys(TEMPLATE_ROOTS).join(', ')})`);
      } else if (root === 'params') {
        if (a === undefined || !(a in rb.params))
          add(path, `{{ ${ref} }}: no parameter "${a ?? ''}" is declared under params`);
      } else if (root === 'steps') {
        const step = a === undefined ? undefined : earlier.get(a);
        if (step === undefined) add(path, `{{ ${ref} }}: "${a ?? ''}" is not an earlier step`);
        else {
          const outs = STEP_KINDS.get(step.kind)?.outputs ?? [];
          if (b === undefined || !outs.includes(b))
            add(
              path,
              `{{ ${ref} }}: step ${a} (${step.kind}) has no output "${b ?? ''}" (it has: ${outs.join(', ') || 'none'})`,
            );
        }
      } else {
        const fields = TEMPLATE_ROOTS[root as 'incident' | 'credential'] as readonly string[];
        if (a === undefined || !fields.includes(a))
          add(path, `{{ ${ref} }}: ${root} has no field "${a ?? ''}" (it has: ${fields.join(', ')})`);
      }
    }
  };
  for (const [name, p] of Object.entries(rb.params))
    if (p.default !== undefined)
      checkRefs(p.default, ['params', name, 'default'], new Map([...rb.steps].map((s) => [s.id, s])));
  const sections: [Section, readonly StepSpec[]][] = [
    ['steps', rb.steps],
    ['finish', rb.finish],
  ];
  for (const [section, steps] of sections) {
    steps.forEach((step, i) => {
      const at = [section, i];
      if (seen.has(step.id)) add([...at, 'id'], `step id "${step.id}" is used twice`);
      const kind = STEP_KINDS.get(step.kind);
      if (kind === undefined) {
        add(
          [...at, 'kind'],
          `unknown step kind "${step.kind}" (known: ${[...STEP_KINDS.keys()].join(', ')})`,
        );
      } else {
        const shape = inputShape(kind.input);
        if (shape !== undefined) {
          for (const key of Object.keys(step.with))
            if (!(key in shape))
              add(
                [...at, 'with', key],
                `${step.kind} has no input "${key}" (it takes: ${Object.keys(shape).join(', ')})`,
              );
          for (const [key, s] of Object.entries(shape))
            if (!(key in step.with) && !s.safeParse(undefined).success)
              add([...at, 'with'], `${step.kind} needs input "${key}"`);
          // Literal values (no template) must already satisfy the kind's schema.
          for (const [key, v] of Object.entries(step.with)) {
            const s = shape[key];
            if (s !== undefined && templateRefs(v).length === 0) {
              const r = s.safeParse(v);
              if (!r.success) add([...at, 'with', key], r.error.issues[0]?.message ?? 'invalid value');
            }
          }
        }
      }
      for (const [key, v] of Object.entries(step.with)) checkRefs(v, [...at, 'with', key], seen);
      if (step.when !== undefined) checkRefs(step.when, [...at, 'when'], seen);
      seen.set(step.id, step);
    });
  }
  return problems;
}
