// Capture groups are counted from a pattern's source (no regex run at start-up): the count must be what V8 finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { countCaptureGroups } from '../../src/detect/matcher.ts';

/** What V8 says: a pattern that also matches the empty string reports one entry per group. */
const v8Count = (source: string): number => new RegExp(`${source}|`).exec('')!.length - 1;

test('every built-in rule: the counted groups are the groups V8 finds', () => {
  const dir = join(import.meta.dirname, '..', '..', 'rules');
  let n = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    const pack = parse(readFileSync(join(dir, file), 'utf8')) as { rules?: { id: string; regex?: string }[] };
    for (const rule of pack.rules ?? []) {
      if (rule.regex === undefined) continue;
      const source = rule.regex.replace(/^\(\?[a-z]+\)/, '');
      assert.equal(countCaptureGroups(source), v8Count(source), `${file}: ${rule.id}`);
      n++;
    }
  }
  assert.ok(n > 150, `${n} rules checked`);
});

test('escapes, classes, lookarounds, named and non-capturing groups', () => {
  for (const source of [
    'a(b)c',
    '\\(a\\)',
    '[(]x[)]',
    '[\\]()]+(y)',
    '[]](z)',
    '[^](z)',
    '(?:a)(?=b)(?!c)(?<=d)(?<!e)',
    '(?<name>a)(?<other>b)',
    '((a)(b(c)))',
    '(?i:x)(y)',
    '\\\\(a)',
    'a|b',
  ])
    assert.equal(countCaptureGroups(source), v8Count(source), source);
});
