// Test helpers for `respond`: run the CLI against an emulator with its own state folder, read journals, hunt secrets.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, type CliResult } from './cli.ts';
import { tempDir } from './tmp.ts';

export interface Ks {
  readonly state: string;
  readonly cwd: string;
  /**
   * Runs the CLI without blocking this process (so servers in it, the fake CloudTrail and the webhook receiver,
   * keep answering).
   */
  run(args: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  /** Incident ids in this state folder, oldest first. */
  incidents(): string[];
  /** Parsed journal entries of an incident. */
  journal(id: string): Record<string, unknown>[];
}

export function ks(baseEnv: Record<string, string> = {}): Ks {
  const state = join(tempDir('keyspill-respond-'), 'state');
  const cwd = tempDir('keyspill-cwd-');
  const incidents = (): string[] => {
    try {
      return readdirSync(join(state, 'incidents')).sort();
    } catch {
      return [];
    }
  };
  return {
    state,
    cwd,
    run: (args, env = {}) =>
      runAsync(args, cwd, { ...baseEnv, KEYSPILL_STATE_DIR: state, CI: 'true', ...env }),
    incidents,
    journal: (id) =>
      readFileSync(join(state, 'incidents', id, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function runAsync(args: readonly string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr });
    });
  });
}

/** Every file under `dir` (recursively). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Asserts that no secret appears in any state file or in the given outputs; every state file is 0600. */
export function assertNoSecrets(
  state: string,
  secrets: readonly string[],
  outputs: readonly string[] = [],
): void {
  const files = filesUnder(state);
  assert.ok(files.length > 0, 'the state folder has files');
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), `a secret is in ${f}`);
    if (!f.endsWith('.tmp') && !f.includes(`${join('/', 'lock')}`))
      assert.equal(statSync(f).mode & 0o077, 0, `${f} is readable by others`);
  }
  for (const o of outputs) for (const s of secrets) assert.ok(!o.includes(s), 'a secret was printed');
}
