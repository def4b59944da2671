// `rules check` service: schema, regex and examples of one or more rule files, as a list of problems.
import { readFileSync } from 'node:fs';
import { reasonOf } from '../errors.ts';
import { checkExamples } from './check.ts';
import { compilePack } from './load.ts';
import type { PackProblem } from './pack.ts';

export interface FileCheck {
  readonly file: string;
  readonly rules: number;
  readonly problems: readonly PackProblem[];
}

export async function checkRuleFile(path: string, display: string, builtin = false): Promise<FileCheck> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      file: display,
      rules: 0,
      problems: [
        {
          file: display,
          line: undefined,
          ruleId: undefined,
          message: `cannot read: ${reasonOf(e)}`,
        },
      ],
    };
  }
  const pack = await compilePack(text, display, { type: builtin ? 'builtin' : 'file', file: display });
  const problems: PackProblem[] = [...pack.problems];
  for (const rule of pack.rules) {
    for (const f of checkExamples(rule)) {
      problems.push({
        file: display,
        line: undefined,
        ruleId: f.ruleId,
        message:
          f.expected === 'match'
            ? `example does not match: ${JSON.stringify(f.example)}`
            : `negative example matches: ${JSON.stringify(f.example)}`,
      });
    }
  }
  return { file: display, rules: pack.rules.length, problems };
}
