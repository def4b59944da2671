#!/usr/bin/env node
// Test entry point: runs every test/**/*.test.ts on this Node (24, via the node@24 devDependency).
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `npm test needs Node 24 (found ${process.version}); run it through npm so node_modules/.bin/node is used.`,
  );
  process.exit(2);
}
const args = process.argv.slice(2);
const files = args.length > 0 ? args : globSync('test/**/*.test.ts').sort();
// Scans in tests keep their scan cache in a folder of this run, never in the user's own cache.
const cache = mkdtempSync(join(tmpdir(), 'keyspill-test-cache-'));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, KEYSPILL_CACHE_DIR: cache },
});
rmSync(cache, { recursive: true, force: true });
process.exit(r.status ?? 1);
