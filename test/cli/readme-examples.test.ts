// README's configuration and rule-file examples work as written; messages the README promises hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The first ```yaml block after `heading`. */
function yamlAfter(heading: string): string {
  const at = README.indexOf(heading);
  assert.ok(at >= 0, `README has "${heading}"`);
  const m = /```yaml\n([\s\S]*?)```/.exec(README.slice(at));
  assert.ok(m !== null);
  return m[1]!;
}

test('the README sample config and rule file load as written (rule ids it disables exist)', () => {
  const root = tempDir();
  writeTree(root, {
    '.keyspill.yaml': yamlAfter('## Configuration: `.keyspill.yaml`'),
    'security/keyspill-rules.yml': yamlAfter('### Rule files'),
  });
  const list = runCli(['rules', 'list', '--json'], { cwd: root });
  assert.equal(list.code, 0, list.stderr);
  const ids = jsonResult<{ rules: { id: string }[] }>(list).rules.map((r) => r.id);
  assert.ok(
    ids.includes('acme-api-key') && ids.includes('custom.acme-live') && !ids.includes('generic-secret'),
  );
  const check = runCli(['rules', 'check', 'security/keyspill-rules.yml'], { cwd: root });
  assert.equal(check.code, 0, check.stdout);
});

test('.keyspillignore accepts a trailing # comment on a fingerprint line', () => {
  const root = tempDir();
  writeTree(root, { 'a.env': 'AWS_SECRET_ACCESS_KEY=Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie\n' });
  const first = runCli(['scan', 'dir', '-f', 'json'], { cwd: root });
  const fp = (JSON.parse(first.stdout) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint;
  writeTree(root, { '.keyspillignore': `# known\n${fp}   # rotated on 2026-01-02, see INC-42\n` });
  assert.equal(runCli(['scan', 'dir'], { cwd: root }).code, 0);
});

test('--exit-code refuses the codes that already mean usage error, failure and interrupt', () => {
  const root = tempDir();
  writeTree(root, { 'a.txt': 'x\n' });
  for (const n of ['2', '3', '130']) {
    const r = runCli(['scan', 'dir', '--exit-code', n], { cwd: root });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`--exit-code ${n} would be read as`));
  }
  assert.equal(runCli(['scan', 'dir', '--exit-code', '4'], { cwd: root }).code, 0);
});

test('scan git of a path that does not exist exits 3 (as README says of missing paths)', () => {
  const r = runCli(['scan', 'git', join(tempDir(), 'nope')], { cwd: tempDir() });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /does not exist/);
});

test('a user rule that matches single characters does not garble the report', () => {
  const root = tempDir();
  writeTree(root, {
    'r.yml':
      "rules:\n  - id: every-letter\n    description: d\n    kind: k\n    regex: '([a-z])'\n    examples: ['a']\n",
    'a.txt': 'hello\n',
  });
  const r = runCli(['scan', 'dir', 'a.txt', '--rules', 'r.yml', '--no-builtin'], { cwd: root });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Summary$/m);
  assert.match(r.stdout, /Scanned 1 item/);
  assert.match(r.stdout, /every-letter/);
});
