// Confidence: value heuristics for generic matches, and the file's context (tests, docs, examples, generated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMinifiedLine, pathContext } from '../../src/detect/context.ts';
import { judgeValue } from '../../src/detect/plausibility.ts';
import { withMinConfidence } from '../../src/findings/pipeline.ts';
import type { Finding } from '../../src/model/match.ts';
import { rule, scan } from '../helpers/rules.ts';

test('path context: tests, docs, examples and generated files; ordinary code has none', () => {
  const table: [string, string | undefined][] = [
    ['src/app.ts', undefined],
    ['config/database.yml', undefined],
    ['.env', undefined],
    ['test/fixtures/creds.json', 'test'],
    ['pkg/auth/auth_test.go', 'test'],
    ['src/__tests__/login.ts', 'test'],
    ['app/login.spec.ts', 'test'],
    ['tests/test_login.py', 'test'],
    ['src/test/java/com/acme/LoginTest.java', 'test'],
    ['src/main/java/com/acme/Contest.java', undefined],
    ['docs/setup.md', 'docs'],
    ['README.md', 'docs'],
    ['guide/install.rst', 'docs'],
    ['.env.example', 'example'],
    ['config/settings.py.template', 'example'],
    ['wp-config-sample.php', 'example'],
    ['examples/basic/main.go', 'example'],
    ['package-lock.json', 'generated'],
    ['web/yarn.lock', 'generated'],
    ['dist/app.min.js', 'generated'],
    ['dist/app.js.map', 'generated'],
    ['lib/app.jar!/test/resources/app.properties', 'test'],
  ];
  for (const [path, expected] of table) assert.equal(pathContext(path), expected, path);
});

test('minified line: long and nearly without spaces', () => {
  assert.equal(isMinifiedLine(`var a=1;${'b=2;'.repeat(200)}`), true);
  assert.equal(isMinifiedLine('const password = "x";'), false);
  assert.equal(isMinifiedLine('word '.repeat(200)), false);
});

test('value heuristics: templates, code, placeholders, hashes, versions and paths are not credentials', () => {
  const reject: [string, string][] = [
    ['${DB_PASSWORD}', ''],
    ['{{ vault_db_password }}', ''],
    ['%(password)s', ''],
    ['<your-api-key>', ''],
    ['$password', ''],
    ['%DB_PASS%', ''],
    ['process.env.API_KEY', ''],
    ['os.environ["TOKEN"]', ''],
    ['getPassword()', ''],
    ['config.auth.token', ''],
    ['settings.SECRET_KEY', ''],
    ['changeme', ''],
    ['xxxxxxxxxxxxxxxx', ''],
    ['********', ''],
    ['your_api_key_here', ''],
    ['dummy-token-123', ''],
    ['AKIAIOSFODNN7EXAMPLE', ''],
    ['0f4e6c2a-8b1d-4e5f-9a3c-7d2e1b0c9f8a', ''],
    ['3b2f1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a', 'commit: 3b2f1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a'],
    ['v1.24.3', ''],
    ['2.0.0-beta.1', ''],
    ['/etc/ssl/private/server.key', ''],
    ['./secrets/token.txt', ''],
    ['DB_PASSWORD', ''],
    ['abcabcabcabcabc', ''],
    ['#reset-password-form', ''],
    ['cms/sites/passwords#update', ''],
    ['arn:aws:iam::aws:policy/IAMUserChangePassword', ''],
  ];
  for (const [value, line] of reject) assert.equal(judgeValue(value, line), 'reject', value);
  // Words and identifiers might be a (weak) password; random strings are the real thing.
  assert.equal(judgeValue('whiteduke', ''), 'weak');
  assert.equal(judgeValue('thisIsSecure', ''), 'weak');
  // Placeholder-like words are live, weak passwords as often as placeholders: kept, at low confidence.
  for (const word of ['password', 'mypassword', 'secret', 'admin123', 'thisismypassword'])
    assert.equal(judgeValue(word, ''), 'weak', word);
  assert.equal(judgeValue('J6T4ww+##14m', ''), 'ok');
  assert.equal(judgeValue('#gets0m3', ''), 'ok');
  assert.equal(judgeValue('3b2f1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a', 'api_key: 3b2f…'), 'ok');
});

