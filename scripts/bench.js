#!/usr/bin/env node
// npm run bench: engine throughput on eslint's working tree, start-up and small-scan wall times, git and image figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const cache = join(repo, '.cache', 'bench');
const corpus = resolve(repo, '..', 'shared', 'corpora', 'eslint.bundle');
const { loadBuiltinRules } = await import(join(repo, 'dist/catalog/load.js'));
const { buildRuleset, DEFAULT_ENGINE_OPTIONS, EMPTY_ALLOWLIST } = await import(
  join(repo, 'dist/detect/ruleset.js')
);
// The file-format detectors run too (as in a scan): each costs a file-name test on files it does not read.
const formats = existsSync(join(repo, 'dist/detect/formats/registry.js'))
  ? (await import(join(repo, 'dist/detect/formats/registry.js'))).FORMATS
  : [];
const { scanFragment } = await import(join(repo, 'dist/detect/engine.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bin = join(repo, 'bin', 'run.js');
const results = {};

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) {
      const b = readFileSync(p);
      if (!b.subarray(0, 8000).includes(0)) out.push({ path: p, text: b.toString('utf8'), bytes: b.length });
    }
  }
  return out;
}

// 1. Engine throughput on source text.
if (existsSync(corpus)) {
  const tree = join(cache, 'eslint');
  if (!existsSync(tree)) {
    mkdirSync(cache, { recursive: true });
    execFileSync('git', ['clone', '-q', corpus, tree]);
  }
  const files = walk(tree, []);
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const t0 = performance.now();
  const ruleset = buildRuleset(await loadBuiltinRules(), EMPTY_ALLOWLIST, DEFAULT_ENGINE_OPTIONS, formats);
  const loadMs = performance.now() - t0;
  let best = Infinity;
  let matches = 0;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    matches = 0;
    for (const f of files)
      matches += scanFragment(
        { text: f.text, path: f.path, provenance: { kind: 'file', path: f.path } },
        ruleset,
      ).matches.length;
    best = Math.min(best, performance.now() - t);
  }
  // Prefilter alone, for the one-pass keyword figure (best of 3, as the engine's).
  const out = new Uint8Array(ruleset.rules.length);
  let prefilterMs = Infinity;
  for (let round = 0; round < 3; round++) {
    const tp = performance.now();
    for (const f of files) ruleset.prefilter.candidates(f.text, out);
    prefilterMs = Math.min(prefilterMs, performance.now() - tp);
  }
  // Windowed regexes (issue 13) must find exactly what whole-text regexes find: every file scanned both ways.
  const whole = {
    ...ruleset,
    rules: ruleset.rules.map((r) => ({
      ...r,
      matcher: { engine: r.matcher.engine, hits: (t, d, n) => r.matcher.hits(t, d, n) },
    })),
  };
  let differ = 0;
  for (const f of files) {
    const fragment = { text: f.text, path: f.path, provenance: { kind: 'file', path: f.path } };
    if (JSON.stringify(scanFragment(fragment, ruleset)) !== JSON.stringify(scanFragment(fragment, whole)))
      differ++;
  }
  const mb = bytes / 1e6;
  results.engine = {
    corpus: 'eslint working tree (text files)',
    files: files.length,
    MB: +mb.toFixed(1),
    rules: ruleset.rules.length,
    formats: formats.length,
    ruleLoadMs: +loadMs.toFixed(1),
    engineMBps: +(mb / (best / 1000)).toFixed(1),
    prefilterMBps: +(mb / (prefilterMs / 1000)).toFixed(1),
    engineToPrefilter: +(best / prefilterMs).toFixed(2),
    windowedRules: ruleset.rules.filter((r) => r.matcher.window !== undefined).length,
    windowedDifferFromWhole: differ,
    matches,
  };
} else {
  results.engine = `skipped: ${corpus} not found`;
}

// 2. Start-up and a 10-file scan.
const small = mkdtempSync(join(tmpdir(), 'keyspill-bench-'));
for (let i = 0; i < 10; i++) writeFileSync(join(small, `f${i}.js`), `const x${i} = ${i};\n`.repeat(50));
const time = (args, cwd = repo) => {
  const t = performance.now();
  spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'ignore' });
  return performance.now() - t;
};
const nodeBare = median(
  Array.from({ length: 7 }, () => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t;
  }),
);
results.startup = {
  nodeBareMs: +nodeBare.toFixed(0),
  versionMs: +median(Array.from({ length: 7 }, () => time(['--version']))).toFixed(0),
  scanDir10FilesMs: +median(Array.from({ length: 7 }, () => time(['scan', 'dir', small]))).toFixed(0),
};

// 3. Git figures (issue 3), when the git bench is present.
const gitBench = join(repo, 'scripts', 'bench-git.mjs');
if (existsSync(gitBench) && !process.argv.includes('--no-git')) {
  const r = spawnSync(process.execPath, [gitBench, '--json'], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    results.git = JSON.parse(r.stdout);
  } catch {
    results.git = r.stdout.trim();
  }
}
// 4. Image figures (issue 10): scan image throughput vs the gzip -dc floor, peak RSS at two image sizes.
// 5. Kubernetes figures (issue 11): 10,000 objects on stdin and live from a real API server, against kubectl alone
//    (needs the cached kube-apiserver, scripts/kube-build.sh; it takes a couple of minutes).
// 6. Respond figures (issues 8, 9): time to contain against moto, audit wall time vs its floor, staged start-up
//    (KEYSPILL_BENCH_BASELINE=other/bin/run.js compares it with another build).
// 7. Large generated histories (issue 13): 0.5 and 2 GB of unique blobs, cost per GB and peak RSS (generated once
//    into .cache/bench-large, a few minutes; --no-large skips it).
// Each runs as its own script; --no-image / --no-k8s / --no-respond / --no-large skip one.
for (const [name, script] of [
  ['large', 'bench-git-large.mjs'],
  ['image', 'bench-image.mjs'],
  ['k8s', 'bench-k8s.ts'],
  ['respond', 'bench-respond.ts'],
]) {
  const file = join(repo, 'scripts', script);
  if (!existsSync(file) || process.argv.includes(`--no-${name}`)) continue;
  const r = spawnSync(process.execPath, [file, '--json'], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    results[name] = JSON.parse(r.stdout);
  } catch {
    results[name] = r.stdout.trim() || `failed (exit ${r.status})`;
  }
}
console.log(JSON.stringify(results, null, 2));
