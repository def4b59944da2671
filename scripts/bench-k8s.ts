#!/usr/bin/env node
// npm run bench, Kubernetes figures (issue 11): 10,000 objects as a `kubectl get -o json` list on stdin, the same
// objects live from a real API server, and the floor (kubectl get … -o json > /dev/null alone): objects/s, peak RSS.
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { startKube, type KubeCluster } from '../test/helpers/kube.ts';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'run.js');
const N = Number(process.env['KEYSPILL_BENCH_K8S_OBJECTS'] ?? 10_000);
const ROUNDS = Number(process.env['KEYSPILL_BENCH_K8S_ROUNDS'] ?? 3);
const NAMESPACES = 10;
const KINDS = 'configmaps,secrets,deployments';
const log = (s: string): void => void process.stderr.write(`bench-k8s: ${s}\n`);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** The i-th object: 50% ConfigMaps, 30% Secrets (a third applied with kubectl, so with last-applied), 20% Deployments. */
function object(i: number): { path: string; body: object } {
  const ns = `bench-${i % NAMESPACES}`;
  const name = `obj-${i}`;
  const leak = i % 100 === 0;
  const r = i % 10;
  if (r < 5) {
    return {
      path: `/api/v1/namespaces/${ns}/configmaps`,
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels: { app: `app-${i % 50}`, team: 'payments' } },
        data: {
          LOG_LEVEL: 'info',
          DATABASE_HOST: `db-${i % 7}.internal`,
          'application.properties': `server.port=8080\nfeature.x=true\ncache.ttl=${i}\n`.repeat(4),
          ...(leak
            ? {
                AWS_ACCESS_KEY_ID: `AKIAQYLPMN5HFIQR${String(1000 + (i % 9000)).replace(/\d/g, (d) => 'ABCDEFGHJK'[Number(d)]!)}`,
              }
            : {}),
        },
      },
    };
  }
  if (r < 8) {
    const stringData = { password: `pw-${i}-Zq9x`, user: 'app' };
    const applied = i % 3 === 0;
    return {
      path: `/api/v1/namespaces/${ns}/secrets`,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name,
          namespace: ns,
          ...(applied
            ? {
                annotations: {
                  'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
                    apiVersion: 'v1',
                    kind: 'Secret',
                    metadata: { name, namespace: ns },
                    stringData,
                  }),
                },
              }
            : {}),
        },
        data: { password: b64(stringData.password), user: b64(stringData.user) },
      },
    };
  }
  return {
    path: `/apis/apps/v1/namespaces/${ns}/deployments`,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'registry.invalid/api:1',
                args: ['--port=8080', `--shard=${i}`],
                env: [
                  { name: 'MODE', value: 'prod' },
                  { name: 'REGION', value: 'eu-west-1' },
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                ],
              },
            ],
          },
        },
      },
    },
  };
}

async function load(kube: KubeCluster): Promise<void> {
  const ca = readFileSync(kube.caFile, 'utf8');
  const agent = new Agent({ keepAlive: true, maxSockets: 24, ca });
  const post = (path: string, body: object): Promise<void> =>
    new Promise((ok, fail) => {
      const data = JSON.stringify(body);
      const req = request(
        `${kube.server}${path}`,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${kube.tokens.admin}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 201 || res.statusCode === 409
              ? ok()
              : fail(new Error(`${path}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', fail);
      req.end(data);
    });
  for (let n = 0; n < NAMESPACES; n++)
    await post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `bench-${n}` },
    });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < N) {
      const { path, body } = object(next++);
      await post(path, body);
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  agent.destroy();
}

interface Run {
  readonly seconds: number;
  readonly peakRssMB: number;
  readonly code: number;
}

/** Wall time and peak RSS (GNU time's %M: the largest of the process and the children it waited for). */
async function timed(cmd: string, args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  const r = await execa('/usr/bin/time', ['-f', 'BENCH %e %M', cmd, ...args], {
    env,
    extendEnv: false,
    reject: false,
    stdout: 'ignore',
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    maxBuffer: 256 * 1024 * 1024,
  });
  const m = /BENCH ([\d.]+) (\d+)\s*$/.exec(String(r.stderr));
  if (m === null) throw new Error(`${cmd} ${args.join(' ')}: ${String(r.stderr).slice(-2000)}`);
  return { seconds: Number(m[1]), peakRssMB: Math.round(Number(m[2]) / 1024), code: r.exitCode ?? -1 };
}

async function best(label: string, run: () => Promise<Run>): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await run());
  runs.sort((a, b) => a.seconds - b.seconds);
  const median = runs[Math.floor(runs.length / 2)]!;
  log(`${label}: ${runs.map((r) => `${r.seconds}s/${r.peakRssMB}MB`).join(', ')}`);
  return median;
}

const json = process.argv.includes('--json');
if (spawnSync('/usr/bin/time', ['true']).status !== 0) {
  console.log(JSON.stringify('skipped: /usr/bin/time (GNU time) is needed for peak RSS'));
  process.exit(0);
}
log('starting kube-apiserver');
const kube = await startKube();
try {
  const t0 = performance.now();
  await load(kube);
  const loadS = (performance.now() - t0) / 1000;
  log(`created ${N} objects in ${loadS.toFixed(1)} s`);
  const env = kube.env;
  const dump = await execa(kube.kubectl, ['get', KINDS, '-A', '-o', 'json'], {
    env,
    extendEnv: false,
    maxBuffer: 1024 * 1024 * 1024,
  });
  const listJson = String(dump.stdout);
  const objects = (JSON.parse(listJson) as { items: unknown[] }).items.length;
  const node = process.execPath;
  const floor = await best('kubectl floor', () =>
    timed(kube.kubectl, ['get', KINDS, '-A', '-o', 'json', '--chunk-size=500'], env),
  );
  const stdin = await best('keyspill stdin', () =>
    timed(
      node,
      [bin, 'scan', 'k8s', '-', '--max-file-size', '1GB', '--format', 'json', '-o', '/dev/null'],
      env,
      listJson,
    ),
  );
  const live = await best('keyspill --live', () =>
    timed(node, [bin, 'scan', 'k8s', '--live', '--kinds', KINDS, '--format', 'json', '-o', '/dev/null'], env),
  );
  const rate = (r: Run): number => Math.round(objects / r.seconds);
  const result = {
    objects,
    listMB: +(listJson.length / 1e6).toFixed(1),
    loadSeconds: +loadS.toFixed(1),
    floor: { ...floor, objectsPerSecond: rate(floor) },
    stdin: { ...stdin, objectsPerSecond: rate(stdin) },
    live: { ...live, objectsPerSecond: rate(live) },
    liveOverFloor: +(live.seconds / floor.seconds).toFixed(2),
    stdinOverFloor: +(stdin.seconds / floor.seconds).toFixed(2),
  };
  console.log(json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} finally {
  await kube.stop();
}
