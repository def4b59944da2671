// `rules check` service: schema, regex and examples of one or more rule files, as a list of problems.
import { readFileSync } from 'node:fs';
import { reasonOf } from '../errors.ts';
import { checkExamples } from './check.ts';
import { compilePack } from './load.ts';
import { compileNative, compileRe2 } from '../detect/matcher.ts';
import type { CompiledRule } from '../model/rule.ts';
import type { PackProblem } from './pack.ts';

export interface FileCheck {
  readonly file: string;
  readonly rules: number;
  readonly problems: readonly PackProblem[];
  /** Rules whose cost is out of line (valid, but they will slow every scan their keywords occur in). */
  readonly warnings: readonly PackProblem[];
}

/** A rule this many times slower than a literal-anchored rule on the same text is out of line. */
export const SLOW_RULE_FACTOR = 20;

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

function speedOn(matcher: CompiledRule['matcher'], text: string): number {
  let best = Infinity;
  // Best of three: the first run also pays for compiling the regex.
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    const it = matcher.hits(text, Infinity, () => 0)[Symbol.iterator]();
    for (let n = 0; n <= 100_000 && it.next().done !== true; n++);
    best = Math.min(best, performance.now() - t);
  }
  return text.length / 1e6 / (Math.max(best, 0.01) / 1000);
}

/**
 * The rule's regex speed on the sample text, in MB/s, and how many times slower it is than a simple literal-anchored
 * rule on the same engine measured now (a ratio, so a busy machine does not make every rule look slow).
 */
export function ruleSpeed(rule: CompiledRule): { mbps: number; slowdown: number } {
  const text = sampleText(rule);
  const reference =
    rule.matcher.engine === 're2'
      ? compileRe2('acme_live_([A-Za-z0-9]{32})', 1)
      : compileNative('acme_live_([A-Za-z0-9]{32})', 1);
  const mbps = speedOn(rule.matcher, text);
  return { mbps, slowdown: speedOn(reference, text) / mbps };
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
    const { mbps, slowdown } = ruleSpeed(rule);
    if (slowdown > SLOW_RULE_FACTOR)
      warnings.push({
        file: display,
        line: undefined,
        ruleId: rule.spec.id,
        message: `slow: its regex runs ${slowdown.toFixed(0)}x slower than a literal-anchored rule on ordinary code (${mbps.toFixed(1)} MB/s); anchor it on a literal, bound its repeats, or narrow its keywords (keyspill rules profile shows it on your files)`,
      });
  }
  return { file: display, rules: pack.rules.length, problems, warnings };
}
