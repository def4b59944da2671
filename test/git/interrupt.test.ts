// Ctrl-C during a history scan: every git process stops within a second, the report says it is partial, exit 130.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRepo } from '../../src/git/repo.ts';
import { scanSource } from '../../src/scan/pipeline.ts';
import { gitHistorySource } from '../../src/sources/git-history.ts';
import { BIN } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { builtinRuleset, gitEnv, KEYS, Repo, wrappedGit } from './helpers.ts';

/**
 * A `git` on PATH that behaves like git, except that `git log` (the attribution pass) records its pid and sleeps
 * for a minute: the slow step a large history makes, on demand.
 */
function slowLogGit(): { env: NodeJS.ProcessEnv; pidFile: string } {
  const pidFile = join(tempDir('keyspill-slowgit-'), 'log.pid');
  // `log` starts a child that holds git's output pipe (as a textconv filter or a helper would) and waits for it.
  const { path } = wrappedGit(
    `if [ "$1" = log ]; then sleep 60 & echo $! > ${JSON.stringify(pidFile)}; wait; exit 0; fi`,
  );
  return { env: { ...gitEnv(), PATH: path }, pidFile };
}

/** Running (a killed process waiting for its reaper, a zombie, no longer runs). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function repoWithSecret(): Repo {
  const repo = new Repo();
  repo.commit('add', { 'creds.txt': `aws_access_key_id = ${KEYS[0]}\n` });
  repo.commit('more', { 'b.txt': 'b\n' });
  return repo;
}

test('an abort during attribution stops git within a second and the report says it is partial', async () => {
  const repo = repoWithSecret();
  const slow = slowLogGit();
  const ac = new AbortController();
  const opened = await openRepo({ path: repo.dir, cwd: repo.dir, env: slow.env });
  const scan = scanSource({
    source: gitHistorySource({
      repo: opened,
      revisions: { kind: 'all' },
      allObjects: false,
      policy: { maxFileSize: 1e7, includeBinary: false },
    }),
    ruleset: await builtinRuleset(),
    ignored: new Set(),
    baseline: undefined,
    signal: ac.signal,
  });
  await until(() => existsSync(slow.pidFile), 20_000);
  const pid = Number(readFileSync(slow.pidFile, 'utf8'));
  const abortedAt = Date.now();
  ac.abort();
  const out = await scan;
  assert.ok(Date.now() - abortedAt < 1000, `returned ${Date.now() - abortedAt} ms after the abort`);
  await until(() => !alive(pid), 1000);
  assert.equal(out.interrupted, true);
  assert.equal(out.result.summary.incomplete, true);
  assert.match(out.result.summary.notes.join('\n'), /interrupted: the scan stopped early/);
  assert.match(out.result.summary.notes.join('\n'), /interrupted before attribution finished/);
  assert.equal(out.result.findings.length, 1, 'what was found is still reported');
  assert.equal(
    (out.result.findings[0]!.locations[0]!.provenance as { atHead?: boolean }).atHead,
    undefined,
    'HEAD status is unknown, not "not at HEAD"',
  );
});

async function interruptDuringAttribution(group: boolean): Promise<void> {
  const repo = repoWithSecret();
  const slow = slowLogGit();
  const child = spawn(process.execPath, [BIN, 'scan', 'git', repo.dir, '-f', 'json', '--no-cache'], {
    cwd: repo.dir,
    env: { ...slow.env, NO_COLOR: '1', KEYSPILL_STATE_DIR: tempDir() },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await until(() => existsSync(slow.pidFile), 30_000);
  const pid = Number(readFileSync(slow.pidFile, 'utf8'));
  const sentAt = Date.now();
  // A terminal's Ctrl-C goes to the whole foreground process group: keyspill and the scan process it starts.
  if (group) process.kill(-child.pid!, 'SIGINT');
  else child.kill('SIGINT');
  const code = await exited;
  assert.ok(Date.now() - sentAt < 1500, `exited ${Date.now() - sentAt} ms after SIGINT`);
  assert.equal(code, 130);
  await until(() => !alive(pid), 1000);
  const report = JSON.parse(stdout) as {
    summary: { incomplete: boolean; notes: string[] };
    findings: unknown[];
  };
  assert.equal(report.summary.incomplete, true);
  assert.match(report.summary.notes[0]!, /interrupted/);
  assert.equal(report.findings.length, 1);
}

test('Ctrl-C (SIGINT) to `keyspill scan git` during attribution: exit 130 within a second, a partial report', () =>
  interruptDuringAttribution(false));

test('Ctrl-C from a terminal (SIGINT to the process group) counts once: the same partial report, exit 130', () =>
  interruptDuringAttribution(true));
