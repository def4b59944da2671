// Git history source against real repositories: attribution, refs, merges, renames, skips and odd repositories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { KEYS, Repo, findingFor, git, gitProv, locationAt, scanHistory } from './helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const line = (key: string): string => `aws_access_key_id = ${key}\n`;

test('a secret added then deleted is reported as history only, first seen where it was added', async () => {
  const r = new Repo();
  r.commit('readme', { 'README.md': 'hello\n' });
  const addDate = r.nextDate;
  const added = r.commit('add config', { 'config.ini': `[default]\nregion = x\n${line(KEYS[0])}` });
  r.commit('touch readme', { 'README.md': 'hello again\n' });
  r.git('rm', '-q', 'config.ini');
  r.commit('remove secret');

  const result = await scanHistory(r.dir);
  const l = locationAt(result, KEYS[0], 'config.ini');
  const p = gitProv(l);
  assert.equal(l.line, 3);
  assert.equal(p.introduced?.commit, added);
  assert.equal(p.introduced?.date.slice(0, 10), addDate.slice(0, 10));
  assert.equal(p.introduced?.author, 'Alice Author');
  assert.equal(p.introduced?.summary, 'add config');
  assert.equal(p.atHead, false);
  assert.deepEqual(p.refs, ['refs/heads/main']);
  assert.equal(result.summary.incomplete, false);
});

test('a secret still in the file at HEAD is reported once, at its HEAD line, introduced where it first appeared', async () => {
  const r = new Repo();
  const first = r.commit('add', { 'app.env': `A=1\n${line(KEYS[1])}` });
  r.commit('edit', { 'app.env': `A=1\nB=2\nC=3\n${line(KEYS[1])}` });
  const result = await scanHistory(r.dir);
  const f = findingFor(result, KEYS[1])!;
  assert.equal(f.locations.length, 1, 'the two versions of app.env are one location');
  const p = gitProv(f.locations[0]!);
  assert.equal(f.locations[0]!.line, 4);
  assert.equal(p.atHead, true);
  assert.equal(p.introduced?.commit, first);
  assert.equal(p.seenIn.length, 2);
});

test('a secret only on a side branch, and one only under refs/pull/1/head', async () => {
  const r = new Repo();
  r.commit('base', { 'README.md': 'x\n' });
  r.git('checkout', '-q', '-b', 'feature');
  const side = r.commit('side', { 'side.txt': line(KEYS[2]) });
  r.git('checkout', '-q', 'main');
  // A pull-request head that no branch contains.
  const blob = git(r.dir, ['hash-object', '-w', '--stdin'], { input: line(KEYS[3]) });
  const prTree = git(r.dir, ['mktree'], { input: `100644 blob ${blob}\tpr.txt\n` });
  const prCommit = git(r.dir, ['commit-tree', prTree, '-p', 'main', '-m', 'pr change'], {
    date: '2022-02-02T00:00:00Z',
  });
  r.git('update-ref', 'refs/pull/1/head', prCommit);

  const result = await scanHistory(r.dir);
  const s = gitProv(locationAt(result, KEYS[2], 'side.txt'));
  assert.equal(s.introduced?.commit, side);
  assert.equal(s.atHead, false);
  assert.deepEqual(s.refs, ['refs/heads/feature']);
  const p = gitProv(locationAt(result, KEYS[3], 'pr.txt'));
  assert.equal(p.introduced?.commit, prCommit);
  assert.deepEqual(p.refs, ['refs/pull/1/head']);

  const onlyMain = await scanHistory(r.dir, { revisions: { kind: 'branch', names: ['main'] } });
  assert.equal(onlyMain.findings.length, 0);
  const onlyPulls = await scanHistory(r.dir, { revisions: { kind: 'refs', globs: ['refs/pull/*'] } });
  assert.deepEqual(
    onlyPulls.findings.map((f) => f.secret),
    [KEYS[3]],
  );
});

