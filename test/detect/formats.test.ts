// File-format detectors: each format's examples through the engine (value, field, line), and the cost model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFragment } from '../../src/detect/engine.ts';
import { FORMATS } from '../../src/detect/formats/registry.ts';
import { jsonStrings, fieldName } from '../../src/detect/formats/json-strings.ts';
import { fileName } from '../../src/detect/formats/format.ts';
import { buildRuleset, DEFAULT_ENGINE_OPTIONS, EMPTY_ALLOWLIST } from '../../src/detect/ruleset.ts';
import { loadBuiltinRules } from '../../src/catalog/load.ts';

const ruleset = buildRuleset([], EMPTY_ALLOWLIST, DEFAULT_ENGINE_OPTIONS, FORMATS);
const scan = (text: string, path: string) =>
  scanFragment({ text, path, provenance: { kind: 'file', path } }, ruleset).matches;

test('format ids are unique, and clash with no built-in rule id', async () => {
  const ids = FORMATS.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length);
  const rules = new Set((await loadBuiltinRules()).map((r) => r.spec.id));
  assert.deepEqual(
    ids.filter((id) => rules.has(id)),
    [],
  );
});

for (const format of FORMATS) {
  test(`format ${format.id}: its examples give exactly the listed values, fields and lines`, () => {
    assert.ok(
      format.examples.some((e) => e.finds.length > 0),
      'at least one example it reports',
    );
    assert.ok(
      format.examples.some((e) => e.finds.length === 0),
      'at least one negative example',
    );
    for (const example of format.examples) {
      assert.ok(format.appliesTo(fileName(example.path)), `${format.id} does not read ${example.path}`);
      const found = scan(example.text, example.path).filter((m) => m.ruleId === format.id);
      assert.deepEqual(
        found.map((m) => ({ field: m.field, secret: m.secret })),
        example.finds,
        `${example.path}:\n${example.text}`,
      );
      for (const m of found) {
        // The location is the value's own line: the text before it holds as many newlines.
        const at = example.text.indexOf(m.secret);
        assert.equal(m.location.line, example.text.slice(0, at).split('\n').length, m.secret);
        assert.equal(m.format, true);
      }
    }
  });
}

test('a format runs only on the files it reads: the same text under another name is not parsed', () => {
  for (const format of FORMATS) {
    const example = format.examples.find((e) => e.finds.length > 0)!;
    assert.equal(format.appliesTo(fileName('src/unrelated.txt')), false, format.id);
    assert.deepEqual(
      scan(example.text, 'src/unrelated.txt').filter((m) => m.ruleId === format.id),
      [],
      format.id,
    );
  }
});

test('a format reads an archive member by the member’s own name', () => {
  const docker = FORMATS.find((f) => f.id === 'docker-config-credential')!;
  const example = docker.examples[0]!;
  const m = scanFragment(
    {
      text: example.text,
      path: 'backup.tar.gz',
      member: 'root/.docker/config.json',
      provenance: { kind: 'file', path: 'backup.tar.gz' },
    },
    ruleset,
  ).matches;
  assert.equal(m.length, 2);
  assert.equal(m[0]!.identifier, 'deploy@ghcr.io');
});

test('json reader: string values with key paths and raw spans; comments; stops quietly at broken input', () => {
  const text = '{\n  // note\n  "a": {"b": ["x", "y\\"z"]},\n  /* c */ "c": "d", "broken": "no end\n';
  const values = jsonStrings(text).map((s) => [fieldName(s.path), s.value, text.slice(s.start, s.end)]);
  assert.deepEqual(values, [
    ['a.b[0]', 'x', 'x'],
    ['a.b[1]', 'y"z', 'y\\"z'],
    ['c', 'd', 'd'],
  ]);
});

test('identifiers: who the credential belongs to, in clear', () => {
  const byId = (id: string) => FORMATS.find((f) => f.id === id)!;
  const netrc = byId('netrc-password').examples[0]!;
  assert.equal(scan(netrc.text, netrc.path)[0]!.identifier, 'ci-bot@git.acme.internal');
  const fz = byId('filezilla-password').examples[0]!;
  assert.equal(scan(fz.text, fz.path)[0]!.identifier, 'acmeweb@ftp.acme-hosting.net');
  const kube = byId('kubeconfig-credential').examples[0]!;
  const kubeMatches = scan(kube.text, kube.path);
  assert.deepEqual(
    kubeMatches.map((m) => [m.identifier, m.kind, m.confidence]),
    [
      ['ci-deployer', 'kubernetes-credential', 'high'],
      ['admin', 'private-key', 'high'],
      ['legacy', 'kubernetes-credential', 'medium'],
    ],
  );
});
