// Rule self-test: every example must yield a match of its rule, every negative example none.
import { scanFragment } from '../detect/engine.ts';
import { buildRuleset } from '../detect/ruleset.ts';
import {
  confidenceRank,
  DEFAULT_MIN_CONFIDENCE,
  exampleOf,
  type CompiledRule,
  type RuleExample,
} from '../model/rule.ts';

export interface ExampleFailure {
  readonly ruleId: string;
  readonly example: RuleExample;
  readonly expected: 'match' | 'no match';
}

/**
 * Runs a rule alone over its own examples, through the whole engine (keywords, entropy, allowlist, value and
 * context). An example must be reported at some confidence; a negative example must not be reported at the
 * default confidence (or at all, for a rule whose own confidence is below it): a placeholder-like word a generic
 * rule keeps at low confidence is still a good negative example.
 */
export function checkExamples(rule: CompiledRule): ExampleFailure[] {
  const ruleset = buildRuleset([rule]);
  const floor = Math.min(confidenceRank(rule.confidence), confidenceRank(DEFAULT_MIN_CONFIDENCE));
  const run = (example: RuleExample, atLeast = 0): number => {
    const { text, path } = exampleOf(example);
    return scanFragment({ text, path, provenance: { kind: 'stdin', name: path } }, ruleset).matches.filter(
      (m) => confidenceRank(m.confidence) >= atLeast,
    ).length;
  };
  const failures: ExampleFailure[] = [];
  for (const example of rule.spec.examples) {
    if (run(example) === 0) failures.push({ ruleId: rule.spec.id, example, expected: 'match' });
  }
  for (const example of rule.spec.negativeExamples) {
    if (run(example, floor) > 0) failures.push({ ruleId: rule.spec.id, example, expected: 'no match' });
  }
  return failures;
}
