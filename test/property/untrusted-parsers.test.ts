// Fuzzing the parsers that take untrusted bytes: config and rule YAML, .keyspillignore, baselines, git's cat-file and
// log --raw -z output. No input may crash them (only our typed errors), hang (each case is timed) or blow up memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { runs } from '../helpers/fuzz.ts';
import { parsePack } from '../../src/catalog/pack.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/errors.ts';
import { parseBaselineEntries, parseIgnoreFile } from '../../src/findings/ignore-file.ts';
import { ByteReader } from '../../src/git/byte-reader.ts';
import { parseBatchHeader } from '../../src/git/cat-file.ts';
import { readIntroductions } from '../../src/git/introductions.ts';
import { parseCheckLine } from '../../src/git/object-listing.ts';

const PER_CASE_MS = 2000;

function timed<T>(f: () => T): T {
  const started = Date.now();
  const out = f();
  assert.ok(Date.now() - started < PER_CASE_MS, 'a single case took too long');
  return out;
}

/** YAML-shaped text: keys the parsers know, odd scalars, anchors and aliases, flow and block collections. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'version: 1',
        'prefixes:',
        '  - acme_ base62 32',
        '  - acme_ base62 99999999',
        '  - prefix: x',
        'rules:',
        '  - id: a',
        '    regex: "(a+)+$"',
        '    examples: [a]',
        'allowlist: {paths: ["**"], regexes: ["(?<=x)"]}',
        'disable: [*a]',
        'a: &a [1, 2, 3]',
        'b: [*a, *a, *a, *a]',
        'maxFileSize: 1e309',
        '--- ',
        '? complex',
        ': value',
        '"\\u0000": x',
      ),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 25 },
  )
  .map((lines) => lines.join('\n'));

test('config YAML: any text parses or fails with a ConfigError naming the file', () => {
  fc.assert(
    fc.property(fc.oneof(yamlish, fc.string({ maxLength: 300 })), (text) => {
      try {
        timed(() => parseConfig(text, '.keyspill.yaml'));
      } catch (e) {
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
        assert.match(e.message, /^\.keyspill\.yaml/);
      }
    }),
    { numRuns: runs(400) },
  );
});

test('an alias bomb in config or a rule pack is refused quickly, without blowing up memory', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(',')}]`,
    );
  const text = bomb.join('\n');
  const before = process.memoryUsage().heapUsed;
  assert.throws(() => timed(() => parseConfig(text, '.keyspill.yaml')), ConfigError);
  const pack = timed(() => parsePack(`rules: []\n${text}`, 'r.yml'));
  assert.ok(pack.problems.length > 0);
  assert.ok(process.memoryUsage().heapUsed - before < 200 * 1024 * 1024);
});

test('rule packs: any text gives rules or problems, never an exception', () => {
  fc.assert(
    fc.property(fc.oneof(yamlish, fc.string({ maxLength: 300 })), (text) => {
      const r = timed(() => parsePack(text, 'r.yml'));
      assert.ok(Array.isArray(r.rules) && Array.isArray(r.problems));
    }),
    { numRuns: runs(400) },
  );
});

test('.keyspillignore and baselines: any text parses or fails with our message, never quoting it', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), fc.string({ minLength: 6, maxLength: 12 }), (text, canary) => {
      assert.ok(timed(() => parseIgnoreFile(text)) instanceof Set);
      for (const t of [text, `{"version":1,"findings":[${JSON.stringify(canary)}]}`, `${canary}{`]) {
        try {
          timed(() => parseBaselineEntries(t));
        } catch (e) {
          assert.ok(e instanceof Error);
          assert.ok(!e.message.includes(canary), 'the error quotes the file');
        }
      }
    }),
    { numRuns: runs(400) },
  );
});

test('git cat-file headers and batch-check lines: any bytes are parsed or refused, never trusted', () => {
  const oid = 'a'.repeat(40);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      const h = timed(() => parseBatchHeader(bytes, oid));
      if (h.kind === 'object') assert.ok(Number.isSafeInteger(h.size) && h.size >= 0 && h.size <= 2 ** 40);
      const l = timed(() => parseCheckLine(Buffer.from(bytes)));
      assert.ok('missing' in l || typeof l.oid === 'string');
    }),
    { numRuns: runs(1000) },
  );
  assert.equal(parseBatchHeader(Buffer.from(`${oid} blob 99999999999999999`), oid).kind, 'invalid');
  assert.equal(parseBatchHeader(Buffer.from(`${oid} blob -1`), oid).kind, 'invalid');
});

test('git log --raw -z output: any bytes end the parse (no hang, no throw)', async () => {
  const blob = 'b'.repeat(40);
  const record = (commit: string, path: string): Buffer =>
    Buffer.concat([
      Buffer.from(`\x01${commit}\x001609459200\x00Alice\x00a@x\x002021-01-01T00:00:00Z\x00subject\x00`),
      Buffer.from(`\n:000000 100644 ${'0'.repeat(40)} ${blob} A\x00${path}\x00`),
    ]);
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
          fc.constant(record('c'.repeat(40), 'p')),
        ),
        {
          maxLength: 20,
        },
      ),
      async (parts) => {
        const started = Date.now();
        const out = await readIntroductions(
          new ByteReader(Readable.from(parts.length === 0 ? [] : parts)),
          new Set([blob]),
        );
        assert.ok(Date.now() - started < PER_CASE_MS);
        for (const list of out.byBlob.values()) for (const i of list) assert.equal(typeof i.path, 'string');
      },
    ),
    { numRuns: runs(300) },
  );
  const good = await readIntroductions(
    new ByteReader(Readable.from([record('c'.repeat(40), 'dir/f.txt')])),
    new Set([blob]),
  );
  assert.deepEqual(good.byBlob.get(blob), [{ commit: 'c'.repeat(40), path: 'dir/f.txt' }]);
});
