// `keyspill rules profile`: a slow custom rule shows at the top, with its runs and hits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

test('rules profile times each rule on the files given and lists the costliest first', () => {
  const root = tempDir();
  const slow =
    "rules:\n  - id: slow-custom\n    description: a deliberately costly rule\n    kind: k\n    keywords: [const]\n    regex: '(?:[a-z ]+)+=([0-9]{40})'\n    examples: ['const a =1234567890123456789012345678901234567890']\n";
  writeTree(root, {
    'rules.yml': slow,
    'src/a.js': 'const value = computeSomething(input, options);\n'.repeat(4000),
  });
  const r = runCli(['rules', 'profile', 'src', '--rules', 'rules.yml', '--json'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  const p = jsonResult<{
    files: number;
    rules: { ruleId: string; runs: number; ms: number; share: number }[];
  }>(r);
  assert.equal(p.files, 1);
  assert.equal(p.rules[0]!.ruleId, 'slow-custom', JSON.stringify(p.rules.slice(0, 3)));
  assert.equal(p.rules[0]!.runs, 1);
  assert.ok(p.rules[0]!.share > 0.5);
  const text = runCli(['rules', 'profile', 'src', '--rules', 'rules.yml', '--top', '3'], { cwd: root });
  assert.match(text.stdout, /^RULE +SHARE +MS +RUNS +HITS +MB\/S$/m);
  assert.match(text.stdout, /^slow-custom /m);
});

test('rules check warns about a rule whose cost is out of line, and still passes it', () => {
  const root = tempDir();
  writeTree(root, {
    'slow.yml':
      "rules:\n  - id: slow-custom\n    description: d\n    kind: k\n    keywords: [const]\n    regex: '(?:[a-z ]+)+=([0-9]{40})'\n    examples: ['const a =1234567890123456789012345678901234567890']\n",
    'fast.yml':
      "rules:\n  - id: fast-custom\n    description: d\n    kind: k\n    keywords: [acme_]\n    regex: 'acme_([a-z0-9]{32})'\n    examples: ['acme_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d']\n",
  });
  const slow = runCli(['rules', 'check', 'slow.yml'], { cwd: root });
  assert.equal(slow.code, 0, slow.stdout);
  assert.match(slow.stdout, /^warn slow\.yml: rule "slow-custom": slow: its regex runs at [\d.]+ MB\/s/m);
  const fast = runCli(['rules', 'check', 'fast.yml'], { cwd: root });
  assert.doesNotMatch(fast.stdout, /warn/);
});
