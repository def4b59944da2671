// Prefilter: one pass finds every rule whose keyword occurs, case-insensitively, overlapping keywords included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrefilter } from '../../src/detect/prefilter.ts';

const cases: [string, string[][], string, number[]][] = [
  ['simple', [['akia'], ['ghp_']], 'x = AKIA1234', [0]],
  ['both', [['akia'], ['ghp_']], 'AKIA ghp_', [0, 1]],
  ['none', [['akia'], ['ghp_']], 'nothing here', []],
  ['overlap via failure link', [['she'], ['he'], ['hers']], 'ushers', [0, 1, 2]],
  ['no keywords means always', [[], ['zzz']], 'abc', [0]],
  ['non-ascii resets', [['ab']], 'aéb ab', [0]],
  ['non-ascii breaks match', [['ab']], 'aéb', []],
];

for (const [name, kws, text, expected] of cases) {
  test(`prefilter: ${name}`, () => {
    const p = buildPrefilter(kws);
    const out = new Uint8Array(kws.length);
    const n = p.candidates(text, out);
    const hit = [...out.keys()].filter((i) => out[i] === 1);
    assert.deepEqual(hit, expected);
    assert.equal(n, expected.length);
  });
}
