// Scan service: the worker thread gives exactly the results of the inline path, in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanSource } from '../../src/scan/pipeline.ts';
import { activeRuleset, loadActiveRuleset } from '../../src/catalog/active.ts';
import { EMPTY_CONFIG } from '../../src/config/types.ts';
import type { Source, SourceEvent } from '../../src/sources/types.ts';
import { EncodedFragment } from '../../src/sources/encoded-fragment.ts';

function source(n: number): Source {
  return {
    name: 'test',
    targets: ['mem'],
    async *events(): AsyncGenerator<SourceEvent> {
      for (let i = 0; i < n; i++) {
        const text = `line\n${'x'.repeat(i * 10)}\naws_access_key_id = AKIAQYLPMN5HFIQR${'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[i % 32]}XY${'ABCDEFGH'[i % 8]}\n`;
        yield {
          type: 'fragment',
          bytes: text.length,
          fragment: { text, path: `f${i}.txt`, provenance: { kind: 'file', path: `f${i}.txt` } },
        };
      }
      yield { type: 'skip', incomplete: false, skipped: { path: 'big.bin', reason: 'too-large' } };
    },
  };
}

/** The same source scanned on this thread only, and with the worker from the first byte. */
async function inlineAndParallel(make: () => Source) {
  const { ruleset, spec } = await loadActiveRuleset({
    config: EMPTY_CONFIG,
    ruleFiles: [],
    noBuiltin: false,
  });
  const base = {
    ruleset,
    ignored: new Set<string>(),
    baseline: undefined,
    signal: new AbortController().signal,
    now: () => 0,
  };
  const inline = await scanSource({ ...base, source: make() });
  const parallel = await scanSource({ ...base, source: make(), workerRules: spec, workerAfterBytes: 0 });
  return { inline, parallel };
}

test('worker and inline scans agree exactly', async () => {
  const { inline, parallel } = await inlineAndParallel(() => source(300));
  assert.equal(inline.workerFragments, 0);
  assert.ok(parallel.workerFragments > 0, 'the worker thread scanned fragments');
  assert.ok(inline.result.findings.length > 0);
  assert.deepEqual(parallel.result, inline.result);
  assert.deepEqual(inline.result.summary.skipped, { 'too-large': 1 });
  assert.equal(inline.result.summary.incomplete, false);
});

/** A fragment whose text is not a string: the engine throws on it. */
const UNSCANNABLE: SourceEvent = {
  type: 'fragment',
  bytes: 1,
  fragment: {
    text: null as unknown as string,
    path: 'odd.bin',
    provenance: { kind: 'file', path: 'odd.bin' },
  },
};

/** Blobs as a git scan gives them: bytes decoded where they are scanned (UTF-8 and UTF-16), some read already. */
function encodedSource(n: number): Source {
  const plain = source(n);
  return {
    ...plain,
    async *events(signal): AsyncGenerator<SourceEvent> {
      let i = 0;
      for await (const ev of plain.events(signal)) {
        if (ev.type !== 'fragment') {
          yield ev;
          continue;
        }
        const { text, ...meta } = ev.fragment;
        const wide = i % 3 === 0;
        const bytes = Buffer.from(`é${text}`, wide ? 'utf16le' : 'utf8');
        const fragment = new EncodedFragment(meta, bytes, wide ? 'utf-16le' : 'utf-8');
        if (i % 7 === 0) assert.ok(fragment.text.startsWith('é'));
        yield { ...ev, bytes: bytes.length, fragment };
        i++;
      }
      // The worker cannot scan this one: a counted skip, as on this thread.
      yield UNSCANNABLE;
    },
  };
}

test('fragments sent to the worker as bytes (one transferred buffer a batch) give the inline results', async () => {
  const { inline, parallel } = await inlineAndParallel(() => encodedSource(400));
  assert.ok(parallel.workerFragments > 100, `the worker scanned ${parallel.workerFragments} fragments`);
  // 32 distinct keys, each found in every fragment that holds it.
  assert.equal(inline.result.findings.length, 32);
  assert.equal(
    inline.result.findings.reduce((n, f) => n + f.locations.length, 0),
    400,
  );
  assert.deepEqual(parallel.result, inline.result);
  assert.deepEqual(parallel.result.summary.skipped, { 'too-large': 1, 'scan-error': 1 });
  assert.equal(parallel.result.summary.skippedItems.find((s) => s.reason === 'scan-error')?.path, 'odd.bin');
});

test("a source's resolve notes reach the summary and can make the scan incomplete", async () => {
  const rulesOptions = { config: EMPTY_CONFIG, ruleFiles: [], noBuiltin: false };
  const ruleset = await activeRuleset(rulesOptions);
  const src: Source = {
    ...source(2),
    resolve: async (matches) => ({
      matches,
      notes: [{ note: 'attribution incomplete: git log failed', incomplete: true }],
    }),
  };
  const out = await scanSource({
    ruleset,
    ignored: new Set(),
    baseline: undefined,
    signal: new AbortController().signal,
    source: src,
  });
  assert.ok(out.result.findings.length > 0, 'findings are kept');
  assert.deepEqual(out.result.summary.notes, ['attribution incomplete: git log failed']);
  assert.equal(out.result.summary.incomplete, true);
});

test('an item the engine cannot scan is a counted skip; a source failing part-way keeps what was found', async () => {
  const ruleset = await activeRuleset({ config: EMPTY_CONFIG, ruleFiles: [], noBuiltin: false });
  const good = source(2);
  const src: Source = {
    name: 'test',
    targets: ['mem'],
    async *events(signal): AsyncGenerator<SourceEvent> {
      for await (const ev of good.events(signal)) if (ev.type === 'fragment') yield ev;
      // A fragment whose text is not a string makes the engine throw.
      yield UNSCANNABLE;
      throw new Error('disk went away');
    },
  };
  const out = await scanSource({
    ruleset,
    ignored: new Set(),
    baseline: undefined,
    signal: new AbortController().signal,
    source: src,
  });
  assert.equal(out.result.findings.length, 2, 'findings before the failures are kept');
  assert.deepEqual(out.result.summary.skipped, { 'scan-error': 1 });
  assert.equal(out.result.summary.skippedItems[0]!.path, 'odd.bin');
  assert.match(out.result.summary.notes.join('\n'), /the scan stopped early: disk went away/);
  assert.equal(out.result.summary.incomplete, true);
});