test('a renamed file: the old path is history, the new one at HEAD, both introduced by the first commit', async () => {
  const r = new Repo();
  const added = r.commit('add', { 'old/name.txt': `x\n${line(KEYS[4])}` });
  r.git('mv', 'old/name.txt', 'new-name.txt');
  r.commit('rename');
  const result = await scanHistory(r.dir);
  const oldLoc = gitProv(locationAt(result, KEYS[4], 'old/name.txt'));
  const newLoc = gitProv(locationAt(result, KEYS[4], 'new-name.txt'));
  assert.equal(oldLoc.atHead, false);
  assert.equal(newLoc.atHead, true);
  assert.equal(oldLoc.introduced?.commit, added);
  assert.equal(newLoc.introduced?.commit, added);
  assert.equal(newLoc.introduced?.path, 'old/name.txt');
});

test('merges: a side-branch secret is attributed to its commit, a secret written in the merge to the merge', async () => {
  const r = new Repo();
  r.commit('base', { 'shared.txt': 'base\n', 'README.md': 'r\n' });
  r.git('checkout', '-q', '-b', 'feature');
  const side = r.commit('feature secret', { 'feature.txt': line(KEYS[5]), 'shared.txt': 'feature side\n' });
  r.git('checkout', '-q', 'main');
  r.commit('main change', { 'shared.txt': 'main side\n' });
  // A conflicting merge, resolved with a secret neither parent had (an "evil merge").
  git(r.dir, ['merge', '-q', '--no-ff', '--no-commit', 'feature'], { allowFail: true });
  writeFileSync(join(r.dir, 'shared.txt'), `resolved\n${line(KEYS[6])}`);
  r.git('add', 'shared.txt');
  const merge = r.commit('merge feature');

  const result = await scanHistory(r.dir);
  const f = gitProv(locationAt(result, KEYS[5], 'feature.txt'));
  assert.equal(f.introduced?.commit, side, 'not the merge commit');
  assert.equal(f.atHead, true);
  const m = gitProv(locationAt(result, KEYS[6], 'shared.txt'));
  assert.equal(m.introduced?.commit, merge);
});

test('an orphan branch (a second root commit) is scanned and attributed', async () => {
  const r = new Repo();
  r.commit('main', { 'a.txt': 'a\n' });
  r.git('checkout', '-q', '--orphan', 'gh-pages');
  r.git('rm', '-rq', '--cached', '.');
  const root = r.commit('orphan root', { 'site.cfg': line(KEYS[7]) });
  r.git('checkout', '-q', '-f', 'main');
  const result = await scanHistory(r.dir);
  const p = gitProv(locationAt(result, KEYS[7], 'site.cfg'));
  assert.equal(p.introduced?.commit, root);
  assert.equal(p.atHead, false);
  assert.deepEqual(p.refs, ['refs/heads/gh-pages']);
});

test('binary blobs and blobs over the size limit are skipped and counted', async () => {
  const r = new Repo();
  r.commit('add', {
    'image.bin': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), Buffer.from(line(KEYS[8]))]),
    'big.txt': `${'x'.repeat(2000)}\n${line(KEYS[9])}`,
    'small.txt': 'fine\n',
  });
  const result = await scanHistory(r.dir, { maxBlobSize: 1000 });
  assert.equal(result.findings.length, 0);
  assert.equal(result.summary.skipped.binary, 1);
  assert.equal(result.summary.skipped['too-large'], 1);
  assert.ok(result.summary.skippedItems.some((s) => s.path === 'big.txt' && s.reason === 'too-large'));
  assert.equal(result.summary.itemsScanned, 1);
  assert.equal(result.summary.incomplete, false);

  const withBinary = await scanHistory(r.dir, { includeBinary: true });
  assert.ok(findingFor(withBinary, KEYS[8]));
  assert.ok(findingFor(withBinary, KEYS[9]));
});

test('an empty repository gives a clean result and says why', async () => {
  const r = new Repo();
  const result = await scanHistory(r.dir);
  assert.equal(result.findings.length, 0);
  assert.equal(result.summary.incomplete, false);
  assert.ok(result.summary.notes.some((n) => n.includes('no commits')));
});

test('a shallow clone says history before the boundary was not scanned, and is incomplete', async () => {
  const r = new Repo();
  r.commit('old secret', { 'old.txt': line(KEYS[0]) });
  r.git('rm', '-q', 'old.txt');
  r.commit('remove it');
  r.commit('recent', { 'new.txt': line(KEYS[1]) });
  const clone = tempDir('keyspill-shallow-');
  git(clone, ['clone', '-q', '--depth', '1', `file://${r.dir}`, 'c']);
  const result = await scanHistory(join(clone, 'c'));
  assert.ok(findingFor(result, KEYS[1]));
  assert.equal(findingFor(result, KEYS[0]), undefined);
  assert.ok(result.summary.notes.some((n) => n.includes('shallow clone') && n.includes('not scanned')));
  assert.equal(result.summary.incomplete, true);
});

