// Test helper: a real OCI registry (Debian's docker-registry, distribution v2.8) on 127.0.0.1, with basic or token auth.
//
//   const reg = await startRegistry({ auth: 'token' });   // 'none' (default) | 'basic' | 'token'
//   after(() => reg.stop());
//   reg.host / reg.url          '127.0.0.1:PORT' / 'http://127.0.0.1:PORT' — what clients (skopeo, fetch) use
//   reg.credentials             { username, password } for 'basic' and 'token', undefined for 'none'
//   reg.failNext({ status: 429, retryAfter: '1' })   the next matching request gets that answer instead
//   reg.requests / reg.tokenRequests                  what reached the proxy / the token server (for asserting retries)
//
// Layout: clients talk to a small Node proxy (reg.host) that forwards to the registry (reg.registryHost) unchanged,
// Host header included, so the registry's upload Location URLs point back at the proxy; the proxy is where faults
// (429 + Retry-After) are injected. The registry listens on 127.0.0.1:0 and logs the port it got ("listening on
// 127.0.0.1:PORT"), so there is no free-port race. In 'token' mode a Node token server issues RS256 JWTs whose header
// carries an x5c chain (a self-signed certificate made with openssl, also the registry's rootcertbundle). Every wait
// is bounded; stop() kills the registry and closes both servers (a process 'exit' hook kills it too).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The Accept list that gets every manifest kind from distribution v2.8. Without the OCI types it answers 404
 * MANIFEST_UNKNOWN ("OCI manifest found, but accept header does not support OCI manifests") for OCI manifests and
 * indexes, by tag and by digest alike; without the Docker v2 type it rewrites a Docker schema 2 manifest fetched by
 * tag into a signed schema 1 one (application/vnd.docker.distribution.manifest.v1+prettyjws). `*\/*` counts for none.
 */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface RegistryOptions {
  readonly auth?: RegistryAuth;
  /** Default { username: 'keyspill', password: a random string }. */
  readonly credentials?: Credentials;
  /** Token mode: the token server gives anonymous clients pull access (as Docker Hub does for public images). */
  readonly anonymousPull?: boolean;
  /** Bound on each start-up wait (default 15 s). */
  readonly timeoutMs?: number;
}

export interface Fault {
  /** Default 429. */
  readonly status?: number;
  /** Retry-After header value (default '1' for 429, none otherwise). */
  readonly retryAfter?: string;
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /** Only requests whose path matches (default: every request). */
  readonly path?: RegExp;
  /** Only this method (default: any). */
  readonly method?: string;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly injected: boolean;
  readonly authorization: 'none' | 'basic' | 'bearer' | 'other';
}

export interface TokenRequestRecord {
  readonly account: string | null;
  readonly scopes: readonly string[];
  readonly granted: readonly { type: string; name: string; actions: string[] }[];
  readonly status: number;
}

export interface Registry {
  /** `127.0.0.1:PORT` of the proxy in front of the registry: use this one. */
  readonly host: string;
  readonly url: string;
  /** The docker-registry process itself (no fault injection, no request log). */
  readonly registryHost: string;
  readonly auth: RegistryAuth;
  readonly credentials: Credentials | undefined;
  /** Token mode: the token endpoint, the service and issuer names, and the signing certificate (PEM). */
  readonly token: { realm: string; service: string; issuer: string; certificatePem: string } | undefined;
  readonly requests: readonly RequestRecord[];
  readonly tokenRequests: readonly TokenRequestRecord[];
  failNext(fault?: Fault): void;
  /** The registry's own log (stderr and stdout, last 256 KiB). */
  logs(): string;
  stop(): Promise<void>;
}

interface ActiveFault {
  status: number;
  times: number;
  retryAfter?: string;
  path?: RegExp;
  method?: string;
}

const SERVICE = 'keyspill-test-registry';
const ISSUER = 'keyspill-test-token-issuer';

function listen(server: Server): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.closeAllConnections();
    server.close(() => resolvePromise());
  });
}

function tool(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function authKind(h: string | undefined): RequestRecord['authorization'] {
  if (!h) return 'none';
  if (/^basic /i.test(h)) return 'basic';
  if (/^bearer /i.test(h)) return 'bearer';
  return 'other';
}

function parseBasic(h: string | undefined): Credentials | undefined {
  const m = /^basic (.+)$/i.exec(h ?? '');
  if (!m?.[1]) return undefined;
  const s = Buffer.from(m[1], 'base64').toString('utf8');
  const i = s.indexOf(':');
  return i < 0 ? undefined : { username: s.slice(0, i), password: s.slice(i + 1) };
}

interface TokenServer {
  server: Server;
  realm: string;
  certificatePem: string;
}

/** A token server (Docker registry token auth spec, GET form): RS256 JWT with an x5c header. */
async function startTokenServer(
  dir: string,
  creds: Credentials,
  anonymousPull: boolean,
  log: TokenRequestRecord[],
): Promise<TokenServer> {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  tool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=keyspill test token issuer',
  ]);
  const key = readFileSync(keyPath, 'utf8');
  const certificatePem = readFileSync(certPath, 'utf8');
  const x5c = [new X509Certificate(certificatePem).raw.toString('base64')];

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown, scopes: string[], account: string | null): void => {
      log.push({ account, scopes, granted: [], status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const scopes = u.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    if (req.method !== 'GET' || u.pathname !== '/token') {
      reply(404, { errors: [{ code: 'NOT_FOUND', message: 'GET /token only' }] }, scopes, null);
      return;
    }
    if (u.searchParams.get('service') !== SERVICE) {
      reply(400, { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] }, scopes, null);
      return;
    }
    const given = parseBasic(req.headers.authorization);
    if (
      req.headers.authorization &&
      (given?.username !== creds.username || given.password !== creds.password)
    ) {
      reply(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] },
        scopes,
        given?.username ?? null,
      );
      return;
    }
    const account = given ? given.username : null;
    const granted = scopes.flatMap((s) => {
      const parts = s.split(':');
      if (parts.length < 3) return [];
      const type = parts[0]!;
      const actions = parts.at(-1)!.split(',');
      const name = parts.slice(1, -1).join(':');
      const allowed = account ? actions : anonymousPull ? actions.filter((a) => a === 'pull') : [];
      return allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c };
    const claims = {
      iss: ISSUER,
      sub: account ?? '',
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access: granted,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    const token = `${input}.${b64url(signature)}`;
    log.push({ account, scopes, granted, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date(now * 1000).toISOString(),
      }),
    );
  });
  const port = await listen(server);
  return { server, realm: `http://127.0.0.1:${port}/token`, certificatePem };
}

