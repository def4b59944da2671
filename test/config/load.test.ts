// Config and prefix rules: one-line prefixes compile to working rules; bad input names file, line and fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize } from '../../src/config/size.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { prefixRule } from '../../src/catalog/prefix.ts';
import { parsePrefixLine } from '../../src/catalog/prefix-schema.ts';
import { compileRule } from '../../src/catalog/compile.ts';
import { checkExamples } from '../../src/catalog/check.ts';
import { scan } from '../helpers/rules.ts';
import { ConfigError } from '../../src/errors.ts';

test('one-line prefix declaration compiles to a rule that finds the token and passes its own examples', () => {
  const spec = prefixRule(parsePrefixLine('acme_live_ base62 32'));
  const r = compileRule(spec, { type: 'config', file: '.keyspill.yaml' });
  assert.deepEqual(checkExamples(r), []);
  assert.equal(spec.id, 'custom.acme-live');
  const token = 'acme_live_9fK2mQ7xL1pZ4vB8nR3tY6wC0dH5jE2a';
  const m = scan(`API_KEY=${token}\n`, [r]).matches;
  assert.deepEqual(
    m.map((x) => x.secret),
    [token],
  );
  assert.equal(scan(`API_KEY=${token}X\n`, [r]).matches.length, 0, 'longer than declared: not this token');
  assert.equal(scan(`API_KEY=acme_live_${'x'.repeat(32)}\n`, [r]).matches.length, 0, 'placeholder');
});

test('prefix length ranges and other charsets', () => {
  const r = compileRule(prefixRule(parsePrefixLine('corp- hex 20-24')), { type: 'config', file: 'c' });
  assert.deepEqual(checkExamples(r), []);
  assert.equal(scan('t=corp-3f9a1c7e4b2d8f6a0e5c9b', [r]).matches.length, 1);
});

test('bad prefix lines say what is wrong', () => {
  assert.throws(() => parsePrefixLine('acme_live_ base99 32'), /unknown charset "base99"/);
  assert.throws(() => parsePrefixLine('acme_live_'), /PREFIX CHARSET LENGTH/);
});

test('config: prefixes in both forms, allowlist, rules resolved against the config folder', () => {
  const c = parseConfig(
    `prefixes:\n  - acme_live_ base62 32\n  - prefix: corp_\n    charset: hex\n    length: 40\n    kind: corp-token\nrules: [more/rules.yml]\nallowlist:\n  paths: ["fixtures/**"]\nmaxFileSize: 1MB\n`,
    '/repo/.keyspill.yaml',
  );
  assert.equal(c.prefixes.length, 2);
  assert.equal(c.prefixes[1]!.kind, 'corp-token');
  assert.deepEqual(c.ruleFiles, ['/repo/more/rules.yml']);
  assert.equal(c.maxFileSize, 1_000_000);
});

const bad: [string, string, RegExp][] = [
  ['invalid YAML', 'prefixes: [unclosed\n', /\.keyspill\.yaml:\d+: invalid YAML/],
  ['unknown key', 'prefix:\n  - a b 3\n', /\.keyspill\.yaml:1: config: .*prefix/],
  [
    'bad prefix line with its line number',
    'prefixes:\n  - ok_ base62 32\n  - nope\n',
    /\.keyspill\.yaml:3: prefixes: "nope"/,
  ],
  ['bad size', 'maxFileSize: lots\n', /maxFileSize: "lots" is not a size/],
];
for (const [name, text, re] of bad) {
  test(`config error: ${name}`, () => {
    assert.throws(
      () => parseConfig(text, '.keyspill.yaml'),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  });
}

test('sizes', () => {
  assert.equal(parseSize('25MB'), 25_000_000);
  assert.equal(parseSize('1 KiB'), 1024);
  assert.equal(parseSize(10), 10);
});
