// `keyspill scan dir` end to end: planted secrets found with path and line, ignore file, baseline, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

// Fake credentials, random-looking, in the formats real ones have.
const PLANTED = {
  aws: 'AKIAQYLPMN5HFIQR7XYA',
  github: 'ghp_4Rk9mQ2xT7vB1nL8pZ3yW6cF0dH5jE9sA2uK',
  slack: 'https://hooks.slack.com/services/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',
  stripe: 'sk_live_51HxQ2aKj7Lm3Np9Qr5St1Uv7Wx3Yz5Ab7Cd9Ef1Gh3Ij',
  pg: 'postgres://app:Zt8qL2vN9xR4mK7p@db.internal:5432/app',
  custom: 'acme_live_9fK2mQ7xL1pZ4vB8nR3tY6wC0dH5jE2a',
};
const PEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAvR3Xq8zL5mP2nK9wT4yB7cF1dH6jE0sA3uG8iO5rQ2xV9kM4
pL7nZ1tW3yC6fH0dJ5eG8iK2mO4qS7uA9wB1xD3zF5hJ7lN0pR2tV4xY6bD8fH1j
Kq3mO5sU7wA9yC1eG3iK5mO7qS9uW1yA3cE5gI7kM9oQ1sU3wY5aC7eG9iK1mO3q
-----END RSA PRIVATE KEY-----
`;

function plant(root: string): void {
  writeTree(root, {
    'config/aws.ini': `[default]\nregion = eu-west-1\naws_access_key_id = ${PLANTED.aws}\n`,
    '.env': `# local\nNODE_ENV=dev\nGITHUB_TOKEN=${PLANTED.github}\n`,
    'src/notify.js': `const a = 1;\nconst b = 2;\nconst hook = "${PLANTED.slack}";\n`,
    'src/pay.py': `import stripe\n\n\nstripe.api_key = "${PLANTED.stripe}"\n`,
    'deploy/key.pem': `${PEM}`,
    'docker-compose.yml': `services:\n  app:\n    environment:\n      DATABASE_URL: ${PLANTED.pg}\n`,
    'internal/client.ts': `export const token = '${PLANTED.custom}';\n`,
    '.keyspill.yaml': 'prefixes:\n  - acme_live_ base62 32\n',
    'README.md': 'nothing to see\n',
  });
}

interface JsonFinding {
  fingerprint: string;
  ruleId: string;
  kind: string;
  locations: { path: string; line: number }[];
}

test('finds each planted secret with path and line, exits 1; with all fingerprints ignored, exits 0', () => {
  const root = tempDir();
  plant(root);
  const r = runCli(['scan', 'dir', '--format', 'json'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { findings: number } };
  const at = (path: string) =>
    report.findings
      .filter((f) => f.locations.some((l) => l.path === path))
      .map((f) => [f.kind, f.locations.find((l) => l.path === path)!.line]);
  assert.deepEqual(at('config/aws.ini'), [['aws-access-key', 3]]);
  assert.deepEqual(at('.env'), [['github-token', 3]]);
  assert.deepEqual(at('src/notify.js'), [['slack-webhook', 3]]);
  assert.deepEqual(
    at('src/pay.py').map((x) => x[1]),
    [4],
  );
  assert.deepEqual(at('deploy/key.pem'), [['private-key', 1]]);
  assert.deepEqual(at('docker-compose.yml'), [['db-connection-uri', 4]]);
  assert.deepEqual(at('internal/client.ts'), [['custom-acme-live', 1]]);
  assert.ok(
    !r.stdout.includes(PLANTED.github) && !r.stdout.includes('Zt8qL2vN9xR4mK7p'),
    'secrets are redacted',
  );

  writeFileSync(
    join(root, '.keyspillignore'),
    `# reviewed\n${report.findings.map((f) => f.fingerprint).join('\n')}\n`,
  );
  const again = runCli(['scan', 'dir'], { cwd: root });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No leaks found/);
});

test('JSON report validates against schema/report-v1.schema.json', () => {
  const root = tempDir();
  plant(root);
  const r = runCli(['scan', 'dir', '.', '-f', 'json'], { cwd: root });
  assertValidReport(JSON.parse(r.stdout));
});

test('baseline: written sorted, then only new findings fail', () => {
  const root = tempDir();
  plant(root);
  assert.equal(
    runCli(['scan', 'dir', '--write-baseline', 'base.json'], { cwd: root }).code,
    0,
    'writing the baseline accepts the findings',
  );
  const base = readFileSync(join(root, 'base.json'), 'utf8');
  const fps = (JSON.parse(base) as { findings: { fingerprint: string }[] }).findings.map(
    (f) => f.fingerprint,
  );
  assert.deepEqual(fps, [...fps].sort());
  assert.equal(runCli(['scan', 'dir', '--baseline', 'base.json'], { cwd: root }).code, 0);
  writeTree(root, { 'new.env': 'NPM_TOKEN=npm_8fK2mQ7xL1pZ4vB8nR3tY6wC0dH5jE2aQ9sT\n' });
  const r = runCli(['scan', 'dir', '--baseline', 'base.json', '-f', 'json'], { cwd: root });
  assert.equal(r.code, 1);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.locations[0]!.path),
    ['new.env'],
  );
});

