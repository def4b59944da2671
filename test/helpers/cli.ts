// Test helper: run the built CLI (bin/run.js → dist/) as a user would, capturing code and output.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'run.js');

/** Saved scans and incidents of CLI runs go to a private folder, never the user's state home. */
export const TEST_STATE_DIR = mkdtempSync(join(tmpdir(), 'keyspill-state-'));
process.once('exit', () => rmSync(TEST_STATE_DIR, { recursive: true, force: true }));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  o: { cwd: string; input?: string | Buffer; env?: Record<string, string> },
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    input: o.input ?? '',
    encoding: 'utf8',
    // A fresh scan cache per run unless the test names one: results never depend on an earlier test's scan.
    env: {
      ...process.env,
      NO_COLOR: '1',
      KEYSPILL_STATE_DIR: TEST_STATE_DIR,
      KEYSPILL_CACHE_DIR: mkdtempSync(join(TEST_STATE_DIR, 'cache-')),
      ...o.env,
    },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? (r.signal === null ? -1 : 128), stdout: r.stdout, stderr: r.stderr };
}

/** The `result` of a command's `--json` envelope `{status, result, warnings}`; the status must be the exit code. */
export function jsonResult<T>(r: CliResult): T {
  const envelope = JSON.parse(r.stdout) as { status: number; result: T; warnings: unknown[] };
  if (envelope.status !== r.code)
    throw new Error(`envelope status ${envelope.status} != exit code ${r.code}`);
  if (!Array.isArray(envelope.warnings)) throw new Error('envelope has no warnings array');
  return envelope.result;
}

/**
 * runCli without blocking this process: for tests whose servers live in the test process (the registry helper's
 * proxy and token server, a fake Kubernetes API), which spawnSync would freeze.
 */
export function runCliAsync(
  args: readonly string[],
  o: { cwd: string; input?: string | Buffer; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd,
      env: {
        ...process.env,
        NO_COLOR: '1',
        KEYSPILL_STATE_DIR: TEST_STATE_DIR,
        KEYSPILL_CACHE_DIR: mkdtempSync(join(TEST_STATE_DIR, 'cache-')),
        ...o.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal === null ? -1 : 128), stdout, stderr });
    });
  });
}
