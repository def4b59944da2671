// Respond benchmark: time to contain a leaked AWS key against moto, and `scan git --staged` start-up (vs a baseline).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { cloudTrailEvent, startCloudTrailServer } from '../test/helpers/cloudtrail-server.ts';
import { isolatedAwsEnv, startMoto } from '../test/helpers/moto.ts';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'run.js');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, unknown> = {};

/** Runs the CLI without blocking this process (the fake CloudTrail answers from here). */
function runAsync(
  args: string[],
  o: { env: NodeJS.ProcessEnv; encoding: 'utf8' },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString(o.encoding)));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString(o.encoding)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// 1. Time to contain: `respond incident --yes` start → old key Inactive and the replacement stored (process exit).
{
  const moto = await startMoto();
  // The runbook's audit reads CloudTrail (moto has no LookupEvents): an empty fake, so the wall time is the whole run.
  const emptyTrail = await startCloudTrailServer();
  Object.assign(process.env, moto.env, emptyTrail.env);
  const iam = new IAMClient({});
  const wall: number[] = [];
  const engine: number[] = [];
  for (let i = 0; i < 5; i++) {
    await moto.reset();
    await iam.send(new CreateUserCommand({ UserName: 'ci' }));
    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci' }));
    const state = mkdtempSync(join(tmpdir(), 'keyspill-bench-respond-'));
    const t = performance.now();
    const r = await runAsync(
      [bin, 'respond', 'incident', '--kind', 'aws-access-key', '--id', k.AccessKey!.AccessKeyId!, '--yes'],
      {
        env: { ...process.env, KEYSPILL_STATE_DIR: state, CI: 'true' },
        encoding: 'utf8',
      },
    );
    wall.push(performance.now() - t);
    const toStored = r.stdout.indexOf('[3/5] rotate: done');
    if (toStored < 0) throw new Error(`no rotate step in: ${r.stdout}`);
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
  await emptyTrail.close();
  results['contain'] = {
    what: 'aws-access-key: respond incident --yes against moto (preflight, deactivate, replacement created and stored; then the audit of every enabled region and notify)',
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

// 3. Audit wall time: 20 regions × 1,000 events against the fake CloudTrail at the real 2 requests/s per region.
{
  const REGIONS = [
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
    'ca-central-1',
    'sa-east-1',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'eu-central-1',
    'eu-north-1',
    'eu-south-1',
    'ap-south-1',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'af-south-1',
  ];
  const PER_REGION = 1000;
  const key = 'AKIAIOSFODNN7BENCHKY';
  const now = Math.floor(Date.now() / 1000);
  const trail = await startCloudTrailServer({
    events: Object.fromEntries(
      REGIONS.map((region) => [
        region,
        Array.from({ length: PER_REGION }, (_, i) =>
          cloudTrailEvent({
            region,
            eventName: 'ListBuckets',
            eventTime: now - 60 - i,
            accessKeyId: key,
            sourceIPAddress: '198.51.100.1',
          }),
        ),
      ]),
    ),
    rateLimit: { perSecond: 2 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'keyspill-bench-audit-'));
  writeFileSync(
    join(dir, 'audit.yml'),
    [
      'name: audit-only',
      'description: The audit step alone.',
      'kinds: [aws-access-key]',
      'steps:',
      '  - id: audit',
      '    kind: aws.cloudtrail.audit',
      '    title: Audit',
      '    with: { attribute: AccessKeyId, value: "{{ credential.id }}" }',
      '',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    ...isolatedAwsEnv(),
    ...trail.env,
    KEYSPILL_STATE_DIR: join(dir, 'state'),
    CI: 'true',
  };
  const t = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'respond',
        'incident',
        '--kind',
        'aws-access-key',
        '--id',
        key,
        '--runbook',
        join(dir, 'audit.yml'),
        '--since',
        '1d',
        '--regions',
        REGIONS.join(','),
        '--yes',
      ],
      { env, stdio: 'ignore' },
    );
    child.on('close', (c) => resolve(c));
  });
  const ms = performance.now() - t;
  const pages = Math.ceil(PER_REGION / 50);
  const floorMs = (pages / 2) * 1000;
  const throttled = trail.requests.filter((q) => q.error === 'ThrottlingException').length;
  await trail.close();
  rmSync(dir, { recursive: true, force: true });
  results['audit'] = {
    what: `${REGIONS.length} regions × ${PER_REGION} events, LookupEvents pages of 50 at the fake endpoint's 2 requests/s per region`,
    exit: code,
    wallMs: Math.round(ms),
    pagesPerRegion: pages,
    floorMs,
    ratioToFloor: +(ms / floorMs).toFixed(2),
    requests: trail.requests.length,
    throttled,
  };
}

console.log(JSON.stringify(results));
