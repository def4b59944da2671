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

test('prefilter: keyword hits name the rules ending there; anchors are reported without making a candidate', () => {
  const p = buildPrefilter([['token'], ['ken']], [['access.key'], []]);
  const out = new Uint8Array(2);
  const hits: number[] = [];
  const text = 'x ACCESS.KEY y Token';
  assert.equal(p.candidates(text, out, undefined, hits), 2);
  const named: [number, number[]][] = [];
  for (let h = 0; h < hits.length; h += 2) named.push([hits[h]!, [...p.rulesAt(hits[h + 1]!)].sort()]);
  assert.deepEqual(named, [
    [11, [0]],
    [19, [0, 1]],
  ]);
  out.fill(0);
  assert.equal(p.candidates('access.key', out, undefined, []), 0);
});

test('prefilter: base64 runs of at least 24 characters, ended by other or non-ASCII characters', () => {
  const p = buildPrefilter([['zz']]);
  const out = new Uint8Array(1);
  const runs: number[] = [];
  const a = 'A'.repeat(24);
  p.candidates(`${a} ${'b'.repeat(23)}é${a}`, out, runs);
  assert.deepEqual(runs, [0, 24, 49, 73]);
});
