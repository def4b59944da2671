// Manifest source: a stream larger than the content policy's window is put back together before it is parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { manifestSource } from '../../src/sources/k8s/manifest-source.ts';
import { stdinSource } from '../../src/sources/stdin.ts';

test('a manifest stream that arrives in overlapping windows is parsed whole, lines intact', async () => {
  const docs = Array.from(
    { length: 300 },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ns}\ndata: {KEY: "value-${i}"}\n`,
  );
  const text = docs.join('---\n');
  const policy = { maxFileSize: 10_000_000, includeBinary: false, windowBytes: 4096, overlapBytes: 512 };
  const src = manifestSource({
    inner: stdinSource({ stream: Readable.from([Buffer.from(text)]), name: '-', policy }),
    policy,
  });
  const seen: { name: string; line: number }[] = [];
  const notes: string[] = [];
  for await (const ev of src.events(new AbortController().signal)) {
    if (ev.type === 'note') notes.push(ev.note);
    if (ev.type !== 'fragment') continue;
    const p = ev.fragment.provenance;
    assert.equal(p.kind, 'k8s');
    if (p.kind === 'k8s' && p.field === 'data[KEY]' && p.source.type === 'stdin')
      seen.push({ name: p.name, line: p.source.line });
  }
  assert.deepEqual(notes, []);
  assert.equal(seen.length, 300);
  // Each document is 4 lines plus its `---`: object i starts at line 5i + 1.
  assert.deepEqual(seen[299], { name: 'cm-299', line: 5 * 299 + 1 });
});
