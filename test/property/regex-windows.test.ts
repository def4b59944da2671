// Property: a rule's regex run only around its keywords finds exactly what it finds over the whole text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/fuzz.ts';
import { keywordEnds, matchStarts, scanFragment } from '../../src/detect/engine.ts';
import type { Ruleset } from '../../src/detect/ruleset.ts';
import { exampleOf, type CompiledRule, type RegexHit } from '../../src/model/rule.ts';
import { builtinRuleset } from '../git/helpers.ts';

/** The same ruleset with no rule windowed: every regex over the whole text, as before windows. */
function wholeRuleset(ruleset: Ruleset): Ruleset {
  const rules: CompiledRule[] = ruleset.rules.map((r) => ({
    ...r,
    matcher: { engine: r.matcher.engine, hits: (t, d, n) => r.matcher.hits(t, d, n) },
  }));
  return { ...ruleset, rules };
}

const never = (): number => 0;

/** Each windowed rule's hits over `text`, windowed and whole; they must be the same. */
function compareRules(ruleset: Ruleset, text: string): number {
  const out = new Uint8Array(ruleset.rules.length);
  const keywordHits: number[] = [];
  ruleset.prefilter.candidates(text, out, undefined, keywordHits);
  const ends = keywordEnds(ruleset.prefilter, keywordHits, ruleset.rules.length);
  let compared = 0;
  ruleset.rules.forEach((rule, r) => {
    const window = rule.matcher.window;
    if (out[r] !== 1 || window === undefined) return;
    const starts = matchStarts(text.length, window, ends[r] ?? []);
    const whole: RegexHit[] = [...rule.matcher.hits(text, Infinity, never)];
    const windowed: RegexHit[] = [...rule.matcher.hits(text, Infinity, never, starts)];
    assert.deepEqual(windowed, whole, `${rule.spec.id} over ${JSON.stringify(text.slice(0, 300))}`);
    compared += whole.length;
  });
  return compared;
}

const SEPARATORS = [' ', '=', ': ', '"', "'", '\n', '\r\n', '\t', '://', '@', ':', ',', '.', '_', '-', '/'];

function pieces(ruleset: Ruleset): string[] {
  const out = new Set<string>();
  for (const rule of ruleset.rules) {
    for (const e of rule.spec.examples) out.add(exampleOf(e).text);
    for (const e of rule.spec.negativeExamples) out.add(exampleOf(e).text);
    for (const k of rule.keywords) out.add(k);
    for (const a of rule.matcher.window?.anchors ?? []) out.add(a);
  }
  return [...out].filter((p) => p.length <= 4000);
}

test('every rule example: windowed and whole-text regex hits agree, at every offset around a window edge', async () => {
  const ruleset = await builtinRuleset();
  let compared = 0;
  for (const rule of ruleset.rules) {
    const window = rule.matcher.window;
    if (window === undefined) continue;
    for (const e of [...rule.spec.examples, ...rule.spec.negativeExamples]) {
      const text = exampleOf(e).text;
      // Pads that put the example (and its keyword) around the window and reach limits of a neighbour.
      const { maxLen, ahead, behind } = window;
      for (const pad of [
        0,
        1,
        maxLen - 1,
        maxLen,
        ahead - 1,
        ahead + 3,
        behind,
        behind + 3,
        ahead + behind,
      ]) {
        const filler = 'a1 '.repeat(Math.ceil(pad / 3)).slice(0, pad);
        compared += compareRules(ruleset, `${text}${filler}${text}`);
        compared += compareRules(ruleset, `${filler}${text}\n${filler}${text.toUpperCase()}${filler}`);
      }
    }
  }
  assert.ok(compared > 100, `only ${compared} hits compared`);
});

test('windowed and whole-text matching agree over random mixes of examples, keywords, separators and noise', async () => {
  const ruleset = await builtinRuleset();
  const parts = pieces(ruleset);
  const examples = ruleset.rules
    .filter((r) => r.matcher.window !== undefined)
    .flatMap((r) => r.spec.examples.map((e) => exampleOf(e).text));
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...examples) },
    { weight: 4, arbitrary: fc.constantFrom(...parts) },
    { weight: 3, arbitrary: fc.constantFrom(...SEPARATORS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9+/]{16,80}$/) },
    // Long runs: blanks (the line-bounded repeats), and filler that moves keywords across window edges.
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2500 }).map((n) => ' '.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2500 }).map((n) => 'x'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => '\n'.repeat(n)) },
  );
  const whole = wholeRuleset(ruleset);
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 60 }), fc.boolean(), async (picks, upper) => {
      const joined = picks.join('');
      const text = upper ? joined.toUpperCase() : joined;
      compared += compareRules(ruleset, text);
      const fragment = { text, path: 'config/app.env', provenance: { kind: 'file' as const, path: 'f' } };
      assert.deepEqual(scanFragment(fragment, ruleset), scanFragment(fragment, whole));
    }),
    { numRuns: runs(300) },
  );
  // The mixes must make real matches (not only misses) for the comparison to mean something.
  assert.ok(compared > 150, `only ${compared} regex hits compared`);
});
