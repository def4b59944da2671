// The git scan cache: a second scan of an unchanged history reads no clean blob and gives the same findings;
// new commits cost only their new blobs; another ruleset, a damaged cache, --no-cache: each behaves as said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { loadBlobCache } from '../../src/state/blob-cache.ts';
import { gitEnv, KEYS, Repo, wrappedGit } from './helpers.ts';

const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';

interface Report {
  summary: { itemsScanned: number; notes: string[]; skipped: Record<string, number> };
  findings: { fingerprint: string; locations: unknown[] }[];
}

function scan(
  repo: Repo,
  cacheDir: string,
  ...args: string[]
): { code: number; report: Report; stderr: string } {
  const r = runCli(['scan', 'git', '.', '-f', 'json', ...args], {
    cwd: repo.dir,
    env: { ...(gitEnv() as Record<string, string>), KEYSPILL_CACHE_DIR: cacheDir },
  });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

function history(): Repo {
  const repo = new Repo();
  for (let i = 0; i < 20; i++) repo.commit(`c${i}`, { [`src/f${i}.js`]: `export const v${i} = ${i};\n` });
  repo.commit('leak', {
    'deploy.env': `AWS_SECRET_ACCESS_KEY=${SECRET}\n`,
    'logo.png': Buffer.from([0x89, 0x50, 0, 0, 1]),
  });
  return repo;
}

test('a second scan reads no clean blob and reports the same findings; new commits are the only new work', () => {
  const repo = history();
  const cache = tempDir();
  const first = scan(repo, cache);
  assert.equal(first.code, 1, first.stderr);
  assert.equal(readdirSync(cache).filter((f) => f.startsWith('blobs-')).length, 1);
  const second = scan(repo, cache);
  assert.equal(second.code, 1);
  assert.deepEqual(second.report.findings, first.report.findings, 'same findings, same places');
  assert.equal(second.report.summary.itemsScanned, first.report.summary.itemsScanned);
  assert.deepEqual(
    second.report.summary.skipped,
    first.report.summary.skipped,
    'the binary blob is still counted',
  );
  const note = second.report.summary.notes.find((n) => /scan cache/.test(n)) ?? '';
  assert.equal(
    Number(/^(\d+) blob/.exec(note)?.[1]),
    first.report.summary.itemsScanned - 1,
    'all but the matched blob',
  );
  repo.commit('more', { 'src/new.js': 'export const n = 1;\n', 'b.env': `AWS_ACCESS_KEY_ID=${KEYS[4]}\n` });
  const third = scan(repo, cache);
  assert.equal(third.report.findings.length, 2);
  assert.match(third.report.summary.notes.join('\n'), /\d+ blob\(s\) were scanned clean by an earlier run/);
});

test('other rules mean another cache; a damaged cache is ignored with a note; --no-cache writes none', () => {
  const repo = history();
  const cache = tempDir();
  scan(repo, cache);
  const withRule = scan(repo, cache, '--max-file-size', '1MB');
  assert.ok(
    !withRule.report.summary.notes.some((n) => /scanned clean by an earlier run/.test(n)),
    'new options, new cache',
  );
  assert.equal(readdirSync(cache).filter((f) => f.startsWith('blobs-')).length, 2);
  for (const f of readdirSync(cache).filter((n) => /^(blobs|listing|intros)-/.test(n))) {
    const p = join(cache, f);
    const b = readFileSync(p);
    writeFileSync(p, b.subarray(0, b.length - 7));
  }
  const damaged = scan(repo, cache);
  assert.equal(damaged.code, 1);
  assert.match(damaged.report.summary.notes.join('\n'), /scan cache ignored \(.*truncated\); it was rebuilt/);
  const again = scan(repo, cache);
  assert.match(again.report.summary.notes.join('\n'), /scanned clean by an earlier run/);
  const none = tempDir();
  scan(repo, none, '--no-cache');
  assert.deepEqual(readdirSync(none), []);
});

test('the cache file holds blob ids only: no secret, and a matched blob is never taken for clean', () => {
  const repo = history();
  const cache = tempDir();
  scan(repo, cache);
  const file = readdirSync(cache).find((f) => f.startsWith('blobs-'))!;
  const bytes = readFileSync(join(cache, file));
  assert.ok(!bytes.includes(Buffer.from(SECRET)));
  assert.ok(!bytes.includes(Buffer.from(SECRET.slice(0, 8))));
  const matched = repo.git('rev-parse', 'HEAD:deploy.env');
  const key = /blobs-([0-9a-f]+)\.bin$/.exec(file)![1]!;
  const loaded = loadBlobCache(cache, key);
  assert.equal(loaded.problem, undefined);
  assert.ok(!loaded.clean.has(matched), 'a blob with a finding is never cached as clean');
  assert.ok(
    loaded.matched.has(matched),
    'its id is kept so that attribution can start before it is read again',
  );
  const again = scan(repo, cache);
  assert.equal(again.code, 1, 'the matched blob is read and reported again');
});

/** A git on PATH that logs its subcommand and first argument before running the real one. */
function loggingGit(): { env: Record<string, string>; calls: () => string[] } {
  const log = join(tempDir('keyspill-loggit-'), 'calls.log');
  const { path } = wrappedGit(`echo "$1 $2" >> ${JSON.stringify(log)}`);
  return {
    env: { PATH: path },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

test('an unchanged history replays its listing and attribution: the same report, no listing or log pass', () => {
  const repo = history();
  repo.commit('docs', { 'README.md': 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' });
  const cache = tempDir();
  const git = loggingGit();
  const run = (): { code: number; report: Report & { summary: Record<string, unknown> } } => {
    const r = runCli(['scan', 'git', '.', '-f', 'json'], {
      cwd: repo.dir,
      env: { ...(gitEnv() as Record<string, string>), ...git.env, KEYSPILL_CACHE_DIR: cache },
    });
    return { code: r.code, report: JSON.parse(r.stdout) as Report & { summary: Record<string, unknown> } };
  };
  const first = run();
  const before = git.calls().length;
  const second = run();
  const calls = git.calls().slice(before);
  assert.equal(second.code, first.code);
  assert.ok(
    !calls.includes('rev-list') && !calls.includes('log'),
    `git calls on the rescan: ${calls.join(' ')}`,
  );
  const same = (r: typeof first): unknown => ({
    ...r.report,
    summary: {
      ...r.report.summary,
      durationMs: 0,
      notes: r.report.summary.notes.filter((n) => !/scan cache/.test(n)),
    },
  });
  assert.deepEqual(same(second), same(first), 'findings, counts, skips and suppressions as the first time');
  // A damaged memo is ignored: the listing runs again and the report is unchanged.
  for (const f of readdirSync(cache).filter((n) => n.startsWith('listing-') || n.startsWith('intros-')))
    writeFileSync(join(cache, f), '{"magic":');
  const third = run();
  assert.ok(
    git
      .calls()
      .slice(before + calls.length)
      .includes('rev-list --objects'),
    'listed again',
  );
  assert.deepEqual(same(third), same(first));
  // A new commit is a new history: listed again, its new blob found.
  repo.commit('more', { 'b.env': `AWS_ACCESS_KEY_ID=${KEYS[4]}\n` });
  assert.equal(run().report.findings.length, first.report.findings.length + 1);
});
