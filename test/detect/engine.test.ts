// Engine: capture groups, positions, entropy, allowlists, decoding, line filters and time budgets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, scan } from '../helpers/rules.ts';
import { compileAllowlist } from '../../src/catalog/compile.ts';

const aws = rule({
  id: 'aws',
  keywords: ['akia'],
  regex: '(?<![A-Z0-9])(AKIA[A-Z2-7]{16})(?![A-Z0-9])',
  entropy: 3,
});
const KEY = 'AKIAQYLPMN5HFIQR7XYA';

test('secret group, line and column (1-based) of the secret', () => {
  const r = scan(`first line\n  key = "${KEY}"\n`, [aws]);
  assert.equal(r.matches.length, 1);
  const m = r.matches[0]!;
  assert.equal(m.secret, KEY);
  assert.deepEqual(
    [m.location.line, m.location.column, m.location.endLine, m.location.endColumn],
    [2, 10, 2, 30],
  );
  assert.equal(m.lineText, `  key = "${KEY}"`);
});

test('keyword prefilter: no keyword, no regex run', () => {
  const r = scan(`AKIA${'A'.repeat(16)}`, [rule({ keywords: ['zzz'], regex: '(AKIA[A-Z]{16})' })]);
  assert.equal(r.matches.length, 0);
});

test('entropy: a low-entropy value is rejected, a random one kept', () => {
  assert.equal(scan('AKIAAAAAAAAAAAAAAAAA', [aws]).matches.length, 0);
  assert.equal(scan(KEY, [aws]).matches.length, 1);
});

test('entropy is charset-aware: a random hex key passes a base64-scaled threshold', () => {
  const hex = rule({ regex: 'key=([0-9a-f]{32})', entropy: 4.5 });
  assert.equal(scan('key=3f9a1c7e4b2d8f6a0e5c9b3d7a1f4e8c', [hex]).matches.length, 1);
  assert.equal(scan('key=00000000000000001111111111111111', [hex]).matches.length, 0);
});

test('allowlists: path glob, regex on secret, regex on line, stopwords', () => {
  const withPaths = rule({ regex: '(AKIA[A-Z2-7]{16})', allowlist: { paths: ['test/**'] } });
  assert.equal(scan(KEY, [withPaths], { path: 'test/a/b.txt' }).matches.length, 0);
  assert.equal(scan(KEY, [withPaths], { path: 'src/b.txt' }).matches.length, 1);
  assert.equal(
    scan(KEY, [rule({ regex: '(AKIA[A-Z2-7]{16})', allowlist: { regexes: ['7XYA$'] } })]).matches.length,
    0,
  );
  assert.equal(
    scan(`${KEY} # fake`, [
      rule({ regex: '(AKIA[A-Z2-7]{16})', allowlist: { regexes: ['# fake'], regexTarget: 'line' } }),
    ]).matches.length,
    0,
  );
  assert.equal(
    scan(KEY, [rule({ regex: '(AKIA[A-Z2-7]{16})', allowlist: { stopwords: ['qylp'] } })]).matches.length,
    0,
  );
  const global = compileAllowlist({ paths: ['**/*.md'] });
  assert.equal(scan(KEY, [aws], { path: 'docs/x.md' }, undefined, global).matches.length, 0);
});

test('base64-encoded secrets are found and marked as decoded, at the encoded run', () => {
  const encoded = Buffer.from(`aws_access_key_id=${KEY}\n`).toString('base64');
  const r = scan(`line one\ndata: ${encoded}\n`, [aws]);
  assert.equal(r.matches.length, 1);
  assert.equal(r.matches[0]!.secret, KEY);
  assert.deepEqual(r.matches[0]!.location.decodedFrom, ['base64']);
  assert.equal(r.matches[0]!.location.line, 2);
  assert.equal(r.matches[0]!.location.column, 7);
});

test('hex and percent encodings, and nested base64(base64(secret)) to the depth limit', () => {
  const hex = Buffer.from(`key ${KEY} end`).toString('hex');
  assert.deepEqual(
    scan(hex, [aws]).matches.map((m) => m.location.decodedFrom),
    [['hex']],
  );
  const pct = `u=${encodeURIComponent(`{"k":"${KEY}"}`)}`;
  assert.deepEqual(
    scan(pct, [aws]).matches.map((m) => m.location.decodedFrom),
    [['percent']],
  );
  const twice = Buffer.from(Buffer.from(`id=${KEY} and more text`).toString('base64')).toString('base64');
  assert.deepEqual(
    scan(twice, [aws]).matches.map((m) => m.location.decodedFrom),
    [['base64', 'base64']],
  );
  const thrice = Buffer.from(twice).toString('base64');
  assert.equal(scan(thrice, [aws]).matches.length, 0, 'depth limit 2');
});

test('Fragment.lines keeps only matches on the listed lines', () => {
  const text = `${KEY}\nx\nAKIAZZLPMN5HFIQR7XYB\n`;
  const r = scan(text, [aws], { lines: [[3, 3]] });
  assert.deepEqual(
    r.matches.map((m) => m.location.line),
    [3],
  );
});

test('firstLine offsets reported lines', () => {
  assert.equal(scan(KEY, [aws], { firstLine: 41 }).matches[0]!.location.line, 41);
});

test('a pathological user regex cannot hang: user rules run on linear-time RE2', () => {
  const evil = rule({ regex: '(a+)+$', secretGroup: 0 }, 'file');
  assert.equal(evil.matcher.engine, 're2');
  const started = Date.now();
  const r = scan(`${'a'.repeat(50_000)}!`, [evil]);
  assert.equal(r.matches.length, 0);
  assert.ok(
    Date.now() - started < 5000,
    'RE2 is linear; the native engine would take longer than the universe',
  );
});

test('a rule that exceeds its time budget on a fragment is cut short and reported', () => {
  const many = rule({ id: 'many', regex: '(x)' }, 'file');
  const r = scan('x'.repeat(1000), [many], {}, { maxDecodeDepth: 0, ruleBudgetMs: -1 });
  assert.equal(r.matches.length, 1);
  assert.deepEqual(r.cutShort, [{ ruleId: 'many', path: 'f.txt' }]);
});

test('user rules use RE2 syntax: lookbehind is rejected with a precise message', () => {
  assert.throws(() => rule({ regex: '(?<=x)y' }, 'file'), /RE2 syntax/);
});

test('CRLF line endings: line text has no trailing CR', () => {
  const r = scan(`a\r\nk=${KEY}\r\n`, [aws]);
  assert.equal(r.matches[0]!.lineText, `k=${KEY}`);
});
