// The CI check cannot be switched off silently by the change it checks; the baseline is merged, never clobbered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gitEnv, KEYS, Repo } from './helpers.ts';

const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';
const env = (): Record<string, string> => gitEnv() as Record<string, string>;

interface Report {
  summary: { notes: string[]; suppressed: Record<string, number> };
  findings: { fingerprint: string }[];
}

test('a pull request that allowlists everything is counted, named, and judged by --config-from the base', () => {
  const repo = new Repo();
  repo.commit('base', { 'README.md': 'hello\n' });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('leak and silence it', {
    'deploy.env': `AWS_ACCESS_KEY_ID=${KEYS[2]}\nAWS_SECRET_ACCESS_KEY=${SECRET}\n`,
    '.keyspill.yaml': "allowlist:\n  paths: ['**']\n",
  });
  const pr = runCli(['scan', 'git', '.', '--since-commit', 'main', '-f', 'json'], {
    cwd: repo.dir,
    env: env(),
  });
  assert.equal(pr.code, 0, pr.stderr);
  const report = JSON.parse(pr.stdout) as Report;
  assert.equal(report.findings.length, 0);
  assert.ok(report.summary.suppressed['configAllowlist']! >= 1, JSON.stringify(report.summary.suppressed));
  assert.match(report.summary.notes.join('\n'), /this range changes \.keyspill\.yaml: .*--config-from/);

  const text = runCli(['scan', 'git', '.', '--since-commit', 'main'], { cwd: repo.dir, env: env() });
  assert.match(text.stdout, /Suppressed: \d+ by the allowlist in \.keyspill\.yaml/);
  const sarif = runCli(['scan', 'git', '.', '--since-commit', 'main', '-f', 'sarif'], {
    cwd: repo.dir,
    env: env(),
  });
  const inv = (
    JSON.parse(sarif.stdout) as {
      runs: { invocations: { properties: { suppressed: Record<string, number> } }[] }[];
    }
  ).runs[0]!.invocations[0]!;
  assert.ok(inv.properties.suppressed['configAllowlist']! >= 1);

  const judged = runCli(
    ['scan', 'git', '.', '--since-commit', 'main', '--config-from', 'main', '-f', 'json'],
    {
      cwd: repo.dir,
      env: env(),
    },
  );
  assert.equal(judged.code, 1, judged.stderr);
  const j = JSON.parse(judged.stdout) as Report;
  assert.equal(j.findings.length, 1);
  assert.equal(j.summary.suppressed['configAllowlist'], 0);
  assert.match(j.summary.notes.join('\n'), /configuration read from main \(--config-from\)/);

  // The README's CI snippet passes --baseline; a base branch with no baseline yet applies none, and says so.
  const noBase = runCli(
    [
      'scan',
      'git',
      '.',
      '--since-commit',
      'main',
      '--config-from',
      'main',
      '--baseline',
      '.keyspill-baseline.json',
      '-f',
      'json',
    ],
    { cwd: repo.dir, env: env() },
  );
  assert.equal(noBase.code, 1, noBase.stderr);
  assert.match(
    (JSON.parse(noBase.stdout) as Report).summary.notes.join('\n'),
    /baseline \.keyspill-baseline\.json not found in main: none applied/,
  );
  const bad = runCli(['scan', 'git', '.', '--config-from', 'no-such-branch'], { cwd: repo.dir, env: env() });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--config-from no-such-branch: no such commit/);
});

test('--write-baseline merges (the hook cannot wipe the baseline), exits 0, and refuses to clobber another file', () => {
  const repo = new Repo();
  repo.commit('one', { 'a.env': `AWS_ACCESS_KEY_ID=${KEYS[3]}\n` });
  const base = join(repo.dir, '.keyspill-baseline.json');
  assert.equal(runCli(['scan', 'git', '.', '--write-baseline', base], { cwd: repo.dir, env: env() }).code, 0);
  const first = (JSON.parse(readFileSync(base, 'utf8')) as Report).findings.map((f) => f.fingerprint);
  assert.equal(first.length, 1);
  repo.write({ 'b.env': `AWS_SECRET_ACCESS_KEY=${SECRET}\n` });
  repo.git('add', 'b.env');
  const staged = runCli(['scan', 'git', '--staged', '--write-baseline', base], { cwd: repo.dir, env: env() });
  assert.equal(staged.code, 0, staged.stderr);
  const after = (JSON.parse(readFileSync(base, 'utf8')) as Report).findings.map((f) => f.fingerprint);
  assert.equal(after.length, 2, 'the staged finding is added, the earlier one kept');
  assert.ok(after.includes(first[0]!));
  assert.equal(
    runCli(['scan', 'git', '--staged', '--baseline', base], { cwd: repo.dir, env: env() }).code,
    0,
  );

  const other = join(repo.dir, 'package.json');
  writeFileSync(other, '{"name": "x", "token": "do-not-print-me"}\n');
  const clobber = runCli(['scan', 'git', '.', '--write-baseline', other], { cwd: repo.dir, env: env() });
  assert.equal(clobber.code, 2);
  assert.match(clobber.stderr, /exists and is not a keyspill baseline/);
  assert.equal(readFileSync(other, 'utf8'), '{"name": "x", "token": "do-not-print-me"}\n');
  const asBaseline = runCli(['scan', 'git', '.', '--baseline', other], { cwd: repo.dir, env: env() });
  assert.equal(asBaseline.code, 2);
  assert.ok(!asBaseline.stderr.includes('do-not-print-me'), 'a bad baseline is never echoed');
  writeFileSync(other, 'AKIA-not-json do-not-print-me');
  const notJson = runCli(['scan', 'git', '.', '--baseline', other], { cwd: repo.dir, env: env() });
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /it is not valid JSON/);
  assert.ok(!notJson.stderr.includes('do-not-print-me'));
});

test('-o into a folder that does not exist fails before scanning, with the fix', () => {
  const repo = new Repo();
  repo.commit('one', { 'a.txt': 'x\n' });
  const started = Date.now();
  const r = runCli(['scan', 'git', '.', '-o', join(tempDir(), 'no', 'such', 'report.sarif')], {
    cwd: repo.dir,
    env: env(),
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--output .*report\.sarif: cannot write in .*ENOENT/);
  assert.match(r.stderr, /fix: create the folder first/);
  assert.ok(Date.now() - started < 10_000);
});
