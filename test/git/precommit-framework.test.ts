// The pre-commit framework (https://pre-commit.com), for real: this repository as a hook repo, used from a
// fresh project. Installs pre-commit from PyPI into .cache/ on first use; fails loudly if it cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { KEYS } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CACHE = join(ROOT, '.cache');
const VENV = join(CACHE, 'pre-commit-venv');
const PRE_COMMIT = join(VENV, 'bin', 'pre-commit');

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

function ensurePreCommit(): void {
  if (existsSync(PRE_COMMIT)) return;
  mkdirSync(CACHE, { recursive: true });
  const venv = run('python3', ['-m', 'venv', VENV], ROOT);
  assert.equal(venv.status, 0, `python3 -m venv failed (python3 with venv is needed): ${venv.stderr}`);
  const pip = run(join(VENV, 'bin', 'pip'), ['install', '--quiet', 'pre-commit>=3.2,<5'], ROOT);
  assert.equal(pip.status, 0, `pip install pre-commit failed (PyPI must be reachable): ${pip.stderr}`);
}

test(
  'pre-commit framework: hook from this repo blocks a commit adding a key, lets a clean one through',
  { timeout: 600_000 },
  () => {
    ensurePreCommit();
    const rev = run('git', ['rev-parse', 'HEAD'], ROOT).stdout.trim();
    assert.match(rev, /^[0-9a-f]{40}$/, 'this test runs the committed HEAD of the repository');
    const project = tempDir();
    const env = {
      ...process.env,
      PRE_COMMIT_HOME: join(CACHE, 'pre-commit-home'),
      KEYSPILL_STATE_DIR: project,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    const git = (...args: string[]) => run('git', args, project, env);
    git('init', '-q', '-b', 'main');
    writeFileSync(
      join(project, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${ROOT}\n    rev: ${rev}\n    hooks:\n      - id: keyspill\n`,
    );
    git('add', '.');
    assert.equal(git('commit', '-qm', 'config', '--no-verify').status, 0);
    const install = run(PRE_COMMIT, ['install'], project, env);
    assert.equal(install.status, 0, install.stderr);

    writeFileSync(join(project, 'ok.py'), 'print("hello")\n');
    git('add', 'ok.py');
    const clean = git('commit', '-qm', 'clean');
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);

    const secretKey = '5dyQ/0hBQZz9I7h6d3SuRQx8fcuEEr6CMMJ6zYbn';
    writeFileSync(
      join(project, 'settings.ini'),
      `aws_access_key_id = ${KEYS[1]}\naws_secret_access_key = ${secretKey}\n`,
    );
    git('add', 'settings.ini');
    const leak = git('commit', '-qm', 'leak');
    assert.notEqual(leak.status, 0, 'the commit must be blocked');
    const out = leak.stdout + leak.stderr;
    assert.match(out, /keyspill\.+Failed/);
    assert.match(out, /git restore --staged settings\.ini/);
    assert.ok(!out.includes(secretKey), 'the secret key is redacted in the hook output');
    assert.equal(git('log', '--format=%s').stdout.trim().split('\n')[0], 'clean');
  },
);
