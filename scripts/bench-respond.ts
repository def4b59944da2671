// Respond benchmark: time to contain a leaked AWS key against moto, and `scan git --staged` start-up (vs a baseline).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { startMoto } from '../test/helpers/moto.ts';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'run.js');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, unknown> = {};

// 1. Time to contain: `respond incident --yes` start → old key Inactive and the replacement stored (process exit).
{
  const moto = await startMoto();
  Object.assign(process.env, moto.env);
  const iam = new IAMClient({});
  const wall: number[] = [];
  const engine: number[] = [];
  for (let i = 0; i < 5; i++) {
    await moto.reset();
    await iam.send(new CreateUserCommand({ UserName: 'ci' }));
    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci' }));
    const state = mkdtempSync(join(tmpdir(), 'keyspill-bench-respond-'));
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [bin, 'respond', 'incident', '--kind', 'aws-access-key', '--id', k.AccessKey!.AccessKeyId!, '--yes'],
      {
        env: { ...process.env, KEYSPILL_STATE_DIR: state, CI: 'true' },
        encoding: 'utf8',
      },
    );
    wall.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`respond incident failed: ${r.stderr}`);
    const id = /incident (inc-\S+)/.exec(r.stdout)![1]!;
    const entries = readFileSync(join(state, 'incidents', id, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; time: string; step?: string });
    const opened = Date.parse(entries[0]!.time);
    const stored = entries.find((e) => e.type === 'step-finished' && e.step === 'rotate')!;
    engine.push(Date.parse(stored.time) - opened);
    rmSync(state, { recursive: true, force: true });
  }
  iam.destroy();
  await moto.stop();
  results['contain'] = {
    what: 'aws-access-key: respond incident --yes against moto (preflight, deactivate, replacement created and stored)',
    runs: wall.length,
    wallMedianMs: Math.round(median(wall)),
    wallMaxMs: Math.round(Math.max(...wall)),
    journalOpenedToStoredMedianMs: Math.round(median(engine)),
  };
}

// 2. `scan git --staged` start-up in a one-file repository: this build, and a baseline build when given.
{
  const dir = mkdtempSync(join(tmpdir(), 'keyspill-bench-staged-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(dir, 'app.js'), 'const greeting = "hello";\n'.repeat(20));
  git('add', 'app.js');
  // Interleaved runs (this machine is shared: noise moves both sides alike); median and minimum of each.
  const bins = [bin, process.env['KEYSPILL_BENCH_BASELINE'] ?? ''].filter((b) => b !== '');
  const times = bins.map(() => [] as number[]);
  for (const b of bins)
    spawnSync(process.execPath, [b, 'scan', 'git', '--staged', '--no-save'], { cwd: dir, stdio: 'ignore' });
  for (let i = 0; i < 15; i++)
    bins.forEach((b, j) => {
      const t = performance.now();
      spawnSync(process.execPath, [b, 'scan', 'git', '--staged', '--no-save'], { cwd: dir, stdio: 'ignore' });
      times[j]!.push(performance.now() - t);
    });
  const staged: Record<string, number | string> = {
    thisBuildMedianMs: Math.round(median(times[0]!)),
    thisBuildMinMs: Math.round(Math.min(...times[0]!)),
  };
  if (bins[1] !== undefined) {
    staged['baseline'] = bins[1];
    staged['baselineMedianMs'] = Math.round(median(times[1]!));
    staged['baselineMinMs'] = Math.round(Math.min(...times[1]!));
  }
  results['stagedStartup'] = staged;
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(results));
