// `rules check` service: schema, regex and examples of one or more rule files, as a list of problems.
import { readFileSync } from 'node:fs';
import { reasonOf } from '../errors.ts';
import { checkExamples } from './check.ts';
import { compilePack } from './load.ts';
import type { CompiledRule } from '../model/rule.ts';
import type { PackProblem } from './pack.ts';

export interface FileCheck {
  readonly file: string;
  readonly rules: number;
  readonly problems: readonly PackProblem[];
  /** Rules whose cost is out of line (valid, but they will slow every scan their keywords occur in). */
  readonly warnings: readonly PackProblem[];
}

/** Below this speed on the sample text a rule is out of line: built-in rules run at hundreds of MB/s. */
export const SLOW_RULE_MBPS = 20;

/** ~1 MB of source-like text with the rule's keywords and examples in it, so its regex really runs. */
function sampleText(rule: CompiledRule): string {
  const filler = 'const value = computeSomething(input, options); // a line of ordinary code\n';
  const seeds = [...rule.spec.examples, ...rule.spec.negativeExamples, ...rule.spec.keywords];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    const line = i % 20 === 0 ? `${seeds[(i / 20) % seeds.length] ?? ''}\n` : filler;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/** The rule's regex speed on the sample text, in MB/s. */
export function ruleSpeed(rule: CompiledRule): number {
  const text = sampleText(rule);
  const t = performance.now();
  const hits = rule.matcher.hits(text, Infinity, () => 0);
  const it = hits[Symbol.iterator]();
  for (let n = 0; n <= 100_000 && it.next().done !== true; n++);
  const ms = Math.max(performance.now() - t, 0.01);
  return text.length / 1e6 / (ms / 1000);
}

export async function checkRuleFile(path: string, display: string, builtin = false): Promise<FileCheck> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      file: display,
      rules: 0,
      warnings: [],
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
  const warnings: PackProblem[] = [];
  for (const rule of pack.rules) {
    const mbps = ruleSpeed(rule);
    if (mbps < SLOW_RULE_MBPS)
      warnings.push({
        file: display,
        line: undefined,
        ruleId: rule.spec.id,
        message: `slow: its regex runs at ${mbps.toFixed(1)} MB/s on ordinary code (built-in rules run at hundreds); anchor it on a literal, bound its repeats, or narrow its keywords (keyspill rules profile shows it on your files)`,
      });
  }
  return { file: display, rules: pack.rules.length, problems, warnings };
}
