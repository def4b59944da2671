// Installing as README says: a tarball from `npm pack` installs (globally, into a prefix) and runs on Node 24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// npm scripts of this repository run on Node 24 (node_modules/.bin first on PATH): so does the installed command.
const PATH = `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;

function run(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH, NO_COLOR: '1' },
    timeout: 300_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('npm pack, then npm install -g of the tarball: the keyspill command scans', { timeout: 300_000 }, () => {
  const work = tempDir();
  // dist/ is built by `npm test` already; packing must not rebuild it under the other tests' feet.
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
  assert.equal(pack.status, 0, pack.out);
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  const prefix = join(work, 'global');
  const install = run(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tgz)],
    work,
  );
  assert.equal(
    install.status,
    0,
    `npm install -g failed (the npm registry must be reachable): ${install.out}`,
  );
  const bin = join(prefix, 'bin', 'keyspill');
  const version = run(bin, ['--version'], work);
  assert.match(version.out, /^keyspill\/\d+\.\d+\.\d+/);
  const project = tempDir();
  writeTree(project, { 'app.env': 'AWS_SECRET_ACCESS_KEY=Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie\n' });
  const scan = run(bin, ['scan', 'dir', '.', '--no-save'], project);
  assert.equal(scan.status, 1, scan.out);
  assert.match(scan.out, /AWS secret access key/);
});
