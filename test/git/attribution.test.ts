// Pure parts of the git source: attribution of matches, ref globs, and the byte reader over any chunking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { Match } from '../../src/model/match.ts';
import type { CommitMeta, Intro } from '../../src/git/introductions.ts';
import { ByteReader } from '../../src/git/byte-reader.ts';
import { attributeMatches, introducingCommits } from '../../src/git/attribution.ts';
import { refMatcher } from '../../src/git/revisions.ts';

function match(blob: string, path: string, line: number, secret = 'S3CRET'): Match {
  return {
    ruleId: 'r',
    kind: 'k',
    severity: 'high',
    description: 'd',
    secret,
    entropy: 4,
    generic: false,
    confidence: 'high',
    lineText: '',
    location: {
      provenance: { kind: 'git', repo: '/r', blob, path, introduced: undefined, seenIn: [], atHead: false },
      path,
      line,
      column: 1,
      endLine: line,
      endColumn: 7,
      decodedFrom: [],
    },
  };
}

function meta(commit: string, time: number, order: number): CommitMeta {
  return {
    commit,
    time,
    order,
    author: 'a',
    email: 'e',
    date: new Date(time * 1000).toISOString(),
    summary: `s ${commit}`,
  };
}

function data(o: {
  byBlob: Record<string, Intro[]>;
  commits: CommitMeta[];
  head?: Record<string, string[]>;
  refs?: Record<string, string[]>;
}) {
  return {
    repo: '/r',
    intros: {
      byBlob: new Map(Object.entries(o.byBlob)),
      commits: new Map(o.commits.map((c) => [c.commit, c])),
    },
    head: new Map(Object.entries(o.head ?? {}).map(([k, v]) => [k, new Set(v)])),
    refs: new Map(Object.entries(o.refs ?? {})),
  };
}

