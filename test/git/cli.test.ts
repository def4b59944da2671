// `keyspill scan git` end to end through bin/run.js: exit codes, JSON provenance, bad input named clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';
import { KEYS, Repo, gitEnv } from './helpers.ts';

const line = (key: string): string => `aws_access_key_id = ${key}\n`;
const env = (): Record<string, string> => gitEnv() as Record<string, string>;

interface JsonReport {
  summary: { findings: number; skipped: Record<string, number>; incomplete: boolean; notes: string[] };
  findings: {
    secret?: string;
    redacted: string;
    identifier?: string;
    locations: { path: string; line: number; provenance: Record<string, unknown> }[];
  }[];
}

test('not a git repository: exit 2 and a message naming the path', () => {
  const dir = tempDir();
  const r = runCli(['scan', 'git', dir], { cwd: dir, env: env() });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${dir.replace(/[/.]/g, '\\$&')} is not a git repository`));
  // A path that does not exist is a scan that could not run (3), as for scan dir.
  const missing = runCli(['scan', 'git', `${dir}/nope`], { cwd: dir, env: env() });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /nope/);
});

test('history scan: exit 1, JSON findings with git provenance, secrets redacted by default', () => {
  const repo = new Repo();
  const c = repo.commit('add', { 'a/creds.txt': `x\n${line(KEYS[0])}` });
  repo.commit('big', { 'big.txt': 'y'.repeat(5000) });
  const r = runCli(['scan', 'git', repo.dir, '--format', 'json', '--max-blob-size', '1KB'], {
    cwd: repo.dir,
    env: env(),
  });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assertValidReport(report);
  assert.equal(report.summary.findings, 1);
  assert.equal(report.summary.skipped['too-large'], 1);
  const f = report.findings[0]!;
  // The access key ID is a public identifier: shown as such; the finding's secret is never in clear.
  assert.equal(f.identifier, KEYS[0]);
  assert.equal(f.redacted, 'AKIA…(20)');
  assert.equal('secret' in f, false);
  const loc = f.locations[0]!;
  assert.equal(loc.path, 'a/creds.txt');
  assert.equal(loc.line, 2);
  assert.equal(loc.provenance.kind, 'git');
  assert.equal((loc.provenance.introduced as { commit: string }).commit, c);
  assert.equal(loc.provenance.atHead, true);
});

test('flag conflicts are usage errors; an unknown --branch is a config error naming it', () => {
  const repo = new Repo();
  repo.commit('one', { 'a.txt': 'a\n' });
  const both = runCli(['scan', 'git', '--staged', '--branch', 'main'], { cwd: repo.dir, env: env() });
  assert.equal(both.code, 2);
  const unknown = runCli(['scan', 'git', '--branch', 'no-such-branch'], { cwd: repo.dir, env: env() });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no-such-branch/);
  const clean = runCli(['scan', 'git', '--branch', 'main'], { cwd: repo.dir, env: env() });
  assert.equal(clean.code, 0, clean.stderr + clean.stdout);
});

test('--staged in a repository with no commits finds the staged secret', () => {
  const repo = new Repo();
  repo.write({ 'k.txt': line(KEYS[1]) });
  repo.git('add', 'k.txt');
  const r = runCli(['scan', 'git', '--staged', '--format', 'json'], { cwd: repo.dir, env: env() });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(report.findings[0]!.locations[0]!.provenance, {
    kind: 'staged',
    repo: repo.dir,
    path: 'k.txt',
  });
});

test('--staged text report: the next step is to unstage the file, not to open an incident', () => {
  const repo = new Repo();
  repo.write({ 'conf/k.txt': line(KEYS[1]) });
  repo.git('add', 'conf/k.txt');
  const r = runCli(['scan', 'git', '--staged'], { cwd: repo.dir, env: env() });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Keep it out of the commit: git restore --staged conf\/k\.txt/);
  assert.doesNotMatch(r.stdout, /respond incident/);
});

test('an empty repository is clean (exit 0) and says so', () => {
  const repo = new Repo();
  const r = runCli(['scan', 'git', '--format', 'json'], { cwd: repo.dir, env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as JsonReport).summary.notes.some((n) => n.includes('no commits')));
});

test('--all-objects JSON (an unreachable blob has introduced: null) validates against the schema', () => {
  const repo = new Repo();
  repo.commit('base', { 'a.txt': 'a\n' });
  repo.write({ 'loose.txt': line(KEYS[2]) });
  repo.git('hash-object', '-w', 'loose.txt');
  const r = runCli(['scan', 'git', '--all-objects', '--format', 'json'], { cwd: repo.dir, env: env() });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assertValidReport(report);
  assert.equal(report.findings[0]!.locations[0]!.provenance.introduced, null);
});
