// `scan k8s --live` against a fake API for the faults a real one will not produce on demand: paging with continue
// tokens, an expired token (410 Gone), a slow page, a huge object; through the real kubectl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { runCliAsync, type CliResult } from '../helpers/cli.ts';
import { FAKE_CONTEXT, startFakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.ts';
import { ensureBinaries } from '../helpers/kube.ts';
import { openCluster } from '../../src/sources/k8s/cluster-source.ts';
import { LIVE_KINDS } from '../../src/sources/k8s/kinds.ts';

const AWS = 'AKIAQYLPMN5HFIQR7XYA';
const GITHUB = 'ghp_4Rk9mQ2xT7vB1nL8pZ3yW6cF0dH5jE9sA2uK';
const HUGE_BYTES = 30 * 1000 * 1000;

const cm = (i: number, data: Record<string, string>) => ({
  metadata: { name: `cm-${i}`, namespace: 'ns', uid: `uid-${i}`, creationTimestamp: '2025-03-01T00:00:00Z' },
  data,
});
// Ten ConfigMaps: a credential on the first page and one on the last, a huge one in the middle.
const OBJECTS = Array.from({ length: 10 }, (_, i) =>
  cm(
    i,
    i === 0
      ? { KEY: AWS }
      : i === 9
        ? { TOKEN: GITHUB }
        : i === 5
          ? { BIG: 'x'.repeat(HUGE_BYTES) }
          : { A: `v${i}` },
  ),
);

let api: FakeKubeApi | undefined;
let env: Record<string, string> = {};
const fake = (): FakeKubeApi => {
  assert.ok(api);
  return api;
};

before(
  async () => {
    const { kubectl } = await ensureBinaries();
    api = await startFakeKubeApi(OBJECTS);
    env = {
      HOME: mkdtempSync(join(tmpdir(), 'keyspill-fake-home-')),
      KUBECONFIG: api.kubeconfig,
      PATH: `${dirname(kubectl)}${delimiter}${process.env.PATH ?? ''}`,
    };
  },
  { timeout: 50 * 60_000 },
);
after(async () => {
  await api?.stop();
  if (env['HOME'] !== undefined) rmSync(env['HOME'], { recursive: true, force: true });
});

interface Report {
  findings: { ruleId: string; locations: { provenance: { name: string } }[] }[];
  summary: {
    incomplete: boolean;
    notes: string[];
    skipped: Record<string, number>;
    skippedItems: { path: string; reason: string; detail?: string }[];
  };
}

async function scan(args: string[]): Promise<{ r: CliResult; rep: Report; ms: number }> {
  fake().requests.length = 0;
  const t = Date.now();
  const r = await runCliAsync(
    ['scan', 'k8s', '--live', '--kinds', 'configmaps', '--format', 'json', ...args],
    {
      cwd: env['HOME']!,
      env,
    },
  );
  const ms = Date.now() - t;
  assert.ok(r.stdout.startsWith('{'), `exit ${r.code}: ${r.stderr}`);
  return { r, ms, rep: JSON.parse(r.stdout) as Report };
}

/** The list requests kubectl made: path, limit and decoded continue offset (kubectl adds its own timeout=). */
const pages = (): string[] =>
  fake()
    .requests.filter((q) => q.startsWith('/api/v1/configmaps'))
    .map((q) => {
      const [path, query] = q.split('?') as [string, string | undefined];
      const p = new URLSearchParams(query);
      const token = p.get('continue');
      return `${path} limit=${p.get('limit')}${token === null ? '' : ` from=${Buffer.from(token, 'base64').toString()}`}`;
    });

const names = (rep: Report): string[] =>
  rep.findings.flatMap((f) => f.locations.map((l) => l.provenance.name)).sort();

test('lists page by page with limit and continue; a huge value is skipped and counted, the rest scanned', async () => {
  fake().faults = {};
  const { r, rep } = await scan(['--chunk-size', '3']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(names(rep), ['cm-0', 'cm-9']);
  assert.deepEqual(pages(), [
    '/api/v1/configmaps limit=3',
    '/api/v1/configmaps limit=3 from=3',
    '/api/v1/configmaps limit=3 from=6',
    '/api/v1/configmaps limit=3 from=9',
  ]);
  assert.equal(rep.summary.skipped['too-large'], 1);
  assert.equal(rep.summary.incomplete, false);
  const skip = rep.summary.skippedItems[0]!;
  assert.equal(skip.path, `${FAKE_CONTEXT}/ns/ConfigMap/cm-5`);
  assert.match(skip.detail ?? '', /^ConfigMap ns\/cm-5 data\[BIG\]: \d+ bytes > --max-file-size/);
});

test('an expired continue token (410 Gone): the list starts again, objects already scanned are not scanned twice', async () => {
  fake().faults = { expireContinueOnce: true };
  const { r, rep } = await scan(['--chunk-size', '4']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(names(rep), ['cm-0', 'cm-9'], 'each object once');
  assert.deepEqual(rep.summary.notes, [
    'listing configmaps in all namespaces: the continue token expired (410 Gone) at page 2; listed again from the start, objects already scanned skipped',
  ]);
  assert.equal(rep.summary.incomplete, false);
  assert.deepEqual(pages(), [
    '/api/v1/configmaps limit=4',
    '/api/v1/configmaps limit=4 from=4',
    '/api/v1/configmaps limit=4',
    '/api/v1/configmaps limit=4 from=4',
    '/api/v1/configmaps limit=4 from=8',
  ]);
});

test('a page slower than --request-timeout: named, the rest of that list given up, no hang', async () => {
  fake().faults = { slowPage: { page: 2, ms: 8000 } };
  const { r, rep, ms } = await scan(['--chunk-size', '5', '--request-timeout', '1s']);
  assert.ok(ms < 8000, `gave up after ${ms} ms`);
  assert.equal(r.code, 1, 'the first page was scanned');
  assert.deepEqual(names(rep), ['cm-0']);
  assert.equal(rep.summary.incomplete, true);
  assert.match(
    rep.summary.notes[0] ?? '',
    /^listing configmaps in all namespaces: page 2 did not arrive within 1 s \(--request-timeout\); the rest of the list was not scanned/,
  );
});

test('a page larger than the page bound is asked again with a smaller limit, down to one object', async () => {
  fake().faults = {};
  fake().requests.length = 0;
  const src = await openCluster({
    kubeconfig: fake().kubeconfig,
    context: undefined,
    namespaces: undefined,
    kinds: LIVE_KINDS.filter((k) => k.kind === 'ConfigMap'),
    chunkSize: 8,
    requestTimeoutMs: 20_000,
    policy: { maxFileSize: 1000, includeBinary: false },
    env,
    maxPageBytes: 1024 * 1024,
  });
  const notes: string[] = [];
  const fragments: string[] = [];
  for await (const ev of src.events(new AbortController().signal)) {
    if (ev.type === 'note') notes.push(ev.note);
    if (ev.type === 'fragment') fragments.push(ev.fragment.path);
  }
  // openCluster asked the server's version first, as the scan's user.
  assert.match(fake().requests[0]!, /^\/version/);
  const limits = pages().map((p) => /limit=(\d+)/.exec(p)?.[1]);
  // 8 (too big) → 4 (cm-0…3), then the next page at 4 (too big) → 2 (too big) → 1 (cm-4) → 1 (cm-5 alone: too big).
  assert.deepEqual(limits, ['8', '4', '4', '2', '1', '1']);
  assert.deepEqual(
    fragments,
    ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'].map((n) => `${FAKE_CONTEXT}/ns/ConfigMap/${n}`),
  );
  assert.deepEqual(notes, [
    `listing configmaps in all namespaces: the object after the first 5 is larger than ${1024 * 1024} bytes as JSON; it and the rest of the list were not scanned`,
  ]);
});
