// Property tests of the decoders: an encoded secret is found at its encoded run, whatever surrounds it; any text is safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/fuzz.ts';
import { findEncoded } from '../../src/detect/decode.ts';
import { rule, scan } from '../helpers/rules.ts';

const KEY = 'AKIAQYLPMN5HFIQR7XYA';
const aws = rule({ id: 'aws', keywords: ['akia'], regex: '(?<![A-Z0-9])(AKIA[A-Z2-7]{16})(?![A-Z0-9])' });

/** Printable ASCII text without the characters that would join an encoded run to its neighbours. */
const filler = fc.string({ unit: fc.constantFrom(...' \n\t.,;:()[]{}<>!?'.split('')), maxLength: 40 });
const prose = fc.string({
  unit: fc.mapToConstant({ num: 95, build: (v) => String.fromCharCode(0x20 + v) }),
  maxLength: 60,
});

const ENCODERS = {
  base64: (s: string) => Buffer.from(s).toString('base64'),
  base64url: (s: string) => Buffer.from(s).toString('base64url'),
  hex: (s: string) => Buffer.from(s).toString('hex'),
  percent: (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
} as const;

for (const [name, encode] of Object.entries(ENCODERS)) {
  test(`a ${name}-encoded secret is found inside any surrounding text, at its encoded run`, () => {
    fc.assert(
      fc.property(filler, prose, prose, filler, (before, pre, post, after) => {
        const plain = `${pre} aws_access_key_id=${KEY} ${post}`;
        const encoded = encode(plain);
        const text = `${before}${encoded}${after}`;
        const r = scan(text, [aws]);
        const m = r.matches.find((x) => x.secret === KEY);
        assert.ok(m !== undefined, `not found in ${JSON.stringify(text)}`);
        const expected = name === 'base64url' ? 'base64' : name;
        assert.deepEqual(m.location.decodedFrom, [expected]);
        // The location is that of the encoded run in the original text.
        const lines = text.split('\n');
        const startLine = text.slice(0, text.indexOf(encoded)).split('\n').length;
        assert.equal(m.location.line, startLine);
        assert.ok(m.location.column >= 1 && m.location.column <= (lines[startLine - 1]?.length ?? 0) + 1);
      }),
      { numRuns: runs(150) },
    );
  });
}

test('decoding arbitrary text never throws and every run lies inside the text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      for (const run of findEncoded(text)) {
        assert.ok(run.start >= 0 && run.end <= text.length && run.start < run.end);
        assert.equal(typeof run.decoded, 'string');
      }
    }),
    { numRuns: runs(500) },
  );
});

test('nested encodings are found to depth 2 and not deeper', () => {
  fc.assert(
    fc.property(prose, (pre) => {
      const line = `${pre} key=${KEY}`;
      const twice = Buffer.from(Buffer.from(line).toString('base64')).toString('hex');
      const m = scan(`x ${twice} y`, [aws]).matches.find((x) => x.secret === KEY);
      assert.ok(m !== undefined);
      assert.deepEqual(m.location.decodedFrom, ['hex', 'base64']);
      const thrice = ENCODERS.percent(twice);
      assert.equal(
        scan(`x ${thrice} y`, [aws]).matches.some((x) => x.secret === KEY),
        false,
      );
    }),
    { numRuns: runs(60) },
  );
});

/** Every maximal hex run of at least 32 digits (cut to even length) that looks like and decodes to text: read in full. */
function hexRunsByHand(text: string): [number, number][] {
  const out: [number, number][] = [];
  const isHex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);
  for (let i = 0; i < text.length;) {
    if (!isHex(text[i])) {
      i++;
      continue;
    }
    const h = i;
    while (isHex(text[i])) i++;
    const end = (i - h) % 2 === 1 ? i - 1 : i;
    const bytes = Buffer.from(text.slice(h, end), 'hex');
    const printable = [...bytes].filter(
      (b) => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13,
    ).length;
    // The decoder's cheap test first: at most one high nibble in 20 outside 2–7.
    const oddNibbles = [...text.slice(h, end)].filter((c, k) => k % 2 === 0 && (c < '2' || c > '7')).length;
    if (end - h >= 32 && oddNibbles * 20 <= (end - h) / 2 && printable / bytes.length >= 0.95)
      out.push([h, end]);
  }
  return out;
}

test('hex runs found by sampling are exactly those a full read finds (sampled runs start, end and meet anywhere)', () => {
  const text = Buffer.from('password=hunter2-secret!').toString('hex');
  const piece = fc.constantFrom(
    'a',
    'F',
    '0',
    '9',
    'g',
    'Z',
    '+',
    '_',
    text,
    text.slice(0, 15),
    text.slice(3, 20),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const t = parts.join('');
      const found = findEncoded(t)
        .filter((r) => r.encoding === 'hex')
        .map((r) => [r.start, r.end]);
      assert.deepEqual(found, hexRunsByHand(t));
    }),
    { numRuns: runs(2000) },
  );
});