const provider = rule({ id: 'acme', keywords: ['acme_'], regex: '(acme_[a-z0-9]{20})' });
const generic = rule({
  id: 'generic-secret',
  tags: ['generic'],
  confidence: 'medium',
  keywords: ['secret'],
  regex: 'secret\\s*=\\s*"([^"]{8,})"',
});
const at = (path: string, text: string) =>
  scan(text, [provider, generic], { path, provenance: { kind: 'file', path } }).matches.map((m) => [
    m.ruleId,
    m.confidence,
    ...(m.lowered ?? []),
  ]);

test('confidence: a provider format is high, a generic field medium, a word-only value low', () => {
  assert.deepEqual(at('src/app.ts', 'acme_k3j9x8q2m7v4b1n6z5c0'), [['acme', 'high']]);
  assert.deepEqual(at('src/app.ts', 'secret = "Zx9Lq2Wm8Rt4"'), [['generic-secret', 'medium']]);
  assert.deepEqual(at('src/app.ts', 'secret = "correcthorse"'), [
    ['generic-secret', 'low', 'weak value (a word or identifier)'],
  ]);
  assert.deepEqual(at('src/app.ts', 'secret = "${SECRET}"'), []);
});

test('context lowers confidence and never drops a provider-format match', () => {
  assert.deepEqual(at('test/fixtures/app.ts', 'acme_k3j9x8q2m7v4b1n6z5c0'), [
    ['acme', 'medium', 'test or fixture path'],
  ]);
  assert.deepEqual(at('docs/setup.md', 'secret = "Zx9Lq2Wm8Rt4"'), [
    ['generic-secret', 'low', 'documentation path'],
  ]);
  assert.deepEqual(at('.env.example', 'secret = "Zx9Lq2Wm8Rt4"'), [
    ['generic-secret', 'low', 'example or template file'],
  ]);
  // Generated files cannot flood generic rules; a provider token there is as sure as anywhere.
  assert.deepEqual(at('package-lock.json', 'acme_k3j9x8q2m7v4b1n6z5c0\nsecret = "Zx9Lq2Wm8Rt4"'), [
    ['acme', 'high'],
    ['generic-secret', 'low', 'generated or minified file'],
  ]);
  const minified = `var a=1;${'b=2;'.repeat(150)}secret = "Zx9Lq2Wm8Rt4";${'c=3;'.repeat(50)}`;
  assert.deepEqual(at('src/vendor.js', minified), [['generic-secret', 'low', 'minified line']]);
});

test('documented example keys are never findings, whatever the rule', () => {
  const aws = rule({ id: 'aws', keywords: ['akia'], regex: '(AKIA[A-Z0-9]{16})' });
  const r = scan('key = AKIAIOSFODNN7EXAMPLE', [aws]);
  assert.equal(r.matches.length, 0);
  assert.equal(r.suppressed.rule, 1);
});

test('--min-confidence keeps findings at or above the level and counts the rest', () => {
  const f = (confidence: Finding['confidence']) => ({ confidence }) as Finding;
  const all = [f('high'), f('medium'), f('low'), f('low')];
  assert.deepEqual(
    [withMinConfidence(all, 'low'), withMinConfidence(all, 'medium'), withMinConfidence(all, 'high')].map(
      (r) => [r.kept.length, r.dropped],
    ),
    [
      [4, 0],
      [2, 2],
      [1, 3],
    ],
  );
});

test('a rule with paths runs only on those files; its field group names the field', () => {
  const s3cfg = rule({
    id: 's3cfg',
    keywords: ['secret_key'],
    paths: ['.s3cfg'],
    regex: '^(secret_key)\\s*=\\s*(\\S{30,})$',
    secretGroup: 2,
    fieldGroup: 1,
  });
  const text = 'secret_key = wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKE9\n';
  const found = (path: string) =>
    scan(text.replace(/\n$/, ''), [s3cfg], { path, provenance: { kind: 'file', path } }).matches;
  assert.equal(found('home/me/.s3cfg')[0]?.field, 'secret_key');
  assert.equal(found('notes.txt').length, 0);
});
