// Findings: grouping by rule and secret, fingerprints that survive line moves, inline allow, stable baselines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, scan } from '../helpers/rules.ts';
import {
  dropFingerprintEchoes,
  dropInlineAllowed,
  dropShadowedGeneric,
  groupFindings,
  sortFindings,
  withoutKnown,
} from '../../src/findings/pipeline.ts';
import { formatBaseline, parseBaseline, parseIgnoreFile } from '../../src/findings/ignore-file.ts';
import { redact } from '../../src/findings/redact.ts';

const aws = rule({ id: 'aws', keywords: ['akia'], regex: '(AKIA[A-Z2-7]{16})' });
const KEY = 'AKIAQYLPMN5HFIQR7XYA';

test('same rule and secret in two places: one finding, two locations', () => {
  const a = scan(`${KEY}\n`, [aws], { path: 'a.txt', provenance: { kind: 'file', path: 'a.txt' } }).matches;
  const b = scan(`\n\n${KEY}\n`, [aws], {
    path: 'b.txt',
    provenance: { kind: 'file', path: 'b.txt' },
  }).matches;
  const f = groupFindings([...a, ...b]);
  assert.equal(f.length, 1);
  assert.deepEqual(
    f[0]!.locations.map((l) => [l.path, l.line]),
    [
      ['a.txt', 1],
      ['b.txt', 3],
    ],
  );
});

test('the fingerprint does not change when the secret moves', () => {
  const before = groupFindings(scan(`${KEY}\n`, [aws]).matches)[0]!.fingerprint;
  const after = groupFindings(scan(`\n\n  x = ${KEY}\n`, [aws]).matches)[0]!.fingerprint;
  assert.equal(before, after);
  assert.match(before, /^aws:[0-9a-f]{16}$/);
  assert.ok(!before.includes(KEY));
});

test('inline keyspill:allow drops the match on that line only', () => {
  const m = scan(`${KEY} # keyspill:allow\nAKIAZZLPMN5HFIQR7XYB\n`, [aws]).matches;
  assert.deepEqual(
    dropInlineAllowed(m).map((x) => x.location.line),
    [2],
  );
});

test('ignore file: comments and blanks; known fingerprints dropped and counted', () => {
  const f = groupFindings(scan(`${KEY}\n`, [aws]).matches);
  const set = parseIgnoreFile(`# test keys\n\n${f[0]!.fingerprint}   # the fixture key\n`);
  assert.deepEqual(withoutKnown(f, set), { kept: [], dropped: 1 });
});

test('baseline is sorted by fingerprint and byte-identical whatever the input order', () => {
  const e = [
    { fingerprint: 'b:2', ruleId: 'b', path: 'x', line: 1 },
    { fingerprint: 'a:1', ruleId: 'a', path: 'y', line: 2 },
  ];
  const one = formatBaseline(e);
  assert.equal(one, formatBaseline([...e].reverse()));
  assert.ok(one.indexOf('a:1') < one.indexOf('b:2'));
  assert.deepEqual([...parseBaseline(one)], ['a:1', 'b:2']);
  assert.throws(() => parseBaseline('{"nope": 1}'), /not a keyspill baseline/);
  assert.equal(formatBaseline([]), '{\n  "version": 1,\n  "findings": [\n  ]\n}\n');
});

test('sort is stable by path, line, then severity', () => {
  const m = [
    ...scan(`x\n${KEY}\n`, [aws], { path: 'b.txt', provenance: { kind: 'file', path: 'b.txt' } }).matches,
    ...scan(`AKIAZZLPMN5HFIQR7XYB\n`, [aws], { path: 'a.txt', provenance: { kind: 'file', path: 'a.txt' } })
      .matches,
  ];
  assert.deepEqual(
    sortFindings(groupFindings(m)).map((f) => f.locations[0]!.path),
    ['a.txt', 'b.txt'],
  );
});

test('redaction keeps at most a quarter of the secret and never the whole of a short one', () => {
  assert.equal(redact(KEY), 'AKIA…(20)');
  assert.equal(redact('abc'), '…(3)');
  assert.equal(redact('abcdefgh'), 'ab…(8)');
});

test('a generic match yields to a specific rule at the same place, and stands alone elsewhere', () => {
  const generic = rule({
    id: 'generic-secret',
    tags: ['generic'],
    keywords: ['token'],
    regex: `token\\s*=\\s*'([^']{8,})'`,
  });
  const specific = rule({ id: 'acme', keywords: ['acme_'], regex: '(acme_[a-z0-9]{16})' });
  const both = scan(`token = 'acme_a1b2c3d4e5f6g7h8'\ntoken = 'Zx9Lq2Wm8Rt4Yp6N'\n`, [
    generic,
    specific,
  ]).matches;
  assert.equal(both.length, 3);
  const kept = dropShadowedGeneric(both)
    .map((m) => `${m.ruleId}@${m.location.line}`)
    .sort();
  assert.deepEqual(kept, ['acme@1', 'generic-secret@2']);
});

test("keyspill's own fingerprints in ignore files and baselines are not secrets", () => {
  const generic = rule({
    id: 'generic-secret',
    tags: [],
    keywords: ['secret'],
    regex: 'secret[:=]\\s*"?([0-9a-zA-Z]{16})',
  });
  const m = scan(
    `generic-secret:13c798a6292c9583\n"fingerprint": "generic-secret:13c798a6292c9583"\nsecret="Zx9Lq2Wm8Rt4Yp6N"\n`,
    [generic],
  ).matches;
  assert.equal(m.length, 3);
  assert.deepEqual(
    dropFingerprintEchoes(m).map((x) => x.location.line),
    [3],
  );
});
