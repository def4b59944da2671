// Manifest parsing: a large YAML List is parsed item by item, with the same objects and lines as parsed whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, type ManifestItem } from '../../src/sources/k8s/manifest.ts';

/** A `kubectl get -o yaml` List of `n` ConfigMaps; `indent` is where the `- ` of each item sits. */
function yamlList(n: number, indent: string): string {
  const items = Array.from({ length: n }, (_, i) =>
    [
      `${indent}- apiVersion: v1`,
      `${indent}  kind: ConfigMap`,
      `${indent}  metadata:`,
      `${indent}    name: cm-${i}`,
      `${indent}    namespace: ns`,
      `${indent}  data:`,
      `${indent}    KEY: value-${i}`,
      `${indent}    app.properties: |`,
      `${indent}      a=1`,
      `${indent}      b=${'x'.repeat(1000)}`,
      '',
    ].join('\n'),
  );
  return `apiVersion: v1\nitems:\n${items.join('')}kind: List\nmetadata:\n  resourceVersion: ""\n`;
}

function summary(items: ManifestItem[]): string[] {
  return items.map((it) => {
    if (it.type !== 'object') return `${it.type}@${it.line}`;
    const meta = it.obj['metadata'] as { name: string };
    const [key, block] = it.locate([
      ['data', 'KEY'],
      ['data', 'app.properties'],
    ]);
    return `${meta.name}@${it.line} KEY@${key?.line}:${key?.start?.column} block@${block?.start?.line}:${block?.start?.column}`;
  });
}

test('a large YAML List (kubectl style and indented) gives each item at its line, as a whole parse does', () => {
  for (const indent of ['', '  ']) {
    const text = yamlList(1100, indent);
    assert.ok(text.length > 1024 * 1024, 'large enough to be cut');
    const got = summary([...parseManifests(text)]);
    const objects = got.filter((g) => g.startsWith('cm-'));
    assert.equal(objects.length, 1100);
    // Each item is 10 lines; the first starts at line 3.
    const line = 3 + 10 * 1000;
    const col = indent.length + '    KEY: '.length + 1;
    assert.ok(
      objects.includes(`cm-1000@${line} KEY@${line + 6}:${col} block@${line + 8}:${indent.length + 7}`),
      objects[1000],
    );
    // The List's own keys are kept as text, so nothing of the file goes unscanned.
    assert.ok(got.some((g) => g.startsWith('text@')));
    // The same answers as one whole parse (small enough to compare: 200 items are parsed whole).
    const small = yamlList(200, indent);
    assert.deepEqual(
      summary([...parseManifests(small)]).filter((g) => g.startsWith('cm-')),
      objects.slice(0, 200),
    );
  }
});

test('a List the cut cannot trust (a comment at the margin inside the items) is parsed whole', () => {
  const text = yamlList(1100, '').replace(
    '    name: cm-10\n',
    '    name: cm-10\n# a comment at the margin\n',
  );
  const objects = summary([...parseManifests(text)]).filter((g) => g.startsWith('cm-'));
  assert.equal(objects.length, 1100);
});
