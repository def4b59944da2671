// `--min-confidence` end to end: what is shown, what is hidden and counted, why a finding fired, file formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

interface Report {
  summary: { findings: number; minConfidence: string; suppressed: { lowConfidence: number } };
  findings: {
    ruleId: string;
    confidence: string;
    field?: string;
    lowered?: string[];
    locations: { path: string }[];
  }[];
}

const root = tempDir();
writeTree(root, {
  // high: a provider format; medium: a credential field with a random value; low: a word as a password.
  '.env':
    'GITHUB_TOKEN=ghp_4Rk9mQ2xT7vB1nL8pZ3yW6cF0dH5jE9sA2uK\nDB_PASSWORD=Vq7!mK2xLz9wRt4p\nADMIN_PASSWORD=whiteduke\n',
  // The same random password in a test fixture is lowered to low.
  'test/fixtures/app.env': 'SMTP_PASSWORD=Tz4pW9kQ2xLm8Rv\n',
  // A file format: the .netrc password, with its field and owner.
  'home/.netrc': 'machine git.acme.internal login ci-bot password Hk8Lq2Vx7Rz4Tw9N\n',
});
const scan = (...flags: string[]) => {
  const r = runCli(['scan', 'dir', '--format', 'json', '--no-save', ...flags], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assertValidReport(report);
  return report;
};

test('the default (medium) shows provider formats and plausible fields, and counts what it hid', () => {
  const report = scan();
  assert.deepEqual(report.findings.map((f) => [f.ruleId, f.confidence, f.field]).sort(), [
    ['generic-password', 'medium', 'DB_PASSWORD'],
    ['github-pat', 'high', 'GITHUB_TOKEN'],
    ['netrc-password', 'medium', 'machine git.acme.internal password'],
  ]);
  assert.equal(report.summary.minConfidence, 'medium');
  assert.equal(report.summary.suppressed.lowConfidence, 2);
});

test('--min-confidence low shows the rest, each saying why it is low; high shows only provider formats', () => {
  const low = scan('--min-confidence', 'low');
  const byPath = new Map(low.findings.map((f) => [f.locations[0]!.path, f]));
  assert.equal(low.findings.length, 5);
  assert.deepEqual(byPath.get('test/fixtures/app.env')!.lowered, ['test or fixture path']);
  const weak = low.findings.find((f) => f.field === 'ADMIN_PASSWORD')!;
  assert.deepEqual([weak.confidence, weak.lowered], ['low', ['weak value (a word or identifier)']]);
  assert.equal(low.summary.suppressed.lowConfidence, 0);
  const high = scan('--min-confidence', 'high');
  assert.deepEqual(
    high.findings.map((f) => f.ruleId),
    ['github-pat'],
  );
});

test('text report: confidence and why it fired (rule, field, entropy); the summary counts the hidden', () => {
  const r = runCli(['scan', 'dir', '--no-save'], { cwd: root });
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    /Confidence {3}medium\n {2}Why {10}rule generic-password, field DB_PASSWORD, entropy \d\.\d\d bits\/char/,
  );
  assert.match(r.stdout, /Suppressed: .*2 below --min-confidence medium/);
});

test('KEYSPILL_MIN_CONFIDENCE sets the default; a bad level is a usage error', () => {
  const r = runCli(['scan', 'dir', '--format', 'json', '--no-save'], {
    cwd: root,
    env: { KEYSPILL_MIN_CONFIDENCE: 'high' },
  });
  assert.equal((JSON.parse(r.stdout) as Report).findings.length, 1);
  const bad = runCli(['scan', 'dir', '--min-confidence', 'certain'], { cwd: root });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /certain/);
});

test('rules list shows the file-format detectors with the files they read', () => {
  const r = runCli(['rules', 'list', '--json'], { cwd: root });
  const rows = jsonResult<{ rules: { id: string; engine: string; source: string; confidence: string }[] }>(
    r,
  ).rules;
  const netrc = rows.find((x) => x.id === 'netrc-password')!;
  assert.equal(netrc.engine, 'format');
  assert.match(netrc.source, /\.netrc/);
  assert.equal(rows.find((x) => x.id === 'generic-password')!.confidence, 'medium');
});
