// Regex bounds: which patterns may run in windows around their keywords, and how far a window must reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowBounds } from '../../src/detect/regex-bounds.ts';

const cases: [string, string, string[], ReturnType<typeof windowBounds>][] = [
  [
    'a literal prefix',
    'ghp_[A-Za-z0-9]{36}',
    ['ghp_'],
    { maxLen: 40, lead: 4, ahead: 40, behind: 0, lines: 0, newlines: 0, anchors: [] },
  ],
  [
    'lookarounds reach',
    '(?<![a-z])key=([a-z]{4})(?![a-z])',
    ['key'],
    { maxLen: 8, lead: 3, ahead: 10, behind: 2, lines: 0, newlines: 0, anchors: [] },
  ],
  [
    'a keyword across pieces',
    'api[_.-]?key=(\\d{2})',
    ['api_key', 'apikey', 'api-key', 'api.key'],
    { maxLen: 10, lead: 7, ahead: 10, behind: 0, lines: 0, newlines: 0, anchors: [] },
  ],
  [
    'a missing keyword becomes an anchor',
    'api[_.-]?key=(\\d{2})',
    ['api_key', 'apikey'],
    { maxLen: 10, lead: 7, ahead: 10, behind: 0, lines: 0, newlines: 0, anchors: ['api.key', 'api-key'] },
  ],
  [
    'every branch holds a keyword',
    '(?:foo|bar)x',
    ['foo', 'bar'],
    { maxLen: 4, lead: 3, ahead: 4, behind: 0, lines: 0, newlines: 0, anchors: [] },
  ],
  [
    'a blank run within a line',
    'tok(?=[ \\t]*$)',
    ['tok'],
    { maxLen: 3, lead: 3, ahead: 6, behind: 2, lines: 1, newlines: 0, anchors: [] },
  ],
  [
    'newlines it may consume',
    'key\\s{0,3}=(?=[^\\n]{2}\\n)',
    ['key'],
    { maxLen: 7, lead: 3, ahead: 11, behind: 1, lines: 0, newlines: 4, anchors: [] },
  ],
  ['no keyword: whole text', '[a-z]{4}=(\\d+)', ['key'], undefined],
  ['an optional keyword: whole text', '(?:key)?=(\\d{4})', ['key'], undefined],
  ['a short branch without a keyword: whole text', '(?:key|k)=(\\d{4})', ['key'], undefined],
  ['unbounded: whole text', 'key=(\\w+)', ['key'], undefined],
  ['unbounded over newlines: whole text', 'key(?=[\\s\\S]*x)', ['key'], undefined],
  ['a backreference: whole text', '(["\'])key\\1', ['key'], undefined],
  ['a rule without keywords: whole text', 'AKIA[0-9A-Z]{16}', [], undefined],
  ['an inline flag mid-pattern: whole text', 'a(?i)key', ['key'], undefined],
];

for (const [name, source, keywords, expected] of cases) {
  test(`window bounds: ${name}`, () => {
    assert.deepEqual(windowBounds(source, keywords), expected);
  });
}
