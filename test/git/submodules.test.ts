// Submodules: named when not entered; with --recurse-submodules scanned too, under their path; not checked out: said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { git, gitEnv, Repo } from './helpers.ts';

const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';
const env = (): Record<string, string> => gitEnv() as Record<string, string>;

interface Report {
  summary: { notes: string[]; incomplete: boolean };
  findings: {
    locations: { path: string; provenance: { repo: string; introduced: { commit: string; path: string } } }[];
  }[];
}

function superproject(): { top: Repo; subCommit: string } {
  const sub = new Repo();
  const subCommit = sub.commit('creds', { 'config/creds.env': `AWS_SECRET_ACCESS_KEY=${SECRET}\n` });
  const top = new Repo();
  top.commit('start', { 'README.md': 'top\n' });
  top.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'libs/sub');
  top.commit('add submodule');
  return { top, subCommit };
}

test('a submodule is named, with how to scan it, and not entered by default', () => {
  const { top } = superproject();
  const r = runCli(['scan', 'git', '.', '-f', 'json'], { cwd: top.dir, env: env() });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.match(
    report.summary.notes.join('\n'),
    /1 submodule\(s\) not entered: libs\/sub \(.+\) at [0-9a-f]{7}\. Scan them too with --recurse-submodules/,
  );
});

test('--recurse-submodules scans the submodule history, shown under its path and attributed in its repository', () => {
  const { top, subCommit } = superproject();
  const r = runCli(['scan', 'git', '.', '--recurse-submodules', '-f', 'json'], { cwd: top.dir, env: env() });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.findings.length, 1);
  const loc = report.findings[0]!.locations[0]!;
  assert.equal(loc.path, 'libs/sub/config/creds.env');
  assert.equal(loc.provenance.introduced.commit, subCommit);
  assert.equal(loc.provenance.introduced.path, 'libs/sub/config/creds.env');
});

test('a submodule that is not checked out is said to be unscanned (the scan is incomplete)', () => {
  const { top } = superproject();
  const clone = tempDir();
  git(clone, ['clone', '-q', top.dir, 'c']);
  const r = runCli(['scan', 'git', 'c', '--recurse-submodules', '-f', 'json'], { cwd: clone, env: env() });
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.match(
    report.summary.notes.join('\n'),
    /submodule libs\/sub .* is not checked out.*git submodule update --init/,
  );
});
