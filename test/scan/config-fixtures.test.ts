// Real-world config files (test/fixtures/formats, one per format): every credential at its line, with its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadActiveRuleset } from '../../src/catalog/active.ts';
import { EMPTY_CONFIG } from '../../src/config/types.ts';
import { scanSource } from '../../src/scan/pipeline.ts';
import { dirSource } from '../../src/sources/dir.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'formats');
const { credentials } = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'formats.answers.json'), 'utf8'),
) as { credentials: { file: string; line: number; field: string | null; secret: string }[] };

const { ruleset } = await loadActiveRuleset({ config: EMPTY_CONFIG, ruleFiles: [], noBuiltin: false });
const { result } = await scanSource({
  source: dirSource({
    paths: ['.'],
    cwd: DIR,
    useGitignore: true,
    policy: { maxFileSize: 1e7, includeBinary: false },
  }),
  ruleset,
  ignored: new Set(),
  baseline: undefined,
  signal: new AbortController().signal,
});
const places = result.findings.flatMap((f) => f.locations.map((l) => ({ f, l })));

test('the fixtures cover the formats of issue 12, item 1', () => {
  assert.ok(credentials.length >= 70, `${credentials.length} credentials`);
  assert.ok(new Set(credentials.map((c) => c.file)).size >= 45);
});

for (const c of credentials) {
  test(`${c.file}:${c.line} ${c.field ?? '(key file)'} is found at the default confidence`, () => {
    const hits = places.filter(
      ({ f, l }) => l.path === c.file && l.line === c.line && f.secret.includes(c.secret),
    );
    assert.ok(
      hits.length > 0,
      `not found; findings in ${c.file}: ${places
        .filter(({ l }) => l.path === c.file)
        .map(({ f, l }) => `${f.ruleId}@${l.line}`)
        .join(', ')}`,
    );
    if (c.field !== null)
      assert.ok(
        hits.some(({ f }) => f.field === c.field),
        `field ${hits.map(({ f }) => f.field ?? 'none').join('/')}, expected ${c.field}`,
      );
  });
}

test('nothing else is reported in the fixtures', () => {
  const expected = (p: (typeof places)[number]) =>
    credentials.some((c) => p.l.path === c.file && p.l.line === c.line && p.f.secret.includes(c.secret));
  assert.deepEqual(
    places.filter((p) => !expected(p)).map(({ f, l }) => `${f.ruleId} at ${l.path}:${l.line}`),
    [],
  );
});
