// Archives are opened and their members scanned (zip/jar, tar, tar.gz, gz, nested), bounded against bombs and damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { archiveMembers } from '../../src/sources/archive.ts';
import { gz, tar, tgz, zip } from '../helpers/archives.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { Repo, gitEnv } from '../git/helpers.ts';

const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';
const PROPS = `# app\naws_secret_access_key = ${SECRET}\n`;

interface Report {
  summary: {
    skipped: Record<string, number>;
    skippedItems: { path: string; reason: string; detail?: string }[];
    incomplete: boolean;
  };
  findings: { locations: { path: string; member?: string; line: number; provenance: { kind: string } }[] }[];
}

function scanDir(root: string, ...args: string[]): { code: number; report: Report } {
  const r = runCli(['scan', 'dir', '.', '-f', 'json', ...args], { cwd: root });
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

function places(report: Report): string[] {
  return report.findings
    .flatMap((f) =>
      f.locations.map((l) => `${l.path}${l.member === undefined ? '' : `!/${l.member}`}:${l.line}`),
    )
    .sort();
}

test('members of zip, jar, whl, tar, tar.gz, tgz and gz are scanned, named archive!/member, nested too', async () => {
  const root = tempDir();
  const jar = zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'config/app.properties': PROPS });
  writeFileSync(join(root, 'app.jar'), jar);
  writeFileSync(join(root, 'pkg.whl'), zip({ 'pkg/settings.py': PROPS }, { store: true }));
  writeFileSync(join(root, 'logs.tar'), await tar({ 'var/log/app.log': `start\n${PROPS}` }));
  writeFileSync(join(root, 'release.tar.gz'), await tgz({ 'lib/app.jar': jar, README: 'hello\n' }));
  writeFileSync(join(root, 'dump.sql.gz'), gz(`-- dump\n${PROPS}`));
  const { code, report } = scanDir(root);
  assert.equal(code, 1);
  assert.deepEqual(places(report), [
    'app.jar!/config/app.properties:2',
    'dump.sql.gz!/dump.sql:3',
    'logs.tar!/var/log/app.log:3',
    'pkg.whl!/pkg/settings.py:2',
    'release.tar.gz!/lib/app.jar!/config/app.properties:2',
  ]);
});

test('archives nested deeper than 3 are not opened, and say so', () => {
  const root = tempDir();
  let inner: Buffer = zip({ 'deep.env': PROPS });
  for (let i = 0; i < 4; i++) inner = zip({ [`level${i}.zip`]: inner });
  writeFileSync(join(root, 'nest.zip'), inner);
  const { code, report } = scanDir(root);
  assert.equal(code, 0);
  assert.ok(
    report.summary.skippedItems.some((s) => /nested more than 3 deep/.test(s.detail ?? '')),
    JSON.stringify(report.summary),
  );
});

test('a zip bomb stops at the inflation budget: a counted skip with a clear note, the scan incomplete (exit 3)', async () => {
  // 40 members of 10 MiB of zeros each: 400 MiB inflated from a few hundred KiB.
  const zeros = Buffer.alloc(10 * 1024 * 1024);
  const entries: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) entries[`z${i}.txt`] = zeros;
  const root = tempDir();
  writeFileSync(join(root, 'bomb.zip'), zip(entries));
  writeFileSync(join(root, 'ok.env'), PROPS);
  const started = Date.now();
  const { code, report } = scanDir(root);
  assert.ok(Date.now() - started < 30_000);
  assert.equal(code, 1, 'the other file still reports its finding');
  assert.equal(report.summary.incomplete, true);
  assert.ok(
    report.summary.skippedItems.some((s) => s.path === 'bomb.zip' && /zip bomb/.test(s.detail ?? '')),
    JSON.stringify(report.summary.skippedItems.slice(0, 3)),
  );

  const text = runCli(['scan', 'dir', '.'], { cwd: root });
  assert.match(
    text.stdout,
    /Note: bomb\.zip: .*a zip bomb\?/,
    'the text report says it, not only the skip list',
  );
});

test('a truncated tar.gz: the members before the damage are scanned, the damage is reported', async () => {
  const root = tempDir();
  const whole = await tgz({ 'a.env': PROPS, 'b.bin': Buffer.alloc(300_000, 7), 'c.env': 'x=1\n' });
  writeFileSync(join(root, 'cut.tgz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  const { report } = scanDir(root);
  assert.deepEqual(places(report), ['cut.tgz!/a.env:2']);
  assert.equal(report.summary.incomplete, true);
  assert.ok(report.summary.skippedItems.some((s) => s.path.startsWith('cut.tgz') && s.reason === 'corrupt'));
  const garbage = tempDir();
  writeFileSync(join(garbage, 'fake.zip'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]));
  const g = scanDir(garbage);
  assert.ok(g.report.summary.skippedItems.some((s) => s.reason === 'corrupt'));
});

test('unit: every inflated byte is charged to the shared budget', async () => {
  const bytes = gzipSync(Buffer.alloc(5_000_000));
  const items = [];
  for await (const it of archiveMembers(
    bytes,
    'gzip',
    'x.gz',
    { maxMemberBytes: 1e9, budget: { remaining: 1_000_000 } },
    1_000_000,
  ))
    items.push(it);
  assert.equal(items.length, 1);
  assert.equal(items[0]!.type, 'skip');
  assert.match(items[0]!.type === 'skip' ? items[0]!.detail : '', /zip bomb/);
});

test('an archive committed to git: the member is named and attributed to its commit', () => {
  const repo = new Repo();
  const c = repo.commit('vendor a jar', { 'lib/app.jar': zip({ 'config/app.properties': PROPS }) });
  const r = runCli(['scan', 'git', '.', '-f', 'json'], {
    cwd: repo.dir,
    env: gitEnv() as Record<string, string>,
  });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report & {
    findings: { locations: { provenance: { introduced: { commit: string } } }[] }[];
  };
  const loc = report.findings[0]!.locations[0]!;
  assert.equal(loc.path, 'lib/app.jar');
  assert.equal(loc.member, 'config/app.properties');
  assert.equal(loc.provenance.introduced.commit, c);
});