function summary(ms: Match[]) {
  return ms
    .map((m) => {
      const p = m.location.provenance;
      if (p.kind !== 'git') throw new Error('not git');
      return {
        path: m.location.path,
        line: m.location.line,
        blob: p.blob,
        introduced: p.introduced?.commit,
        as: p.introduced?.path,
        atHead: p.atHead,
        seen: p.seenIn.map((s) => s.commit),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

test('versions of one file holding the same secret fold into one location: the HEAD version, first introduced', () => {
  const d = data({
    byBlob: {
      b1: [{ commit: 'c1', path: 'f' }],
      b2: [{ commit: 'c2', path: 'f' }],
      b3: [{ commit: 'c3', path: 'f' }],
    },
    commits: [meta('c1', 100, 2), meta('c2', 200, 1), meta('c3', 300, 0)],
    head: { b3: ['f'] },
  });
  const out = attributeMatches([match('b1', 'f', 2), match('b2', 'f', 3), match('b3', 'f', 5)], d);
  assert.deepEqual(summary(out), [
    { path: 'f', line: 5, blob: 'b3', introduced: 'c1', as: 'f', atHead: true, seen: ['c1', 'c2', 'c3'] },
  ]);
});

test('history only: the oldest version gives the line', () => {
  const d = data({
    byBlob: { b1: [{ commit: 'c1', path: 'f' }], b2: [{ commit: 'c2', path: 'f' }] },
    commits: [meta('c1', 100, 1), meta('c2', 200, 0)],
  });
  const out = attributeMatches([match('b2', 'f', 9), match('b1', 'f', 4)], d);
  assert.deepEqual(summary(out), [
    { path: 'f', line: 4, blob: 'b1', introduced: 'c1', as: 'f', atHead: false, seen: ['c1', 'c2'] },
  ]);
});

test('one blob at two paths fans out; a rename names where the bytes came from', () => {
  const d = data({
    byBlob: {
      b: [
        { commit: 'c2', path: 'new' },
        { commit: 'c1', path: 'old' },
      ],
    },
    commits: [meta('c1', 100, 1), meta('c2', 200, 0)],
    head: { b: ['new'] },
  });
  const out = attributeMatches([match('b', 'new', 1)], d);
  assert.deepEqual(summary(out), [
    { path: 'new', line: 1, blob: 'b', introduced: 'c1', as: 'old', atHead: true, seen: ['c2'] },
    { path: 'old', line: 1, blob: 'b', introduced: 'c1', as: 'old', atHead: false, seen: ['c1'] },
  ]);
});

test('twins added by the same commit each name their own path; equal times fall back to graph order', () => {
  const d = data({
    byBlob: {
      b: [
        { commit: 'c1', path: 'a' },
        { commit: 'c1', path: 'z' },
      ],
      x: [
        { commit: 'p', path: 'q' },
        { commit: 'k', path: 'q' },
      ],
    },
    // Same second: 'k' comes later in date order, so it is the ancestor.
    commits: [meta('c1', 100, 5), meta('p', 100, 1), meta('k', 100, 2)],
  });
  const out = attributeMatches([match('b', 'a', 1), match('x', 'q', 1, 'OTHER')], d);
  assert.deepEqual(
    summary(out).map((s) => [s.path, s.introduced, s.as]),
    [
      ['a', 'c1', 'a'],
      ['q', 'k', 'q'],
      ['z', 'c1', 'z'],
    ],
  );
  assert.deepEqual(introducingCommits([match('x', 'q', 1)], d), ['k']);
});

test('an unattributed blob keeps its scanned path; other provenances pass through; refs are attached', () => {
  const file: Match = {
    ...match('-', 'x', 1),
    location: { ...match('-', 'x', 1).location, provenance: { kind: 'file', path: 'x' } },
  };
  const d = data({
    byBlob: { b: [{ commit: 'c', path: 'p' }] },
    commits: [meta('c', 1, 0)],
    refs: { c: ['refs/pull/1/head'] },
  });
  const out = attributeMatches([file, match('lost', '<blob lost>', 3), match('b', 'p', 1)], d);
  assert.equal(out[0], file);
  const lost = out.find((m) => m.location.path === '<blob lost>')!;
  assert.equal(lost.location.provenance.kind === 'git' && lost.location.provenance.introduced, undefined);
  const b = out.find((m) => m.location.path === 'p')!;
  assert.deepEqual(b.location.provenance.kind === 'git' && b.location.provenance.refs, ['refs/pull/1/head']);
});

test('ref globs: * crosses slashes, bare names are folders, short names try heads/tags/remotes', () => {
  const cases: [string[], string, boolean][] = [
    [['refs/pull/*'], 'refs/pull/1/head', true],
    [['refs/pull'], 'refs/pull/12/merge', true],
    [['refs/pull'], 'refs/pullx', false],
    [['main'], 'refs/heads/main', true],
    [['main'], 'refs/heads/main2', false],
    [['release-*'], 'refs/tags/release-1.2', true],
    [['origin/*'], 'refs/remotes/origin/feature/x', true],
    [['v1.?'], 'refs/tags/v1.2', true],
    [['v1.?'], 'refs/tags/v1x2', false],
  ];
  for (const [globs, ref, expected] of cases)
    assert.equal(refMatcher(globs)(ref), expected, `${globs.join(',')} vs ${ref}`);
});

test('ByteReader: records and exact reads come out the same however the stream is chunked', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 64 }),
      async (records, cuts, readAhead) => {
        // Each record: 4-digit length, newline, bytes, NUL.
        const wire = Buffer.concat(
          records.flatMap((r) => [
            Buffer.from(`${String(r.length).padStart(4, '0')}\n`),
            Buffer.from(r),
            Buffer.from([0]),
          ]),
        );
        const chunks: Buffer[] = [];
        for (let pos = 0, i = 0; pos < wire.length; i++) {
          const n = cuts[i % cuts.length]!;
          chunks.push(wire.subarray(pos, pos + n));
          pos += n;
        }
        const reader = new ByteReader(Readable.from(chunks), readAhead);
        const got: Buffer[] = [];
        for (let h = await reader.readUntil(0x0a); h !== undefined; h = await reader.readUntil(0x0a)) {
          got.push((await reader.readExact(Number(h.toString())))!);
          assert.equal((await reader.readExact(1))?.[0], 0);
        }
        assert.deepEqual(
          got.map((b) => [...b]),
          records.map((r) => [...r]),
        );
      },
    ),
    { numRuns: 300 },
  );
});
