// JSON positions without a second parser: top-level values, List items and wanted fields, checked against JSON.parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  elementSpans,
  itemSpans,
  lineIndex,
  locatePaths,
  pathKey,
  topLevelSpans,
  type NodePath,
} from '../../src/sources/k8s/json-text.ts';

/** Every leaf of a JSON value with its path. */
function leaves(v: unknown, path: (string | number)[] = []): { path: NodePath; value: unknown }[] {
  if (Array.isArray(v)) return v.flatMap((x: unknown, i) => leaves(x, [...path, i]));
  if (typeof v === 'object' && v !== null)
    return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return path.length === 0 ? [] : [{ path, value: v }];
}

test('every leaf is located where JSON.parse reads it, in compact and pretty JSON, keys with escapes included', () => {
  const key = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');
  const value = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null)),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, fc.boolean(), (v, pretty) => {
      const text = `  ${JSON.stringify(v, null, pretty ? 2 : undefined)}\n`;
      const [span] = topLevelSpans(text);
      assert.ok(span);
      const all = leaves(v);
      const found = locatePaths(
        text,
        span.start,
        all.map((l) => l.path),
      );
      for (const l of all) {
        const at = found.get(pathKey(l.path));
        assert.ok(at, `found ${JSON.stringify(l.path)}`);
        assert.deepEqual(JSON.parse(text.slice(at.start, at.end)), l.value);
      }
    }),
    { numRuns: 300 },
  );
});

test('several JSON values one after another, a List and a top-level array give the spans of their objects', () => {
  const a = { kind: 'ConfigMap', metadata: { name: 'a' } };
  const b = { kind: 'Secret', metadata: { name: 'b "quoted" }' } };
  const text = `${JSON.stringify(a, null, 2)}\n${JSON.stringify(b)}\n`;
  const spans = topLevelSpans(text);
  assert.deepEqual(
    spans.map((s) => JSON.parse(text.slice(s.start, s.end)) as unknown),
    [a, b],
  );
  const list = JSON.stringify({ apiVersion: 'v1', items: [a, b], kind: 'List' }, null, 4);
  assert.deepEqual(
    itemSpans(list, 0).map((s) => JSON.parse(list.slice(s.start, s.end)) as unknown),
    [a, b],
  );
  const arr = JSON.stringify([a, b]);
  assert.deepEqual(
    elementSpans(arr, 0).map((s) => JSON.parse(arr.slice(s.start, s.end)) as unknown),
    [a, b],
  );
});

test('line index: 1-based lines and columns, CRLF stripped from line text', () => {
  const idx = lineIndex('ab\r\ncd\nef');
  assert.deepEqual(idx.position(0), { line: 1, column: 1 });
  assert.deepEqual(idx.position(5), { line: 2, column: 2 });
  assert.deepEqual(idx.position(7), { line: 3, column: 1 });
  assert.equal(idx.lineText(1), 'ab');
  assert.equal(idx.lineText(3), 'ef');
  assert.equal(idx.lineText(9), '');
});
