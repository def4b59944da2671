#!/usr/bin/env node
// keyspill entry point: hands argv to oclif, which loads commands from the prebuilt manifest; the pre-commit scan
// (`scan git --staged` with the hook's flags) takes a fast path that skips loading oclif.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
let done = false;
// V8's compile cache (Node ≥ 22.1), in keyspill's cache folder: each run then skips recompiling keyspill and oclif
// (about 50 ms of every start; the pre-commit hook runs on every commit). Best effort: nothing changes without it.
// `--no-cache` writes nothing there.
if (!argv.includes('--no-cache')) {
  const { resolveCacheDir } = await import('../dist/state/dir.js');
  const at = argv.findIndex((a) => a === '--cache-dir' || a.startsWith('--cache-dir='));
  const flag = at === -1 ? undefined : argv[at].includes('=') ? argv[at].slice(12) : argv[at + 1];
  module.enableCompileCache?.(join(resolveCacheDir(flag), 'node-compile-cache'));
}
if (
  argv[0] === 'scan' &&
  argv[1] === 'git' &&
  argv.includes('--staged') &&
  process.env.KEYSPILL_NO_FAST !== '1'
) {
  const { parseStagedArgs, fastStaged } = await import('../dist/cli/fast-staged.js');
  const args = parseStagedArgs(argv.slice(2));
  if (args !== undefined) {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.exitCode = await fastStaged(args, version);
    done = true;
  }
}
// History and image scans (long by nature) run in a child Node with a small young generation: V8 otherwise grows
// it to ~100 MB on a long scan (peak RSS of an eslint history scan: 400 MB → 270–320 MB, same speed). The flag cannot
// be set once V8 runs, and NODE_OPTIONS or a shebang argument would not reach every install (npm's shims, busybox
// env), hence the child; a second start costs ~50 ms, so short scans (dir, stdin, k8s, --staged) stay in this one.
// Signals sent to this process are passed on; the child treats a repeated Ctrl-C within half a second as one.
if (
  !done &&
  argv[0] === 'scan' &&
  ['git', 'image'].includes(argv[1]) &&
  !argv.includes('--staged') &&
  process.env.KEYSPILL_NO_REEXEC !== '1' &&
  !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))
) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=4', ...process.execArgv, fileURLToPath(import.meta.url), ...argv],
    { stdio: 'inherit' },
  );
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  process.exitCode = await new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`keyspill: could not start ${process.execPath}: ${e.message}\n`);
      resolve(3);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal] ?? 0)));
  });
  done = true;
}
if (!done) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

// Commands end by returning (the exit code is in process.exitCode). Should anything still hold the event loop
// once stdout has drained (a child process or stream a failed run could not close), end anyway.
const settle = () => (process.stdout.writableLength > 0 ? setTimeout(settle, 200).unref() : process.exit());
setTimeout(settle, 1000).unref();
