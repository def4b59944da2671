#!/usr/bin/env node
// Large-history benchmark: generates repositories of unique text blobs (git fast-import, no network) at two sizes
// and runs a full `scan git` of each, to show that the cost stays linear in the bytes and peak memory stays flat.
//
//   node_modules/.bin/node scripts/bench-git-large.mjs [--gb 0.5,2] [--json]
//
// Each blob is ~128 KB of code-like text, unique (a counter and a seeded generator), with one AWS-style key per
// 1,000 blobs so the scan has findings to attribute. Repositories are cached in .cache/bench-large (by size).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'run.js');
const i = process.argv.indexOf('--gb');
const sizes = (i === -1 ? '0.5,2' : process.argv[i + 1]).split(',').map(Number);
const asJson = process.argv.includes('--json');
const CACHE = join(ROOT, '.cache', 'bench-large');
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', NO_COLOR: '1' };
const BLOB = 128 * 1024;
const WORDS = 'const let value return function import export async await if else for while throw new class'
  .split(' ')
  .concat(
    'config request response handler buffer stream index count total result error parse render'.split(' '),
  );

/** A small seeded generator (mulberry32): the same repository every time, without storing it. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function blobText(n) {
  const r = rng(n + 1);
  const lines = [`// file ${n}`];
  let size = 0;
  while (size < BLOB) {
    const w = [];
    for (let k = 0; k < 8; k++) w.push(WORDS[Math.floor(r() * WORDS.length)]);
    const line = `  ${w.join(' ')} ${Math.floor(r() * 1e9)};`;
    lines.push(line);
    size += line.length + 1;
  }
  if (n % 1000 === 0) {
    const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let id = 'AKIA';
    for (let k = 0; k < 16; k++) id += B32[Math.floor(r() * 32)];
    lines.push(`aws_access_key_id = ${id}`);
  }
  return `${lines.join('\n')}\n`;
}

async function generate(dir, gb) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '--bare', dir], { env: ENV });
  const fi = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    env: ENV,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise((res, rej) =>
    fi.on('close', (c) => (c === 0 ? res() : rej(new Error(`fast-import ${c}`)))),
  );
  const write = (s) => (fi.stdin.write(s) ? undefined : new Promise((r) => fi.stdin.once('drain', r)));
  const blobs = Math.round((gb * 1e9) / BLOB);
  const perCommit = 50;
  for (let c = 0; c * perCommit < blobs; c++) {
    const msg = `commit ${c}`;
    const parts = [
      `commit refs/heads/main
committer Bench <bench@example.com> ${1700000000 + c} +0000
data ${msg.length}
${msg}
`,
    ];
    for (let k = 0; k < perCommit && c * perCommit + k < blobs; k++) {
      const n = c * perCommit + k;
      const body = Buffer.from(blobText(n));
      parts.push(`M 100644 inline src/f${k}.js\ndata ${body.length}\n`);
      await write(parts.join(''));
      parts.length = 0;
      await write(body);
      await write('\n');
    }
  }
  fi.stdin.end();
  await done;
}

function measure(repo) {
  const started = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '__RSS_KB=%M',
      process.execPath,
      BIN,
      'scan',
      'git',
      repo,
      '--no-cache',
      '--no-save',
      '--format',
      'json',
    ],
    {
      env: ENV,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`scan exited ${r.status}: ${r.stderr}`);
  const summary = JSON.parse(r.stdout).summary;
  return { ms, rssMB: Number(/__RSS_KB=(\d+)/.exec(r.stderr)[1]) / 1024, summary };
}

const out = [];
for (const gb of sizes) {
  const dir = join(CACHE, `${gb}gb.git`);
  if (!existsSync(join(dir, 'refs', 'heads', 'main')) && !existsSync(join(dir, 'packed-refs')))
    await generate(dir, gb);
  const floor = performance.now();
  spawnSync('sh', ['-c', 'git cat-file --batch-all-objects --batch --unordered > /dev/null'], {
    cwd: dir,
    env: ENV,
  });
  const floorMs = performance.now() - floor;
  const m = measure(dir);
  out.push({
    gb,
    blobs: m.summary.itemsScanned,
    scannedMB: Math.round(m.summary.bytesScanned / 1e6),
    findings: m.summary.findings,
    floorMs: Math.round(floorMs),
    scanMs: Math.round(m.ms),
    secondsPerGB: Number((m.ms / 1000 / (m.summary.bytesScanned / 1e9)).toFixed(1)),
    vsFloor: Number((m.ms / floorMs).toFixed(2)),
    peakRssMB: Math.round(m.rssMB),
  });
}
if (asJson) console.log(JSON.stringify(out, null, 2));
else
  for (const r of out)
    console.log(
      `  ${r.gb} GB generated: ${r.blobs} blobs, ${r.scannedMB} MB scanned in ${(r.scanMs / 1000).toFixed(1)} s (${r.secondsPerGB} s/GB, ${r.vsFloor}x cat-file floor ${(r.floorMs / 1000).toFixed(1)} s), ${r.findings} findings, peak RSS ${r.peakRssMB} MB`,
    );
