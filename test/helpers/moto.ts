// Test helper: a real moto_server (AWS emulator) on 127.0.0.1, installed once into a cached venv, with an isolated AWS env.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The moto version these helpers were checked against (see /work/notes/aws.md). */
export const MOTO_VERSION = '5.2.5';
/** Access key moto accepts without IAM setup (any key works until auth is enforced). */
export const MOTO_ACCESS_KEY_ID = 'testing';
export const MOTO_SECRET_ACCESS_KEY = 'testing';
/** moto's fixed account id. */
export const MOTO_ACCOUNT_ID = '123456789012';
export const MOTO_REGION = 'us-east-1';

export interface MotoOptions {
  /** Start with INITIAL_NO_AUTH_ACTION_COUNT=N: after N AWS requests moto enforces IAM (real AccessDenied). */
  readonly initialNoAuthActionCount?: number;
  /** How long to wait for the server to answer (default 30 s). */
  readonly readyTimeoutMs?: number;
}

export interface Moto {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawn to the first answered request. */
  readonly startMs: number;
  /** Env for the SDK (assign to process.env before creating clients, or pass to a child process). */
  readonly env: Readonly<Record<string, string>>;
  /** POST /moto-api/reset: drops every resource in every service (does NOT reset the no-auth request counter). */
  reset(): Promise<void>;
  /** POST /moto-api/reset-auth: enforce IAM after `count` more requests (Infinity turns enforcement off). */
  setAuth(count: number): Promise<void>;
  /** The last lines moto wrote (its request log), for failure messages. */
  logTail(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** `${KEYSPILL_TEST_CACHE:-$HOME/.cache/keyspill}` */
export function testCacheDir(): string {
  return process.env.KEYSPILL_TEST_CACHE ?? join(homedir(), '.cache', 'keyspill');
}

/** Variables that could make the SDK reach a real account or read the developer's profile, neutralised. */
export function isolatedAwsEnv(): Record<string, string> {
  const nowhere = join(testCacheDir(), 'no-aws-config-here');
  return {
    AWS_ACCESS_KEY_ID: MOTO_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: MOTO_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: '',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(nowhere, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials'),
    AWS_PROFILE: '',
    AWS_ROLE_ARN: '',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
    // A developer's AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would send test traffic to real AWS endpoints.
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
  };
}

/** The isolated env plus AWS_ENDPOINT_URL (honoured by every SDK v3 client; AWS_ENDPOINT_URL_<SERVICE_ID> wins over it). */
export function awsTestEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...isolatedAwsEnv(), AWS_ENDPOINT_URL: endpoint, ...extra };
}

const log = (msg: string): void => void process.stderr.write(`[keyspill test/moto] ${msg}\n`);

interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

function run(cmd: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: withoutAws(process.env) });
    const onData = (b: Buffer): void => {
      output = (output + b.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function withoutAws(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('AWS_')) out[k] = v;
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the install lock (a directory, atomic mkdir); breaks it when its owner died. Bounded wait. */
async function withInstallLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // the owner may not have written its pid yet
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`moto install lock ${lockDir} still held by pid ${owner}; remove it`, { cause: e });
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function installedVersion(python: string): Promise<string | undefined> {
  if (!existsSync(python)) return undefined;
  const r = await run(python, ['-c', 'import moto, werkzeug, flask; print(moto.__version__)'], 30_000);
  return r.code === 0 ? r.output.trim() : undefined;
}

/**
 * Makes sure `moto[server]==MOTO_VERSION` is installed in the cache venv and returns the venv's python.
 * Installs once (about 40 s on this machine), under a lock so parallel test files do not race.
 */
export async function ensureMoto(): Promise<string> {
  const venv = join(testCacheDir(), 'moto-venv');
  const python = join(venv, 'bin', 'python');
  const server = join(venv, 'bin', 'moto_server');
  if ((await installedVersion(python)) === MOTO_VERSION && existsSync(server)) return python;
  mkdirSync(testCacheDir(), { recursive: true });
  await withInstallLock(join(testCacheDir(), 'moto-venv.lock'), async () => {
    if ((await installedVersion(python)) === MOTO_VERSION && existsSync(server)) return;
    const started = Date.now();
    log(`installing moto[server]==${MOTO_VERSION} into ${venv} (one time, needs PyPI; ~40 s)`);
    rmSync(venv, { recursive: true, force: true });
    const mk = await run('python3', ['-m', 'venv', venv], 180_000);
    if (mk.code !== 0) {
      rmSync(venv, { recursive: true, force: true });
      throw new Error(
        `could not create a Python venv at ${venv}: install python3 and python3-venv ` +
          `(Debian: apt-get install -y python3 python3-venv)\n${mk.output}`,
      );
    }
    const pip = await run(
      join(venv, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--quiet', `moto[server]==${MOTO_VERSION}`],
      15 * 60_000,
    );
    if (pip.code !== 0 || (await installedVersion(python)) !== MOTO_VERSION) {
      rmSync(venv, { recursive: true, force: true });
      throw new Error(
        `pip install 'moto[server]==${MOTO_VERSION}' failed (needs PyPI access)\n${pip.output}`,
      );
    }
    log(`moto ${MOTO_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  return python;
}

/** A port the OS just handed out on 127.0.0.1 (closed again, so the child can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error('moto_server exited during start-up');
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

async function post(url: string, body?: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: body ?? null, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text}`);
}

// Runs moto's own server entry point, plus a watchdog thread: when our end of its stdin closes (the test
// process exited or was killed, even by SIGKILL) moto exits too, so no moto_server outlives its test.
const LAUNCHER = `
import os, sys, threading
def watch():
    try:
        while sys.stdin.buffer.read(65536):
            pass
    finally:
        os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

/** Starts moto_server on 127.0.0.1 (installing moto first if needed). Always `await moto.stop()` in after(). */
export async function startMoto(opts: MotoOptions = {}): Promise<Moto> {
  const python = await ensureMoto();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = { ...withoutAws(process.env), PYTHONUNBUFFERED: '1' };
    if (opts.initialNoAuthActionCount !== undefined) {
      env.INITIAL_NO_AUTH_ACTION_COUNT = String(opts.initialNoAuthActionCount);
    }
    const t0 = performance.now();
    const child = spawn(python, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    });
    // Safety nets: never leave a moto_server behind when the test process ends without calling stop().
    const onExit = (): void => void child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', () => process.removeListener('exit', onExit));
    child.stdin?.on('error', () => undefined); // EPIPE once moto is gone
    let tail = '';
    const onData = (b: Buffer): void => {
      tail = (tail + b.toString('utf8')).slice(-6000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => {
      tail += `\nspawn error: ${e.message}`;
    });
    // A forgotten stop() must not keep the test process alive: the 'exit' hook above kills moto then.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) {
      (s as unknown as { unref?: () => void } | null)?.unref?.();
    }
    try {
      await waitReady(endpoint, child, opts.readyTimeoutMs ?? 30_000);
    } catch (e) {
      await stopChild(child);
      lastError = new Error(`${(e as Error).message}\n--- moto output ---\n${tail}`);
      if (/address already in use/i.test(tail)) continue;
      throw lastError;
    }
    const startMs = Math.round(performance.now() - t0);
    return {
      endpoint,
      port,
      pid: child.pid ?? -1,
      startMs,
      env: awsTestEnv(endpoint),
      reset: () => post(`${endpoint}/moto-api/reset`),
      setAuth: (count: number) =>
        post(`${endpoint}/moto-api/reset-auth`, Number.isFinite(count) ? String(count) : 'inf'),
      logTail: () => tail,
      stop: () => stopChild(child),
    };
  }
  throw lastError instanceof Error ? lastError : new Error('moto_server did not start');
}