test('--since-commit on a branch reports only what the branch introduced; --range likewise', async () => {
  const r = new Repo();
  r.commit('main secret', { 'main.txt': line(KEYS[2]) });
  r.git('checkout', '-q', '-b', 'feature');
  const c1 = r.commit('feature 1', { 'f1.txt': line(KEYS[3]) });
  // Re-adding a secret that main already has is not new on the branch: its blob is reachable from main.
  r.commit('feature 2', { 'copy.txt': line(KEYS[2]), 'f2.txt': line(KEYS[4]) });
  r.git('checkout', '-q', 'main');

  const since = await scanHistory(r.dir, { revisions: { kind: 'since', base: 'main', tips: ['feature'] } });
  assert.deepEqual(since.findings.map((f) => f.secret).sort(), [KEYS[3], KEYS[4]].sort());
  assert.equal(gitProv(locationAt(since, KEYS[3], 'f1.txt')).introduced?.commit, c1);

  const range = await scanHistory(r.dir, { revisions: { kind: 'range', range: `${c1}..feature` } });
  assert.deepEqual(
    range.findings.map((f) => f.secret),
    [KEYS[4]],
  );

  const head = await scanHistory(r.dir, { revisions: { kind: 'since', base: 'main', tips: [] } });
  assert.equal(head.findings.length, 0, 'HEAD is main: nothing after main');
  assert.ok(head.summary.notes.some((n) => n.startsWith('no commits in')));
  assert.equal(head.summary.incomplete, false);
});

test('--all-objects also finds dangling blobs and amended-away commits', async () => {
  const r = new Repo();
  r.commit('base', { 'README.md': 'x\n' });
  const lost = r.commit('oops', { 'creds.txt': line(KEYS[5]) });
  r.git('rm', '-q', 'creds.txt');
  r.git('commit', '-q', '--amend', '--allow-empty', '-m', 'base, amended');
  git(r.dir, ['hash-object', '-w', '--stdin'], { input: `dangling\n${line(KEYS[6])}` });

  const normal = await scanHistory(r.dir);
  assert.equal(normal.findings.length, 0);
  const all = await scanHistory(r.dir, { allObjects: true });
  const amended = gitProv(locationAt(all, KEYS[5], 'creds.txt'));
  assert.equal(amended.introduced?.commit, lost);
  const dangling = findingFor(all, KEYS[6])!;
  assert.ok(dangling.locations[0]!.path.startsWith('<blob '));
  assert.equal(gitProv(dangling.locations[0]!).introduced, undefined);
  assert.ok(all.summary.notes.some((n) => n.includes('--all-objects')));
});

test('a missing blob (partial clone) is skipped as missing-object and the scan goes on', async () => {
  const r = new Repo();
  r.git('config', 'uploadpack.allowFilter', 'true');
  r.commit('one', { 'a.txt': line(KEYS[7]) });
  const clone = tempDir('keyspill-partial-');
  git(clone, ['clone', '-q', '--no-checkout', '--filter=blob:none', `file://${r.dir}`, 'p']);
  const result = await scanHistory(join(clone, 'p'));
  assert.equal(result.findings.length, 0);
  assert.ok((result.summary.skipped['missing-object'] ?? 0) >= 1);
  assert.equal(result.summary.incomplete, true);
});

test('a corrupt blob is skipped as corrupt and the other blobs are still scanned', async () => {
  const r = new Repo();
  r.commit('two files', { 'bad.txt': line(KEYS[8]), 'good.txt': line(KEYS[9]) });
  const oid = r.git('rev-parse', 'HEAD:bad.txt');
  const file = join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  chmodSync(file, 0o644);
  writeFileSync(file, 'not zlib at all');
  const result = await scanHistory(r.dir);
  assert.ok(findingFor(result, KEYS[9]));
  assert.equal(result.summary.skipped.corrupt, 1);
  assert.equal(result.summary.incomplete, true);
});

