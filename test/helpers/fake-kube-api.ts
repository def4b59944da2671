// Test helper: a small fake Kubernetes API (plain HTTP on 127.0.0.1) for the faults a real API server will not
// produce on demand: an expired continue token (410 Gone), a slow page, a huge object. Lists ConfigMaps only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const FAKE_CONTEXT = 'fake';
export const FAKE_USER = 'fake-user';

export interface FakeFaults {
  /** Answer 410 Gone (reason Expired) to the first request carrying a continue token, as etcd compaction does. */
  expireContinueOnce?: boolean;
  /** Delay the answer to the page with this 1-based number (counted per list) by `ms`. */
  slowPage?: { page: number; ms: number };
}

export interface FakeKubeApi {
  readonly url: string;
  /** A kubeconfig with one context, `fake`, pointing at this server. */
  readonly kubeconfig: string;
  /** Every request's path and query, in order. */
  readonly requests: string[];
  faults: FakeFaults;
  stop(): Promise<void>;
}

type Obj = Record<string, unknown>;

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the fake API with these ConfigMaps (each needs metadata.name, namespace and uid). */
export async function startFakeKubeApi(configmaps: readonly Obj[]): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const state: { faults: FakeFaults; expired: boolean } = { faults: {}, expired: false };
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/version') {
      send(res, 200, { major: '1', minor: '37', gitVersion: 'v1.37.2-fake' });
      return;
    }
    const m = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/[^/]+)?\/([a-z]+)$/.exec(url.pathname);
    if (m === null) {
      send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      return;
    }
    const resource = m[1]!;
    const listKind = `${resource[0]!.toUpperCase()}${resource.slice(1, -1)}List`;
    const items = resource === 'configmaps' ? configmaps : [];
    const limit = Number(url.searchParams.get('limit') ?? '0') || items.length || 1;
    const token = url.searchParams.get('continue');
    const start = token === null ? 0 : Number(Buffer.from(token, 'base64').toString());
    const page = Math.floor(start / limit) + 1;
    if (token !== null && state.faults.expireContinueOnce === true && !state.expired) {
      state.expired = true;
      send(res, 410, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: { continue: Buffer.from(String(start)).toString('base64') },
        status: 'Failure',
        message: EXPIRED_MESSAGE,
        reason: 'Expired',
        code: 410,
      });
      return;
    }
    const slow = state.faults.slowPage;
    if (slow !== undefined && slow.page === page && resource === 'configmaps')
      await new Promise((r) => setTimeout(r, slow.ms));
    const end = Math.min(items.length, start + limit);
    const next = end < items.length ? Buffer.from(String(end)).toString('base64') : undefined;
    send(res, 200, {
      kind: listKind,
      apiVersion: 'v1',
      metadata: { resourceVersion: '42', ...(next === undefined ? {} : { continue: next }) },
      items: items.slice(start, end),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${addr.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'keyspill-fake-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url } }],
      users: [{ name: FAKE_USER, user: { token: 'fake-token' } }],
      contexts: [{ name: FAKE_CONTEXT, context: { cluster: 'fake', user: FAKE_USER } }],
      'current-context': FAKE_CONTEXT,
    }),
    { mode: 0o600 },
  );
  let stopped = false;
  return {
    url,
    kubeconfig,
    requests,
    get faults() {
      return state.faults;
    },
    set faults(f: FakeFaults) {
      state.faults = f;
      state.expired = false;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const s of sockets) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
