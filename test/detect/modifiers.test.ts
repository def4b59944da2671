// Modifier lowering (for Node 22): every built-in rule using (?i:…)/(?-i:…) behaves the same once lowered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNative } from '../../src/detect/matcher.ts';
import { lowerModifiers } from '../../src/detect/modifiers.ts';
import { checkExamples } from '../../src/catalog/check.ts';
import { loadBuiltinRules } from '../../src/catalog/load.ts';
import { exampleOf } from '../../src/model/rule.ts';
import { scan } from '../helpers/rules.ts';

const cases: [string, boolean, string][] = [
  ['(?i:ab)c', false, '(?:[aA][bB])c'],
  ['x(?-i:Key)y', true, '[xX](?:Key)[yY]'],
  ['(?i:[a-c_]+)', false, '(?:[a-c_A-C]+)'],
  ['(?<name>ab)(?i:\\d\\x41)', false, '(?<name>ab)(?:\\d\\x41)'],
  ['(?<=(?i:ab))c', false, '(?<=(?:[aA][bB]))c'],
  ['(?i:[^\\]a])', false, '(?:[^\\]aA])'],
];
for (const [input, flag, expected] of cases) {
  test(`lowerModifiers(${input}, i=${flag})`, () => assert.equal(lowerModifiers(input, flag), expected));
}

test('every built-in rule with modifiers gives the same secrets on its examples once lowered', async () => {
  const rules = (await loadBuiltinRules()).filter((r) => /\(\?-?i:/.test(r.spec.regex));
  assert.ok(rules.length > 10, `${rules.length} rules use modifiers`);
  for (const rule of rules) {
    const lowered = { ...rule, matcher: compileNative(rule.spec.regex, rule.spec.secretGroup, false) };
    assert.deepEqual(checkExamples(lowered), [], rule.spec.id);
    for (const { text } of [...rule.spec.examples, ...rule.spec.negativeExamples].map(exampleOf)) {
      const secrets = (r: typeof rule) => scan(text, [r]).matches.map((m) => m.secret);
      assert.deepEqual(secrets(lowered), secrets(rule), `${rule.spec.id}: ${text}`);
    }
  }
});
