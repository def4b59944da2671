// Built-in rule catalogue: every rule's examples match and its negative examples do not; ids are unique.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBuiltinRules } from '../../src/catalog/load.ts';
import { checkExamples } from '../../src/catalog/check.ts';
import { scanFragment } from '../../src/detect/engine.ts';
import { buildRuleset } from '../../src/detect/ruleset.ts';
import { exampleOf } from '../../src/model/rule.ts';
import { dropShadowedGeneric } from '../../src/findings/pipeline.ts';

const rules = await loadBuiltinRules();

test('the built-in catalogue is broad: at least 60 rules', () => {
  assert.ok(rules.length >= 60, `only ${rules.length} built-in rules`);
});

test('every built-in rule id is unique across packs', () => {
  const seen = new Map<string, string>();
  for (const r of rules) {
    const first = seen.get(r.spec.id);
    assert.equal(
      first,
      undefined,
      `rule "${r.spec.id}" is defined in ${first} and again in ${r.origin.file}`,
    );
    seen.set(r.spec.id, r.origin.file);
  }
});

test('every built-in rule has a keyword, so the prefilter can skip it', () => {
  const keywordless = rules.filter((r) => r.keywords.length === 0).map((r) => r.spec.id);
  assert.deepEqual(keywordless, []);
});

test('every built-in rule runs on the native engine and has examples and negative examples', () => {
  for (const r of rules) {
    assert.equal(r.matcher.engine, 'native', r.spec.id);
    assert.ok(r.spec.examples.length >= 2, `rule "${r.spec.id}" needs at least two examples`);
    assert.ok(r.spec.negativeExamples.length >= 1, `rule "${r.spec.id}" needs at least one negative example`);
  }
});

for (const rule of rules) {
  test(`rule ${rule.spec.id} (${rule.origin.file}) matches its examples and not its negative examples`, () => {
    const failures = checkExamples(rule);
    assert.deepEqual(
      failures,
      [],
      failures.map((f) => `expected ${f.expected} on ${JSON.stringify(f.example)}`).join('\n'),
    );
  });
}

test("one secret is one finding: no other rule reports a secret found in a rule's examples", () => {
  const all = buildRuleset(rules);
  const clashes: string[] = [];
  for (const rule of rules) {
    for (const { text, path } of rule.spec.examples.map(exampleOf)) {
      // What a report shows: a generic rule's match yields to the specific rule that matched the same place.
      const matches = dropShadowedGeneric(
        scanFragment({ text, path, provenance: { kind: 'stdin', name: path } }, all).matches,
      );
      const own = matches.filter((m) => m.ruleId === rule.spec.id).map((m) => m.secret);
      for (const m of matches) {
        if (m.ruleId !== rule.spec.id && own.some((s) => s.includes(m.secret) || m.secret.includes(s))) {
          clashes.push(
            `${rule.spec.id} and ${m.ruleId} both report ${JSON.stringify(m.secret.slice(0, 40))}`,
          );
        }
      }
    }
  }
  assert.deepEqual(clashes, []);
});