test('inline keyspill:allow suppresses a line', () => {
  const root = tempDir();
  writeTree(root, { 'a.ini': `aws_access_key_id = ${PLANTED.aws} # keyspill:allow test fixture\n` });
  assert.equal(runCli(['scan', 'dir'], { cwd: root }).code, 0);
});

test('exit codes: --exit-code overrides 1; a missing path is 3; a bad flag and a bad config are 2', () => {
  const root = tempDir();
  writeTree(root, { 'a.ini': `aws_access_key_id = ${PLANTED.aws}\n` });
  assert.equal(runCli(['scan', 'dir', '--exit-code', '42'], { cwd: root }).code, 42);
  const missing = runCli(['scan', 'dir', 'nope'], { cwd: root });
  assert.equal(missing.code, 3);
  assert.match(missing.stdout, /not-found|not found/);
  assert.equal(runCli(['scan', 'dir', '--format', 'xml'], { cwd: root }).code, 2);
  writeTree(root, { '.keyspill.yaml': 'prefixes:\n  - nope\n' });
  const bad = runCli(['scan', 'dir'], { cwd: root });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\.keyspill\.yaml:2: prefixes: "nope"/);
});

test('stdin: `scan stdin` and `scan dir -`', () => {
  const root = tempDir();
  const input = `line\nkey=${PLANTED.github}\n`;
  for (const args of [
    ['scan', 'stdin', '-f', 'json'],
    ['scan', 'dir', '-', '-f', 'json'],
  ]) {
    const r = runCli(args, { cwd: root, input });
    assert.equal(r.code, 1, r.stderr);
    const f = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    assert.deepEqual(
      f.map((x) => [x.kind, x.locations[0]!.line]),
      [['github-token', 2]],
    );
  }
});

test('--show-secrets prints the secret; --output writes the report to a file', () => {
  const root = tempDir();
  writeTree(root, { 'a.ini': `aws_access_key_id = ${PLANTED.aws}\n` });
  assert.ok(runCli(['scan', 'dir', '--show-secrets'], { cwd: root }).stdout.includes(PLANTED.aws));
  const r = runCli(['scan', 'dir', '-f', 'sarif', '-o', 'out.sarif'], { cwd: root });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    (JSON.parse(readFileSync(join(root, 'out.sarif'), 'utf8')) as { version: string }).version,
    '2.1.0',
  );
});

test('a user rule file with a bad regex stops the scan with exit 2 naming file, rule and problem', () => {
  const root = tempDir();
  writeTree(root, {
    'my-rules.yml': `rules:\n  - id: acme-bad\n    description: bad\n    kind: acme\n    regex: '(acme_[a-z'\n    examples: ['acme_x']\n`,
    'a.txt': 'x',
  });
  const r = runCli(['scan', 'dir', '--rules', 'my-rules.yml'], { cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /my-rules\.yml:2: rule "acme-bad": regex does not compile/);
});

test('a scan big enough to start the worker thread finishes with every finding and the right exit code', () => {
  const root = tempDir();
  const filler = 'const value = computeSomething(input, options);\n'.repeat(20_000); // ~1 MB a file
  const files: Record<string, string> = {};
  for (let i = 0; i < 24; i++) files[`big/f${String(i).padStart(2, '0')}.js`] = filler;
  files['big/f23.js'] = `${filler}const key = "${PLANTED.github}";\n`;
  files['a.ini'] = `aws_access_key_id = ${PLANTED.aws}\n`;
  writeTree(root, files);
  const r = runCli(['scan', 'dir', '-f', 'json', '--verbose'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { itemsScanned: number } };
  assert.equal(report.summary.itemsScanned, 25);
  const onWorker = Number(/worker thread: (\d+) fragments/.exec(r.stderr)?.[1] ?? 0);
  assert.ok(onWorker > 0, `the worker thread scanned fragments (stderr: ${r.stderr.slice(-200)})`);
  assert.deepEqual(
    report.findings.map((f) => `${f.kind}@${f.locations[0]!.path}:${f.locations[0]!.line}`).sort(),
    ['aws-access-key@a.ini:1', 'github-token@big/f23.js:20001'],
  );
});

test('scan stdin on a terminal stops with a clear message instead of waiting (real TTY via script(1))', () => {
  const root = tempDir();
  const r = spawnSync(
    'script',
    ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} scan stdin`, '/dev/null'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(r.error, undefined, 'script(1) from util-linux is needed for this test');
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stdout, /standard input is a terminal, not a pipe/);
});
