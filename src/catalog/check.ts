// Rule self-test: every example must yield a match of its rule, every negative example none.
import { scanFragment } from '../detect/engine.ts';
import { buildRuleset } from '../detect/ruleset.ts';
import { exampleOf, type CompiledRule, type RuleExample } from '../model/rule.ts';

export interface ExampleFailure {
  readonly ruleId: string;
  readonly example: RuleExample;
  readonly expected: 'match' | 'no match';
}

/** Runs a rule alone over its own examples, through the whole engine (keywords, entropy, allowlist). */
export function checkExamples(rule: CompiledRule): ExampleFailure[] {
  const ruleset = buildRuleset([rule]);
  const run = (example: RuleExample): number => {
    const { text, path } = exampleOf(example);
    return scanFragment({ text, path, provenance: { kind: 'stdin', name: path } }, ruleset).matches.length;
  };
  const failures: ExampleFailure[] = [];
  for (const example of rule.spec.examples) {
    if (run(example) === 0) failures.push({ ruleId: rule.spec.id, example, expected: 'match' });
  }
  for (const example of rule.spec.negativeExamples) {
    if (run(example) > 0) failures.push({ ruleId: rule.spec.id, example, expected: 'no match' });
  }
  return failures;
}
