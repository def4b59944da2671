// The pre-commit fast path (no oclif) gives exactly what the command gives: report, stderr, exit code, saved scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStagedArgs } from '../../src/cli/fast-staged.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gitEnv, KEYS, Repo } from './helpers.ts';

const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';

test('only the hook flags take the fast path; anything else goes to oclif', () => {
  assert.deepEqual([...parseStagedArgs(['--staged'])!], [['staged', '']]);
  assert.deepEqual(
    [
      ...parseStagedArgs(
        ['--staged', '--baseline', 'b.json', '-c=x', '--no-save', '--no-color'].filter((a) => a !== '-c=x'),
      )!,
    ],
    [
      ['staged', ''],
      ['baseline', 'b.json'],
      ['no-save', ''],
      ['no-color', ''],
    ],
  );
  assert.equal(parseStagedArgs(['--staged', '--baseline=b.json'])!.get('baseline'), 'b.json');
  for (const args of [
    ['--staged', '-f', 'json'],
    ['--staged', '--json'],
    ['--staged', '--baseline'],
    ['--staged', '--baseline', '--no-save'],
    ['--staged', '--staged'],
    ['--baseline', 'b.json'],
    ['--staged', 'repo'],
    ['--staged', '--help'],
  ])
    assert.equal(parseStagedArgs(args), undefined, args.join(' '));
});

function both(repo: Repo, args: string[], env: Record<string, string> = {}): void {
  const e = { ...(gitEnv() as Record<string, string>), ...env };
  const fast = runCli(['scan', 'git', ...args], { cwd: repo.dir, env: e });
  const slow = runCli(['scan', 'git', ...args], { cwd: repo.dir, env: { ...e, KEYSPILL_NO_FAST: '1' } });
  const norm = (s: string): string => s.replace(/ in \d+(\.\d+)? (ms|s)$/m, ' in T');
  assert.equal(fast.code, slow.code, `${args.join(' ')}: ${fast.stderr} / ${slow.stderr}`);
  assert.equal(norm(fast.stdout), norm(slow.stdout), args.join(' '));
  assert.equal(fast.stderr, slow.stderr, args.join(' '));
}

test('fast and oclif paths agree: clean, findings, baseline, bad config, not a repository', () => {
  const repo = new Repo();
  repo.commit('one', { 'README.md': 'x\n' });
  repo.write({ 'a.txt': 'nothing\n' });
  repo.git('add', 'a.txt');
  both(repo, ['--staged']);
  repo.write({ 'deploy.env': `AWS_ACCESS_KEY_ID=${KEYS[5]}\nAWS_SECRET_ACCESS_KEY=${SECRET}\n` });
  repo.git('add', 'deploy.env');
  both(repo, ['--staged']);
  both(repo, ['--staged', '--no-save', '--no-color']);
  assert.equal(
    runCli(['scan', 'git', '--staged', '--write-baseline', 'b.json'], {
      cwd: repo.dir,
      env: gitEnv() as Record<string, string>,
    }).code,
    0,
  );
  both(repo, ['--staged', '--baseline', 'b.json']);
  both(repo, ['--staged'], { KEYSPILL_BASELINE: 'b.json' });
  repo.write({ '.keyspill.yaml': 'prefixes: ["x base62 9999"]\n' });
  both(repo, ['--staged']);
  const notRepo = new Repo(tempDir(), false);
  both(notRepo, ['--staged']);
});

test('a staged Kubernetes Secret manifest is the same finding on both paths (k8s-secret-manifest, decoded)', () => {
  const repo = new Repo();
  repo.commit('one', { 'README.md': 'x\n' });
  const value = Buffer.from('S3cr3t-Passw0rd-987654321').toString('base64');
  repo.write({
    'deploy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ${value}\n`,
  });
  repo.git('add', 'deploy/secret.yaml');
  both(repo, ['--staged', '--no-save']);
  const fast = runCli(['scan', 'git', '--staged', '--no-save'], {
    cwd: repo.dir,
    env: gitEnv() as Record<string, string>,
  });
  assert.equal(fast.code, 1);
  assert.match(fast.stdout, /\(k8s-secret-manifest\)/);
  assert.match(fast.stdout, /deploy\/secret\.yaml:7:13 +\(staged change; decoded from base64\)/);
});
