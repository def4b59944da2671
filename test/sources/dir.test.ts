// Folder source against real temp folders: ignore files, dotfiles, .git, binaries, sizes, links, FIFOs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dirSource, type DirSourceOptions } from '../../src/sources/dir.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

async function collect(
  o: Partial<Omit<DirSourceOptions, 'policy'>> & {
    cwd: string;
    includeBinary?: boolean;
    maxFileSize?: number;
  },
): Promise<{ files: string[]; skips: string[]; incomplete: boolean; texts: Map<string, string> }> {
  const { includeBinary = false, maxFileSize = 1000, ...rest } = o;
  const src = dirSource({
    paths: ['.'],
    useGitignore: true,
    policy: { includeBinary, maxFileSize },
    ...rest,
  });
  const files: string[] = [];
  const skips: string[] = [];
  const texts = new Map<string, string>();
  let incomplete = false;
  for await (const ev of src.events(new AbortController().signal)) {
    if (ev.type === 'fragment') {
      files.push(ev.fragment.path);
      texts.set(ev.fragment.path, ev.fragment.text);
    } else if (ev.type === 'skip') {
      skips.push(`${ev.skipped.path}:${ev.skipped.reason}`);
      incomplete ||= ev.incomplete;
    }
  }
  return { files, skips, incomplete, texts };
}

test('dotfiles and dot-folders are scanned; .git/ is not; .gitignore (nested) is honoured', async () => {
  const root = tempDir();
  writeTree(root, {
    '.env': 'A=1',
    '.npmrc': 'x',
    '.ssh/id_rsa': 'k',
    '.docker/config.json': '{}',
    '.git-credentials': 'https://u:p@h',
    '.git/config': 'secret',
    '.gitignore': 'build/\n*.log\n',
    'build/out.js': 'x',
    'app.log': 'x',
    'src/.gitignore': 'gen.ts\n',
    'src/gen.ts': 'x',
    'src/main.ts': 'x',
  });
  const r = await collect({ cwd: root });
  assert.deepEqual(r.files.sort(), [
    '.docker/config.json',
    '.env',
    '.git-credentials',
    '.gitignore',
    '.npmrc',
    '.ssh/id_rsa',
    'src/.gitignore',
    'src/main.ts',
  ]);
  const all = await collect({ cwd: root, useGitignore: false });
  assert.ok(
    all.files.includes('build/out.js') && all.files.includes('app.log') && all.files.includes('src/gen.ts'),
  );
  assert.ok(!all.files.some((f) => f.startsWith('.git/')));
});

test('binaries and files over the size limit are skipped and counted, not failed', async () => {
  const root = tempDir();
  writeTree(root, { 'a.bin': new Uint8Array([1, 0, 2]), 'big.txt': 'x'.repeat(2000), 'ok.txt': 'fine' });
  const r = await collect({ cwd: root });
  assert.deepEqual(r.files, ['ok.txt']);
  assert.deepEqual(r.skips.sort(), ['a.bin:binary', 'big.txt:too-large']);
  assert.equal(r.incomplete, false);
  assert.ok((await collect({ cwd: root, includeBinary: true })).files.includes('a.bin'));
});

test('invalid UTF-8 is decoded with replacement characters and the rest still scanned', async () => {
  const root = tempDir();
  writeTree(root, { 'x.txt': new Uint8Array([0x61, 0xff, 0xfe, 0x62]) });
  const r = await collect({ cwd: root });
  assert.equal(r.texts.get('x.txt'), 'a\ufffd\ufffdb');
});

test('symlinks out of the root are not followed; FIFOs are never opened', async () => {
  const outside = tempDir();
  writeTree(outside, { 'secret.txt': 'x' });
  const root = tempDir();
  writeTree(root, { 'in.txt': 'x' });
  symlinkSync(join(outside, 'secret.txt'), join(root, 'out-link'));
  symlinkSync(outside, join(root, 'out-dir'));
  symlinkSync(join(root, 'in.txt'), join(root, 'in-link'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  const r = await collect({ cwd: root });
  assert.deepEqual(r.files.sort(), ['in-link', 'in.txt']);
  assert.deepEqual(r.skips.sort(), ['out-dir:symlink', 'out-link:symlink', 'pipe:special-file']);
  assert.equal(r.incomplete, false);
});

test('a named path that does not exist makes the scan incomplete', async () => {
  const root = tempDir();
  const r = await collect({ cwd: root, paths: ['nope'] });
  assert.deepEqual(r.skips, ['nope:not-found']);
  assert.equal(r.incomplete, true);
});

test('deep trees are walked without recursion limits getting in the way', async () => {
  const root = tempDir();
  const deep = Array.from({ length: 200 }, (_, i) => `d${i}`).join('/');
  writeTree(root, { [`${deep}/f.txt`]: 'x' });
  assert.deepEqual((await collect({ cwd: root })).files, [`${deep}/f.txt`]);
});

test('a nested .gitignore can re-include what a parent ignores (git semantics)', async () => {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': '*.log\n',
    'logs/.gitignore': '!keep.log\n',
    'logs/keep.log': 'x',
    'logs/drop.log': 'x',
    'top.log': 'x',
  });
  const r = await collect({ cwd: root });
  assert.deepEqual(r.files.sort(), ['.gitignore', 'logs/.gitignore', 'logs/keep.log']);
});
