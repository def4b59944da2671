// `keyspill hook install/uninstall` with real `git commit`s: blocks a secret, passes a clean change, respects others' hooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_MARKER } from '../../src/hook/pre-commit.ts';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { KEYS, Repo, gitEnv } from './helpers.ts';

const env = (): Record<string, string> => gitEnv() as Record<string, string>;

function commit(dir: string, message: string): { code: number; out: string } {
  const r = spawnSync('git', ['commit', '-m', message], { cwd: dir, env: gitEnv(), encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

test('install, then a commit adding an AWS key is blocked with instructions, and a clean commit passes', () => {
  const repo = new Repo();
  repo.commit('base', { 'README.md': 'x\n' });
  const install = runCli(['hook', 'install'], { cwd: repo.dir, env: env() });
  assert.equal(install.code, 0, install.stderr);
  const hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
  const text = readFileSync(hook, 'utf8');
  assert.ok(text.includes(HOOK_MARKER));
  assert.ok(text.includes(process.execPath), 'runs the installing node');
  assert.ok((statSync(hook).mode & 0o111) !== 0, 'executable');

  const head = repo.git('rev-parse', 'HEAD');
  const secretKey = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';
  repo.write({
    'deploy.env': `REGION=eu\nAWS_ACCESS_KEY_ID=${KEYS[0]}\nAWS_SECRET_ACCESS_KEY=${secretKey}\n`,
  });
  repo.git('add', 'deploy.env');
  const blocked = commit(repo.dir, 'add deploy config');
  assert.notEqual(blocked.code, 0, blocked.out);
  assert.match(blocked.out, /git restore --staged/);
  assert.match(blocked.out, /keyspill:allow/);
  assert.match(blocked.out, /\.keyspillignore/);
  assert.match(blocked.out, /deploy\.env:3/);
  assert.ok(!blocked.out.includes(secretKey), 'redacted');
  assert.match(blocked.out, new RegExp(`Identifier +${KEYS[0]}`), 'the key ID names the key to deactivate');
  assert.equal(repo.git('rev-parse', 'HEAD'), head);

  repo.git('restore', '--staged', 'deploy.env');
  repo.write({ 'notes.md': 'nothing secret\n' });
  repo.git('add', 'notes.md');
  const ok = commit(repo.dir, 'notes');
  assert.equal(ok.code, 0, ok.out);
  assert.notEqual(repo.git('rev-parse', 'HEAD'), head);
});

test('reinstall is idempotent; a foreign hook is refused without --force, kept aside with it, restored by uninstall', () => {
  const repo = new Repo();
  const hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o755 });
  const refused = runCli(['hook', 'install'], { cwd: repo.dir, env: env() });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--force/);
  assert.equal(readFileSync(hook, 'utf8'), '#!/bin/sh\necho mine\n');

  const uninstallForeign = runCli(['hook', 'uninstall'], { cwd: repo.dir, env: env() });
  assert.equal(uninstallForeign.code, 2);
  assert.equal(readFileSync(hook, 'utf8'), '#!/bin/sh\necho mine\n');

  const forced = runCli(['hook', 'install', '--force', '--json'], { cwd: repo.dir, env: env() });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(jsonResult<{ action: string }>(forced).action, 'replaced');
  const first = readFileSync(hook, 'utf8');
  const again = runCli(['hook', 'install', '--json'], { cwd: repo.dir, env: env() });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(jsonResult<{ action: string }>(again).action, 'updated');
  assert.equal(readFileSync(hook, 'utf8'), first);

  const removed = runCli(['hook', 'uninstall'], { cwd: repo.dir, env: env() });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(readFileSync(hook, 'utf8'), '#!/bin/sh\necho mine\n');
  assert.equal(existsSync(`${hook}.pre-keyspill`), false);
});

test("core.hooksPath is respected, and uninstall removes only keyspill's hook", () => {
  const repo = new Repo();
  repo.git('config', 'core.hooksPath', '.githooks');
  const install = runCli(['hook', 'install'], { cwd: repo.dir, env: env() });
  assert.equal(install.code, 0, install.stderr);
  const hook = join(repo.dir, '.githooks', 'pre-commit');
  assert.ok(readFileSync(hook, 'utf8').includes(HOOK_MARKER));
  assert.equal(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit')), false);
  const un = runCli(['hook', 'uninstall'], { cwd: repo.dir, env: env() });
  assert.equal(un.code, 0);
  assert.equal(existsSync(hook), false);
  const none = runCli(['hook', 'uninstall'], { cwd: repo.dir, env: env() });
  assert.equal(none.code, 0);
});
