// A repository's .keyspill.yaml is untrusted: bounded prefixes, bounded lists, RE2 allowlists, a bounded file size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/errors.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const bounded: [string, string, RegExp][] = [
  [
    'a one-line prefix of 99,999,999 characters',
    'prefixes: ["acme_ base62 99999999"]\n',
    /8 ≤ N ≤ M ≤ 512.*99999999/,
  ],
  [
    'the long form with the same length',
    'prefixes:\n  - prefix: acme_\n    charset: base62\n    length: 99999999\n',
    /8 ≤ N ≤ M ≤ 512.*99999999/,
  ],
  ['a range past the bound', 'prefixes: ["acme_ base62 600-700"]\n', /not 600-700/],
  ['a reversed range', 'prefixes: ["acme_ base62 40-20"]\n', /not 40-20/],
  ['a too-short body', 'prefixes: ["acme_ base62 4"]\n', /not 4/],
  ['a long prefix', `prefixes: ["${'p'.repeat(100)} base62 32"]\n`, /at most 64|too big|64/],
  [
    'too many rule files',
    `rules: [${Array.from({ length: 101 }, (_, i) => `r${i}.yml`).join(', ')}]\n`,
    /at most 100 entries/,
  ],
];
for (const [name, text, re] of bounded) {
  test(`config refuses ${name} at once, with the bound`, () => {
    const started = Date.now();
    assert.throws(
      () => parseConfig(text, '.keyspill.yaml'),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
    assert.ok(Date.now() - started < 2000);
  });
}

test('a scan with the repository config line that used to exhaust the heap exits 2 in a moment', () => {
  const root = tempDir();
  writeTree(root, { '.keyspill.yaml': 'prefixes: ["acme_ base62 99999999"]\n', 'a.txt': 'x\n' });
  const started = Date.now();
  const r = runCli(['scan', 'dir', '.'], { cwd: root });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /\.keyspill\.yaml:1: prefixes/);
  assert.ok(Date.now() - started < 10_000);
});

test('a catastrophic allowlist regex in the config cannot hang the scan (it runs on RE2)', () => {
  const root = tempDir();
  writeTree(root, {
    // Exponential on a backtracking engine for any 40-character key (it never finds the '!').
    '.keyspill.yaml': "allowlist:\n  regexes: ['^([A-Za-z0-9+/]+)+!$']\n",
    'a.txt': 'aws_secret_access_key = Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie\n',
  });
  const started = Date.now();
  const r = runCli(['scan', 'dir', '.', '-f', 'json'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(Date.now() - started < 10_000);
  const lookaround = tempDir();
  writeTree(lookaround, { '.keyspill.yaml': "allowlist:\n  regexes: ['(?<=x)y']\n", 'a.txt': 'x\n' });
  const bad = runCli(['scan', 'dir', '.'], { cwd: lookaround });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /allowlist regex "\(\?<=x\)y"/);
});

test('a config file of megabytes is refused without being parsed', () => {
  const root = tempDir();
  writeFileSync(join(root, '.keyspill.yaml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const r = runCli(['scan', 'dir', '.'], { cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /more than a configuration file needs/);
});