test('a truncated blob makes cat-file die: it is skipped as corrupt, the reader restarts and goes on', async () => {
  const r = new Repo();
  const noise = Array.from(
    { length: 400 },
    (_, i) => `${i} ${Math.sin(i).toString(36)} ${Math.cos(i * 7).toString(36)}`,
  ).join('\n');
  r.commit('files', {
    'a.txt': line(KEYS[0]),
    'b.txt': `${noise}\n${line(KEYS[1])}`,
    'c.txt': line(KEYS[2]),
    'd.txt': line(KEYS[3]),
  });
  const oid = r.git('rev-parse', 'HEAD:b.txt');
  const file = join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  chmodSync(file, 0o644);
  // The zlib stream cut short: the header (and so the size) still reads, the body does not.
  writeFileSync(file, readFileSync(file).subarray(0, 200));
  const result = await scanHistory(r.dir);
  assert.ok(findingFor(result, KEYS[0]));
  assert.ok(findingFor(result, KEYS[2]));
  assert.ok(findingFor(result, KEYS[3]));
  assert.equal(findingFor(result, KEYS[1]), undefined);
  assert.equal(result.summary.skipped.corrupt, 1);
  assert.ok(result.summary.skippedItems.some((s) => s.path === 'b.txt' && s.reason === 'corrupt'));
  assert.equal(result.summary.incomplete, true);
});

test('a blob git reports as longer than it sends does not hang the scan', async () => {
  const r = new Repo();
  r.commit('one', { 'only.txt': `${'q'.repeat(5000)}\n${line(KEYS[4])}` });
  const oid = r.git('rev-parse', 'HEAD:only.txt');
  const file = join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  const raw = inflateSync(readFileSync(file));
  chmodSync(file, 0o644);
  // A complete zlib stream holding the header (size 5000+) and only 100 bytes: git prints the header, then less.
  writeFileSync(file, deflateSync(raw.subarray(0, 120)));
  const result = await scanHistory(r.dir);
  assert.equal(result.findings.length, 0);
  assert.equal(result.summary.skipped.corrupt, 1);
  assert.equal(result.summary.incomplete, true);
});

test('paths with newlines, spaces and non-UTF-8 bytes are reported intact', async () => {
  const r = new Repo();
  r.write({ 'dir with space/new\nline.txt': line(KEYS[3]) });
  writeFileSync(join(r.dir, 'café.txt'), line(KEYS[4]));
  writeFileSync(
    Buffer.concat([Buffer.from(`${r.dir}/`), Buffer.from([0x6c, 0x61, 0x74, 0xe9, 0x2e, 0x74, 0x78, 0x74])]),
    line(KEYS[5]),
  );
  r.commit('odd names');
  const result = await scanHistory(r.dir);
  assert.ok(locationAt(result, KEYS[3], 'dir with space/new\nline.txt'));
  assert.ok(locationAt(result, KEYS[5], 'lat\ufffd.txt'));
  assert.ok(locationAt(result, KEYS[4], 'café.txt'));
});

test('thousands of refs are passed on stdin', async () => {
  const r = new Repo();
  const base = r.commit('base', { 'a.txt': 'a\n' });
  r.git('checkout', '-q', '-b', 'x');
  const tip = r.commit('secret', { 's.txt': line(KEYS[6]) });
  r.git('checkout', '-q', 'main');
  r.git('branch', '-D', 'x');
  const updates = Array.from(
    { length: 3000 },
    (_, i) => `create refs/tags/t${i} ${i === 2999 ? tip : base}\n`,
  ).join('');
  git(r.dir, ['update-ref', '--stdin'], { input: updates });
  const result = await scanHistory(r.dir);
  const p = gitProv(locationAt(result, KEYS[6], 's.txt'));
  assert.equal(p.introduced?.commit, tip);
  assert.deepEqual(p.refs, ['refs/tags/t2999']);
});

test('a tiny read-ahead still streams everything (backpressure)', async () => {
  const r = new Repo();
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++)
    files[`f${i}.txt`] = `${'z'.repeat(3000 + i)}\n${i === 42 ? line(KEYS[7]) : ''}`;
  r.commit('many', files);
  const result = await scanHistory(r.dir, { readAhead: 1024 });
  assert.equal(result.summary.itemsScanned, 50);
  assert.ok(locationAt(result, KEYS[7], 'f42.txt'));
});
