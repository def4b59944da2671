// Property: scanning an item in overlapping windows finds exactly what scanning it whole finds, at the same places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/fuzz.ts';
import { scanFragment } from '../../src/detect/engine.ts';
import { contentEvents } from '../../src/sources/content.ts';
import { builtinRuleset } from '../git/helpers.ts';

const LINES = [
  'const value = computeSomething(input, options);',
  'aws_secret_access_key = Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie',
  'AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7XYA',
  'token: ghp_4f9a1c7e4b2d8f6a0e5c9b3d7a1f4e8c2b6d',
  'postgres://admin:S3cr3tPassw0rd@db.internal:5432/app',
  'x'.repeat(300),
  '',
  'naïve café ☕ 𝄞 text',
  // A long line: windows start in the middle of it, so columns must carry over.
  `${'y '.repeat(1300)}token AKIAQYLPMN5HFIQR7XYA ${'z '.repeat(1300)}`,
];

test('windowed and whole scans agree (secrets straddling window edges included)', async () => {
  const ruleset = await builtinRuleset();
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...LINES.keys()), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1024, max: 4096 }),
      async (picks, windowBytes) => {
        const text = `${picks.map((i) => LINES[i]).join('\n')}\n`;
        const key = (m: { secret: string; location: { line: number; column: number } }): string =>
          `${m.secret}@${m.location.line}:${m.location.column}`;
        const whole = scanFragment({ text, path: 'f', provenance: { kind: 'file', path: 'f' } }, ruleset)
          .matches.map(key)
          .sort();
        const windowed: string[] = [];
        for await (const ev of contentEvents(
          Buffer.from(text),
          { maxFileSize: 1e9, includeBinary: false, windowBytes, overlapBytes: 512 },
          { path: 'f', provenance: { kind: 'file', path: 'f' } },
        )) {
          if (ev.type === 'fragment') windowed.push(...scanFragment(ev.fragment, ruleset).matches.map(key));
        }
        assert.deepEqual(windowed.sort(), whole);
      },
    ),
    { numRuns: runs(60) },
  );
});
