// Property tests of the staged-diff parser: what git writes for any set of files and hunks parses back exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/fuzz.ts';
import { parseStagedDiff } from '../../src/git/staged-diff.ts';

const oid = fc.stringMatching(/^[0-9a-f]{40}$/);
/** Paths as git writes them with -z: any bytes but NUL (newlines, spaces, non-UTF-8 included). */
const pathBytes = fc
  .uint8Array({ minLength: 1, maxLength: 30 })
  .map((b) => Buffer.from(b.map((x) => (x === 0 ? 0x61 : x))));
const status = fc.constantFrom('A', 'M', 'T', 'C');
const ranges = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 5 })), { maxLength: 6 })
  .map((hunks) => {
    // Hunks in file order, not overlapping: +start,count.
    let at = 0;
    return hunks.map(([gap, count]) => {
      at += gap;
      const h = { start: at, count };
      at += count;
      return h;
    });
  });
const entry = fc.record({
  oid,
  path: pathBytes,
  status,
  mode: fc.constantFrom('100644', '100755', '120000'),
  hunks: ranges,
  binary: fc.boolean(),
});

function rawOf(entries: readonly { oid: string; path: Buffer; status: string; mode: string }[]): Buffer {
  return Buffer.concat(
    entries.flatMap((e) => [
      Buffer.from(
        `:100644 ${e.mode} ${'0'.repeat(40)} ${e.oid} ${e.status}${e.status === 'C' ? '075' : ''}\0`,
        'latin1',
      ),
      e.path,
      Buffer.from([0]),
    ]),
  );
}

function patchOf(
  entries: readonly { status: string; hunks: { start: number; count: number }[]; binary: boolean }[],
): Buffer {
  const parts: string[] = [];
  for (const e of entries) {
    if (e.status !== 'M') continue;
    parts.push('diff --git a/f b/f\nindex 1111111..2222222 100644\n');
    if (e.binary) {
      parts.push('Binary files a/f and b/f differ\n');
      continue;
    }
    parts.push('--- a/f\n+++ b/f\n');
    for (const h of e.hunks) {
      parts.push(
        `@@ -${h.start},${h.count === 0 ? 1 : 0} +${h.start}${h.count === 1 ? '' : `,${h.count}`} @@ ctx\n`,
      );
      // Content lines that look like headers must not be read as headers.
      for (let i = 0; i < h.count; i++) parts.push(i % 2 === 0 ? '+diff --git a/x b/x\n' : '+@@ -1 +1 @@\n');
      if (h.count === 0) parts.push('-Binary files x\n');
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

test('raw and patch output for any staged files parse back to their entries and added lines', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
      const diff = parseStagedDiff(rawOf(entries), patchOf(entries));
      assert.equal(diff.consistent, true);
      assert.equal(diff.entries.length, entries.length);
      diff.entries.forEach((got, i) => {
        const e = entries[i]!;
        assert.equal(got.oid, e.oid);
        assert.equal(got.newMode, e.mode);
        assert.equal(got.status, e.status);
        assert.equal(got.path, new TextDecoder().decode(e.path));
        if (e.status !== 'M') assert.deepEqual(got.added, { kind: 'all' });
        else if (e.binary) assert.deepEqual(got.added, { kind: 'binary' });
        else
          assert.deepEqual(got.added, {
            kind: 'ranges',
            ranges: e.hunks.filter((h) => h.count > 0).map((h) => [h.start, h.start + h.count - 1]),
          });
      });
    }),
    { numRuns: runs(300) },
  );
});

test('arbitrary bytes never throw, and a patch that does not line up is reported as inconsistent', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (raw, patch) => {
      const diff = parseStagedDiff(Buffer.from(raw), Buffer.from(patch));
      for (const e of diff.entries) assert.equal(typeof e.path, 'string');
    }),
    { numRuns: runs(500) },
  );
  const one = [{ oid: 'a'.repeat(40), path: Buffer.from('f'), status: 'M', mode: '100644' }];
  assert.equal(parseStagedDiff(rawOf(one), Buffer.from('')).consistent, false);
});
