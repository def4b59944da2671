// Test helpers: compile a rule spec quickly, scan a text with it.
import { compileRule } from '../../src/catalog/compile.ts';
import { buildRuleset, DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../../src/detect/ruleset.ts';
import { scanFragment } from '../../src/detect/engine.ts';
import type { CompiledAllowlist, CompiledRule, RuleOrigin, RuleSpec } from '../../src/model/rule.ts';
import type { Fragment } from '../../src/model/fragment.ts';

export function rule(
  partial: Partial<RuleSpec> & Pick<RuleSpec, 'regex'>,
  origin: RuleOrigin['type'] = 'builtin',
): CompiledRule {
  return compileRule(
    {
      id: 'test-rule',
      description: 'test rule',
      kind: 'test',
      severity: 'high',
      tags: [],
      keywords: [],
      examples: ['x'],
      negativeExamples: [],
      ...partial,
    } as RuleSpec,
    { type: origin, file: 'test' },
  );
}

export function scan(
  text: string,
  rules: CompiledRule[],
  extra: Partial<Fragment> = {},
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  global?: CompiledAllowlist,
) {
  return scanFragment(
    { text, path: 'f.txt', provenance: { kind: 'file', path: 'f.txt' }, ...extra },
    buildRuleset(rules, global, options),
  );
}
