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

/** Below this speed on ordinary code a rule is out of line: well-anchored rules run at hundreds of MB/s or more. */
export const SLOW_RULE_MBPS = 20;

/**
 * ~1 MB of ordinary code with the rule's keywords in it every 20 lines, as the prefilter would let the rule see it:
 * the common case, text that holds no credential.
 */
function sampleText(rule: CompiledRule): string {
  const filler = 'const value = computeSomething(input, options); // a line of ordinary code\n';
  const keywords = rule.spec.keywords.length > 0 ? rule.spec.keywords : [''];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    const line = i % 20 === 0 ? `${keywords[(i / 20) % keywords.length]} ${filler}` : filler;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/** The rule's regex speed on the sample text in MB/s: the best of three runs (the first also compiles the regex). */
export function ruleSpeed(rule: CompiledRule): number {
  const text = sampleText(rule);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    const it = rule.matcher.hits(text, Infinity, () => 0)[Symbol.iterator]();
    for (let n = 0; n <= 100_000 && it.next().done !== true; n++);
    best = Math.min(best, performance.now() - t);
  }
  return text.length / 1e6 / (Math.max(best, 0.01) / 1000);
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
        message: `slow: its regex runs at ${mbps.toFixed(1)} MB/s on ordinary code (well-anchored rules run at hundreds); anchor it on a literal, bound its repeats, or narrow its keywords (keyspill rules profile shows it on your files)`,
      });
  }
  return { file: display, rules: pack.rules.length, problems, warnings };
}
