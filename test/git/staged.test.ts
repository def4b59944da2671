// Staged source: only the lines the commit being made adds, with line numbers in the staged file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStagedDiff } from '../../src/git/staged-diff.ts';
import { KEYS, Repo, findingFor, gitEnv, scanStaged } from './helpers.ts';

const line = (key: string): string => `aws_access_key_id = ${key}\n`;

test('the first commit of a new repository (no HEAD): every staged line counts', async () => {
  const r = new Repo();
  r.write({ 'config/app.ini': `[a]\nx = 1\n${line(KEYS[0])}`, 'README.md': 'hi\n' });
  r.git('add', '-A');
  const result = await scanStaged(r.dir);
  const f = findingFor(result, KEYS[0])!;
  assert.equal(f.locations.length, 1);
  const l = f.locations[0]!;
  assert.equal(l.path, 'config/app.ini');
  assert.equal(l.line, 3);
  assert.deepEqual(l.provenance, { kind: 'staged', repo: r.dir, path: 'config/app.ini' });
  assert.equal(result.summary.itemsScanned, 2);
});

test('a modified file: only added lines are reported, numbered in the staged file; unstaged edits are ignored', async () => {
  const r = new Repo();
  r.commit('base', { 'app.env': `A=1\n${line(KEYS[1])}B=2\n`, 'other.txt': 'x\n' });
  // Stage a new secret on line 5 (the old one on line 2 stays, and is not reported again).
  r.write({ 'app.env': `A=1\n${line(KEYS[1])}B=2\nC=3\n${line(KEYS[2])}D=4\n` });
  r.git('add', 'app.env');
  // A secret in the work tree only is not part of the commit.
  r.write({ 'app.env': `A=1\n${line(KEYS[1])}B=2\nC=3\n${line(KEYS[2])}D=4\n${line(KEYS[3])}` });
  const result = await scanStaged(r.dir);
  assert.deepEqual(
    result.findings.map((f) => [f.secret, f.locations[0]!.line]),
    [[KEYS[2], 5]],
  );
});

test('a change that only removes lines, a binary file and a symlink add nothing to scan', async () => {
  const r = new Repo();
  r.commit('base', { 'a.txt': `keep\n${line(KEYS[4])}` });
  r.write({
    'a.txt': 'keep\n',
    'blob.bin': Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(line(KEYS[5]))]),
  });
  symlinkSync(KEYS[6], join(r.dir, 'link'));
  r.git('add', '-A');
  const result = await scanStaged(r.dir);
  assert.equal(result.findings.length, 0);
  assert.equal(result.summary.skipped.binary, 1);
  assert.equal(result.summary.incomplete, false);
});

test('run from a subfolder, paths are relative to the repository root', async () => {
  const r = new Repo();
  r.commit('base', { 'README.md': 'x\n' });
  mkdirSync(join(r.dir, 'deep', 'er'), { recursive: true });
  writeFileSync(join(r.dir, 'deep', 'er', 's.txt'), line(KEYS[6]));
  r.git('add', '-A');
  const result = await scanStaged(join(r.dir, 'deep', 'er'));
  assert.equal(findingFor(result, KEYS[6])?.locations[0]?.path, 'deep/er/s.txt');
});

test('GIT_INDEX_FILE (as git sets it for hooks) is the index that is scanned', async () => {
  const r = new Repo();
  r.commit('base', { 'a.txt': 'a\n' });
  r.write({ 'a.txt': `a\n${line(KEYS[7])}` });
  const alt = join(r.dir, '.git', 'alt-index');
  const env = { ...gitEnv(), GIT_INDEX_FILE: alt };
  // Build the alternative index the way `git commit -a` does.
  const { spawnSync } = await import('node:child_process');
  spawnSync('git', ['read-tree', 'HEAD'], { cwd: r.dir, env });
  spawnSync('git', ['add', 'a.txt'], { cwd: r.dir, env });
  const normal = await scanStaged(r.dir);
  assert.equal(normal.findings.length, 0);
  const withAlt = await scanStaged(r.dir, env);
  assert.equal(findingFor(withAlt, KEYS[7])?.locations[0]?.line, 2);
});

test('parseStagedDiff: hunks map to the modified files in order; new files are whole; odd names survive', () => {
  const raw = Buffer.from(
    [
      ':000000 100644 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 A\0new\nfile.txt\0',
      ':100644 100644 2222222222222222222222222222222222222222 3333333333333333333333333333333333333333 M\0mod.txt\0',
      ':120000 100644 6666666666666666666666666666666666666666 7777777777777777777777777777777777777777 T\0was-link\0',
      ':100644 100644 4444444444444444444444444444444444444444 5555555555555555555555555555555555555555 M\0img.png\0',
    ].join(''),
  );
  const patch = Buffer.from(
    [
      'diff --git a/mod.txt b/mod.txt\nindex 2222222..3333333 100644\n--- a/mod.txt\n+++ b/mod.txt\n@@ -2 +2 @@ fn()\n-x\n+y\n@@ -10,0 +11,3 @@\n+diff --git lookalike\n+@@ -1 +1 @@ lookalike\n+c\n@@ -20,2 +22,0 @@\n-gone\n-gone\n',
      'diff --git a/img.png b/img.png\nindex 4444444..5555555 100644\nBinary files a/img.png and b/img.png differ\n',
    ].join(''),
  );
  const d = parseStagedDiff(raw, patch);
  assert.equal(d.consistent, true);
  assert.deepEqual(
    d.entries.map((e) => [e.path, e.status, e.oid.slice(0, 4), e.added]),
    [
      ['new\nfile.txt', 'A', '1111', { kind: 'all' }],
      [
        'mod.txt',
        'M',
        '3333',
        {
          kind: 'ranges',
          ranges: [
            [2, 2],
            [11, 13],
          ],
        },
      ],
      ['was-link', 'T', '7777', { kind: 'all' }],
      ['img.png', 'M', '5555', { kind: 'binary' }],
    ],
  );
  const none = parseStagedDiff(raw, Buffer.alloc(0));
  assert.equal(none.consistent, false);
  assert.ok(none.entries.every((e) => e.added.kind === 'all'));
});

test('a symlink turned into a file (a type change) is scanned whole, and the other files keep their hunks', async () => {
  const r = new Repo();
  symlinkSync('target', join(r.dir, 'x'));
  r.commit('base', { 'a.txt': 'a\n' });
  const { rmSync } = await import('node:fs');
  rmSync(join(r.dir, 'x'));
  r.write({ x: `one\n${line(KEYS[8])}`, 'a.txt': `a\n${line(KEYS[9])}` });
  r.git('add', '-A');
  const result = await scanStaged(r.dir);
  assert.deepEqual(result.summary.notes, []);
  assert.equal(findingFor(result, KEYS[8])?.locations[0]?.line, 2);
  assert.equal(findingFor(result, KEYS[9])?.locations[0]?.line, 2);
});

test('a 10-file staged change is scanned quickly', async () => {
  const r = new Repo();
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++)
    files[`src/f${i}.ts`] = Array.from({ length: 200 }, (_, j) => `export const v${j} = ${j};`).join('\n');
  r.commit('base', files);
  for (let i = 0; i < 10; i++) files[`src/f${i}.ts`] += `\nexport const added${i} = 'value ${i}';\n`;
  r.write(files);
  r.git('add', '-A');
  await scanStaged(r.dir);
  const t0 = performance.now();
  const result = await scanStaged(r.dir);
  const ms = performance.now() - t0;
  assert.equal(result.summary.itemsScanned, 10);
  assert.ok(ms < 1000, `took ${ms} ms`);
});
