// Identifiers and pairing: a key ID and its secret in one place are one finding carrying the ID; the ID is public.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, scan } from '../helpers/rules.ts';
import { groupFindings, pairMatches } from '../../src/findings/pipeline.ts';

const ID = 'AKIAQYLPMN5HFIQR7XYA';
const ID2 = 'AKIA2E5RQK7TNVW3LXPD';
const SECRET = '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';
const SECRET2 = '5dyQ/0hBQZz9I7h6d3SuRQx8fcuEEr6CMMJ6zYbn';

const keyId = rule({ id: 'key-id', keywords: ['akia'], regex: '(AKIA[A-Z2-7]{16})', identifierGroup: 1 });
const secretKey = rule({
  id: 'secret-key',
  keywords: ['secret'],
  regex: 'secret\\s*=\\s*([A-Za-z0-9/+]{40})',
  pairWith: 'key-id',
});
const rules = [keyId, secretKey];

function findings(text: string) {
  return groupFindings(pairMatches(scan(text, rules).matches));
}

test('the identifier group gives a match its public identifier, on both regex engines', () => {
  for (const origin of ['builtin', 'file'] as const) {
    const r = rule({ regex: 'id=(\\w+) key=(\\w+)', secretGroup: 2, identifierGroup: 1 }, origin);
    const m = scan('id=app42 key=s3cr3tvalue', [r]).matches[0]!;
    assert.equal(m.secret, 's3cr3tvalue');
    assert.equal(m.identifier, 'app42', origin);
  }
});

test('a key ID a line above its secret: one finding, the secret with the ID as identifier', () => {
  const f = findings(`id = ${ID}\nsecret = ${SECRET}\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.ruleId, 'secret-key');
  assert.equal(f[0]!.secret, SECRET);
  assert.equal(f[0]!.identifier, ID);
});

test('two profiles: each secret pairs with its own nearest ID (the preceding one on a tie)', () => {
  const f = findings(`[a]\nid = ${ID}\nsecret = ${SECRET}\n[b]\nid = ${ID2}\nsecret = ${SECRET2}\n`);
  assert.deepEqual(
    f.map((x) => [x.secret, x.identifier]),
    [
      [SECRET, ID],
      [SECRET2, ID2],
    ],
  );
});

test('an ID too far from the secret, or in another file, stays its own finding', () => {
  const far = findings(`id = ${ID}\n${'\n'.repeat(10)}secret = ${SECRET}\n`);
  assert.deepEqual(far.map((x) => [x.ruleId, x.identifier]).sort(), [
    ['key-id', ID],
    ['secret-key', undefined],
  ]);
  const a = scan(`id = ${ID}\n`, rules, { path: 'a', provenance: { kind: 'file', path: 'a' } }).matches;
  const b = scan(`secret = ${SECRET}\n`, rules, {
    path: 'b',
    provenance: { kind: 'file', path: 'b' },
  }).matches;
  assert.equal(groupFindings(pairMatches([...a, ...b])).length, 2);
});

test('an ID-only finding carries itself as identifier', () => {
  const f = findings(`id = ${ID}\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.identifier, ID);
});
