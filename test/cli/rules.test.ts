// `keyspill rules list|check` end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const GOOD = `rules:
  - id: acme-key
    description: Acme API key
    kind: acme-key
    keywords: [acme_]
    regex: '(acme_[a-z0-9]{16})'
    examples: ['k = acme_a1b2c3d4e5f6g7h8']
    negativeExamples: ['k = acme_short']
`;

test('rules check: a good file passes, exit 0', () => {
  const root = tempDir();
  writeTree(root, { 'r.yml': GOOD });
  const r = runCli(['rules', 'check', 'r.yml'], { cwd: root });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok\s+r\.yml: 1 rule/);
});

test('rules check: failing example and matching negative are named, exit 2', () => {
  const root = tempDir();
  writeTree(root, {
    'r.yml': GOOD.replace("'k = acme_short'", "'k = acme_0000000000000000'").replace(
      "'k = acme_a1b2c3d4e5f6g7h8'",
      "'k = acme_A1'",
    ),
  });
  const r = runCli(['rules', 'check', 'r.yml', '--json'], { cwd: root });
  assert.equal(r.code, 2);
  const out = jsonResult<{
    ok: boolean;
    files: { problems: { ruleId: string; message: string }[] }[];
  }>(r);
  assert.equal(out.ok, false);
  assert.deepEqual(
    out.files[0]!.problems.map((p) => p.message),
    ['example does not match: "k = acme_A1"', 'negative example matches: "k = acme_0000000000000000"'],
  );
});

test('rules check: schema and regex errors with line numbers', () => {
  const root = tempDir();
  writeTree(root, {
    'r.yml': GOOD.replace('    kind: acme-key\n', '    kind: Acme Key\n').replace(
      "'(acme_[a-z0-9]{16})'",
      "'(?<=x)acme'",
    ),
  });
  const r = runCli(['rules', 'check', 'r.yml'], { cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stdout, /r\.yml:4: rule "acme-key": kind: use lower-case/);
});

test('rules list: built-in, config prefix and user rules with their source', () => {
  const root = tempDir();
  writeTree(root, {
    'r.yml': GOOD,
    '.keyspill.yaml': 'prefixes: ["acme_live_ base62 32"]\nrules: [r.yml]\n',
  });
  const r = runCli(['rules', 'list', '--json'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  const rows = jsonResult<{ rules: { id: string; source: string; engine: string }[] }>(r).rules;
  const by = new Map(rows.map((x) => [x.id, x]));
  assert.match(by.get('aws-access-key-id')!.source, /^rules\/aws\.yml$/);
  assert.match(by.get('custom.acme-live')!.source, /^config:.*\.keyspill\.yaml$/);
  assert.equal(by.get('acme-key')!.engine, 're2');
  for (const id of ['k8s-configmap-credential', 'k8s-secret-manifest', 'k8s-secret-last-applied'])
    assert.equal(by.get(id)?.engine, 'structure', `${id} is listed`);
  assert.ok(rows.length > 50, `${rows.length} rules`);
});