function waitForPort(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const check = (): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output());
      if (m?.[1]) done(() => resolvePromise(Number(m[1])));
    };
    const onExit = (code: number | null): void =>
      done(() =>
        reject(new Error(`docker-registry exited (${String(code)}) before listening:\n${output()}`)),
      );
    const timer = setTimeout(
      () =>
        done(() => reject(new Error(`docker-registry did not listen within ${timeoutMs} ms:\n${output()}`))),
      timeoutMs,
    );
    const done = (f: () => void): void => {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      f();
    };
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status === 200 || r.status === 401) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`registry at ${url} not ready within ${timeoutMs} ms (${last})`);
}

/** Starts docker-registry (plus proxy, plus token server in 'token' mode). Call ensureImageTools() first. */
export async function startRegistry(o: RegistryOptions = {}): Promise<Registry> {
  const auth = o.auth ?? 'none';
  const timeoutMs = o.timeoutMs ?? 15_000;
  const creds =
    auth === 'none'
      ? undefined
      : (o.credentials ?? { username: 'keyspill', password: randomBytes(9).toString('hex') });
  const dir = mkdtempSync(join(tmpdir(), 'keyspill-registry-'));
  const requests: RequestRecord[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const servers: Server[] = [];
  let child: ChildProcess | undefined;
  let out = '';
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await Promise.all(servers.splice(0).map(closeServer));
    const c = child;
    child = undefined;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    let token: Registry['token'];
    const config: Record<string, unknown> = {
      version: 0.1,
      log: { level: 'info', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
      http: { addr: '127.0.0.1:0', secret: randomBytes(16).toString('hex') },
    };
    if (auth === 'basic' && creds) {
      const line = tool('htpasswd', ['-Bbn', creds.username, creds.password]).trim();
      writeFileSync(join(dir, 'htpasswd'), `${line}\n`);
      config.auth = { htpasswd: { realm: SERVICE, path: join(dir, 'htpasswd') } };
    } else if (auth === 'token' && creds) {
      const ts = await startTokenServer(dir, creds, o.anonymousPull ?? false, tokenRequests);
      servers.push(ts.server);
      writeFileSync(join(dir, 'token-bundle.pem'), ts.certificatePem);
      config.auth = {
        token: {
          realm: ts.realm,
          service: SERVICE,
          issuer: ISSUER,
          rootcertbundle: join(dir, 'token-bundle.pem'),
        },
      };
      token = { realm: ts.realm, service: SERVICE, issuer: ISSUER, certificatePem: ts.certificatePem };
    }
    const configPath = join(dir, 'config.yml');
    writeFileSync(configPath, stringify(config));

    const c = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const collect = (d: Buffer): void => {
      out = (out + d.toString('utf8')).slice(-256 * 1024);
    };
    c.stdout.on('data', collect);
    c.stderr.on('data', collect);
    c.on('error', (e) => collect(Buffer.from(`spawn error: ${e.message}\n`)));
    const registryPort = await waitForPort(c, () => out, timeoutMs);
    const registryHost = `127.0.0.1:${registryPort}`;

    const faults: ActiveFault[] = [];
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      const method = req.method ?? 'GET';
      const authorization = authKind(req.headers.authorization);
      const fault = faults.find(
        (f) => f.times > 0 && (!f.path || f.path.test(path)) && (!f.method || f.method === method),
      );
      if (fault) {
        fault.times -= 1;
        requests.push({ method, path, status: fault.status, injected: true, authorization });
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        req.resume();
        res.writeHead(fault.status, headers);
        res.end(
          JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'injected by the test proxy' }] }),
        );
        return;
      }
      const up = request(
        { host: '127.0.0.1', port: registryPort, method, path, headers: req.headers, agent: false },
        (upRes) => {
          requests.push({ method, path, status: upRes.statusCode ?? 0, injected: false, authorization });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.setTimeout(60_000, () => up.destroy(new Error('upstream timeout')));
      up.on('error', (e) => {
        requests.push({ method, path, status: 502, injected: false, authorization });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${e.message}`);
      });
      req.pipe(up);
    });
    servers.push(proxy);
    const proxyPort = await listen(proxy);
    const host = `127.0.0.1:${proxyPort}`;
    const url = `http://${host}`;
    await waitReady(url, timeoutMs);
    requests.length = 0;

    return {
      host,
      url,
      registryHost,
      auth,
      credentials: creds,
      token,
      requests,
      tokenRequests,
      failNext: (f: Fault = {}) => {
        const status = f.status ?? 429;
        const retryAfter = f.retryAfter ?? (status === 429 ? '1' : undefined);
        faults.push({
          status,
          times: f.times ?? 1,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
          ...(f.path ? { path: f.path } : {}),
          ...(f.method ? { method: f.method } : {}),
        });
      },
      logs: () => out,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
