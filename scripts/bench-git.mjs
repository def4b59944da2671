#!/usr/bin/env node
// Git benchmark: a full-history `scan git` of eslint against git's own floors, and the `scan git --staged` a
// pre-commit hook runs. Needs a build (npm run build) and ../shared/corpora/eslint.bundle (or --bundle FILE).
//
//   node_modules/.bin/node scripts/bench-git.mjs [--bundle FILE] [--runs N] [--json]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'run.js');
const NODE = process.execPath;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}
const bundle = resolve(arg('--bundle', join(ROOT, '..', 'shared', 'corpora', 'eslint.bundle')));
const runs = Number(arg('--runs', '11'));
const asJson = process.argv.includes('--json');

if (!existsSync(join(ROOT, 'dist', 'sources', 'git-history.js'))) {
  console.error('bench-git: no build found; run npm run build first');
  process.exit(2);
}
if (!existsSync(bundle)) {
  console.error(`bench-git: ${bundle} not found (pass --bundle FILE)`);
  process.exit(2);
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', NO_COLOR: '1' };
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command; wall time from here, peak RSS from /usr/bin/time when there is one. */
function measure(cmd, args, o = {}) {
  const started = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '__RSS_KB=%M', cmd, ...args], {
        cwd: o.cwd,
        env: o.env ?? GIT_ENV,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, args, { cwd: o.cwd, env: o.env ?? GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  const ok = o.okCodes ?? [0];
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /__RSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { ms, rssMB: m ? Number(m[1]) / 1024 : undefined, stdout: r.stdout };
}

function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

const work = mkdtempSync(join(tmpdir(), 'keyspill-bench-git-'));
try {
  const repo = join(work, 'eslint.git');
  git(work, 'clone', '-q', '--mirror', bundle, repo);

  // Git's own floors, on a warm cache (a first read warms it). The floor is measured again beside each full scan
  // below, and both are medians of 3, so a busy moment on the machine weighs on both.
  const catFile = () =>
    measure('sh', ['-c', 'git cat-file --batch-all-objects --batch --unordered > /dev/null'], { cwd: repo });
  catFile();
  const floors = [catFile()];
  const floorPipe = measure(
    'sh',
    ['-c', 'git cat-file --batch-all-objects --batch --unordered | cat > /dev/null'],
    { cwd: repo },
  );
  const logP = measure('sh', ['-c', 'git log -p --all > /dev/null'], { cwd: repo });

  // The git source alone: enumerate, read and decode every blob, no matching.
  const drainScript = `
    const { openRepo } = await import(${JSON.stringify(join(ROOT, 'dist', 'git', 'repo.js'))});
    const { gitHistorySource } = await import(${JSON.stringify(join(ROOT, 'dist', 'sources', 'git-history.js'))});
    const repo = await openRepo({ path: ${JSON.stringify(repo)}, cwd: process.cwd(), env: process.env });
    const src = gitHistorySource({ repo, revisions: { kind: 'all' }, allObjects: false, policy: { maxFileSize: 25e6, includeBinary: false } });
    let items = 0, bytes = 0, chars = 0;
    // Reading the text decodes it (git blobs are decoded on first read).
    for await (const ev of src.events(new AbortController().signal)) if (ev.type === 'fragment') { items++; bytes += ev.bytes; chars += ev.fragment.text.length; }
    console.log(JSON.stringify({ items, bytes, chars }));`;
  const source = measure(NODE, ['--input-type=module', '-e', drainScript], { cwd: work });
  const sourceCounts = JSON.parse(source.stdout);

  // The whole scan, as a user runs it (exit 1: eslint has a finding or two).
  const reportFile = join(work, 'report.json');
  let scan;
  let summary = { bytesScanned: sourceCounts.bytes, itemsScanned: sourceCounts.items, findings: null };
  let scanError = null;
  let cache = null;
  let scanRuns = [];
  try {
    const scans = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) floors.push(catFile());
      scans.push(
        measure(
          NODE,
          [BIN, 'scan', 'git', repo, '--no-cache', '--no-save', '--format', 'json', '--output', reportFile],
          { cwd: work, okCodes: [0, 1] },
        ),
      );
    }
    scanRuns = scans.map((r) => Math.round(r.ms));
    scan = {
      ms: median(scans.map((r) => r.ms)),
      rssMB: Math.max(...scans.map((r) => r.rssMB ?? 0)) || undefined,
    };
    summary = JSON.parse(readFileSync(reportFile, 'utf8')).summary;
    // The same scan twice with the scan cache: the second reads only the blobs with findings.
    const cacheDir = join(work, 'cache');
    const cached = [reportFile + '.c1', reportFile + '.c2'].map((out) =>
      measure(
        NODE,
        [BIN, 'scan', 'git', repo, '--cache-dir', cacheDir, '--no-save', '--format', 'json', '--output', out],
        {
          cwd: work,
          okCodes: [0, 1],
        },
      ),
    );
    const same =
      JSON.stringify(JSON.parse(readFileSync(reportFile + '.c1', 'utf8')).findings) ===
      JSON.stringify(JSON.parse(readFileSync(reportFile + '.c2', 'utf8')).findings);
    cache = {
      firstMs: Math.round(cached[0].ms),
      secondMs: Math.round(cached[1].ms),
      secondRssMB: Math.round(cached[1].rssMB ?? 0),
      sameFindings: same,
    };
  } catch (e) {
    scanError = e.message.split('\n')[0];
    scan = { ms: NaN, rssMB: undefined };
  }

  // The pre-commit hook's scan: a 10-file change in a checkout.
  const checkout = join(work, 'eslint');
  git(work, 'clone', '-q', bundle, checkout);
  const files = git(checkout, 'ls-files', 'lib/rules')
    .split('\n')
    .filter((f) => f.endsWith('.js'))
    .slice(0, 10);
  files.forEach((f, i) =>
    appendFileSync(
      join(checkout, f),
      `\n// bench change ${i}\nconst benchValue${i} = "not a secret ${i}";\n`,
    ),
  );
  git(checkout, 'add', ...files);
  const stagedMs = [];
  let stagedRss = 0;
  measure(NODE, [BIN, 'scan', 'git', '--staged'], { cwd: checkout });
  for (let i = 0; i < runs; i++) {
    const r = measure(NODE, [BIN, 'scan', 'git', '--staged'], { cwd: checkout });
    stagedMs.push(r.ms);
    stagedRss = Math.max(stagedRss, r.rssMB ?? 0);
  }
  const nodeStart = [];
  for (let i = 0; i < 5; i++) nodeStart.push(measure(NODE, ['-e', '0']).ms);

  const floor = { ms: median(floors.map((r) => r.ms)) };
  const mb = summary.bytesScanned / 1e6;
  const results = {
    repo: 'eslint (mirror clone of eslint.bundle)',
    blobs: summary.itemsScanned,
    blobMB: Number(mb.toFixed(1)),
    floorCatFileMs: Math.round(floor.ms),
    floorCatFilePipeMs: Math.round(floorPipe.ms),
    gitLogPatchMs: Math.round(logP.ms),
    sourceOnlyMs: Math.round(source.ms),
    sourceOnlyMBps: Number((sourceCounts.bytes / 1e6 / (source.ms / 1000)).toFixed(1)),
    sourceOnlyRssMB: source.rssMB === undefined ? null : Math.round(source.rssMB),
    floorRunsMs: floors.map((r) => Math.round(r.ms)),
    scanMs: Math.round(scan.ms),
    scanRunsMs: scanRuns,
    scanMBps: Number((mb / (scan.ms / 1000)).toFixed(1)),
    scanRssMB: scan.rssMB === undefined ? null : Math.round(scan.rssMB),
    scanVsFloor: Number((scan.ms / floor.ms).toFixed(2)),
    sourceVsFloor: Number((source.ms / floor.ms).toFixed(2)),
    findings: summary.findings,
    scanError,
    cache,
    stagedFiles: files.length,
    stagedMedianMs: Math.round(median(stagedMs)),
    stagedRssMB: Math.round(stagedRss),
    nodeStartMs: Math.round(median(nodeStart)),
  };
  if (asJson) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    const rss = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)} MB`);
    console.log(
      `keyspill git benchmark: ${results.repo}, ${results.blobs} blobs, ${results.blobMB} MB of blob content`,
    );
    console.log(
      `  floor: git cat-file --batch-all-objects --batch --unordered > /dev/null   ${fmt(floor.ms)}`,
    );
    console.log(
      `         the same through a pipe (| cat > /dev/null)                          ${fmt(floorPipe.ms)}`,
    );
    console.log(
      `         git log -p --all > /dev/null                                         ${fmt(logP.ms)}`,
    );
    console.log(
      `  git source only (read + decode, no matching)   ${fmt(source.ms)}  ${results.sourceOnlyMBps} MB/s  peak RSS ${rss(source.rssMB)}  (${results.sourceVsFloor}x floor)`,
    );
    if (scanError !== null)
      console.log(`  keyspill scan git (full history)               FAILED: ${scanError}`);
    else
      console.log(
        `  keyspill scan git (full history), median of 3 ${fmt(scan.ms)}  ${results.scanMBps} MB/s  peak RSS ${rss(scan.rssMB)}  (${results.scanVsFloor}x floor)`,
      );
    if (cache !== null)
      console.log(
        `  with the scan cache: first run ${fmt(cache.firstMs)}, second run ${fmt(cache.secondMs)} (peak RSS ${cache.secondRssMB} MB), same findings: ${cache.sameFindings}`,
      );
    console.log(
      `  keyspill scan git --staged, ${files.length} files, median of ${runs}   ${Math.round(median(stagedMs))} ms  peak RSS ${rss(stagedRss)}  (node -e 0: ${results.nodeStartMs} ms)`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
