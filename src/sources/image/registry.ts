// Registry HTTP API v2 client on the built-in fetch: anonymous, basic and bearer-token auth, retries on 429/5xx, digests checked.
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InterruptedError, RemoteError, reasonOf } from '../../errors.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';
import { DOCKER_HUB, DOCKER_HUB_API } from './reference.ts';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface CredentialLookup {
  readonly credentials: Credentials | undefined;
  /** Where they came from (`--creds`, `~/.docker/config.json`, `docker-credential-pass`), for messages. */
  readonly from: string | undefined;
  /** Why none were found where some were configured (a failing credential helper), for the 401 message. */
  readonly problems?: readonly string[];
}

/** The registry has no such manifest or blob (404); reported as the RemoteError it is. */
export class RegistryNotFoundError extends RemoteError {
  constructor(...args: ConstructorParameters<typeof RemoteError>) {
    super(...args);
    this.name = 'RemoteError';
  }
}

export interface RegistryClientOptions {
  /** `host[:port]` as references name it (docker.io for Docker Hub). */
  readonly registry: string;
  /** Plain HTTP (only with --insecure-registry). */
  readonly insecure: boolean;
  /** Looked up once, on the first challenge. */
  readonly credentials: () => Promise<CredentialLookup>;
  readonly signal: AbortSignal;
  readonly userAgent: string;
  /** Waits before giving up on headers (default 30 s) or on a stalled body (default 60 s). */
  readonly timeoutMs?: number;
  readonly stallMs?: number;
  /** Attempts on 429 and 5xx (default 5); Retry-After is honoured up to `maxRetryWaitMs` (default 60 s). */
  readonly attempts?: number;
  readonly maxRetryWaitMs?: number;
  readonly fetch?: typeof fetch;
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

export interface RegistryClient {
  readonly registry: string;
  manifest(repository: string, reference: string, accept?: string): Promise<FetchedManifest>;
  blobBytes(repository: string, digest: string, max: number): Promise<Buffer>;
  openBlob(repository: string, digest: string): Promise<Readable>;
}

type Auth =
  | { readonly scheme: 'basic'; readonly header: string }
  | { readonly scheme: 'bearer'; readonly header: string };

interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters (quoted or bare values). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface RegistryErrorBody {
  readonly code: string;
  readonly message: string;
}

async function errorBody(res: Response): Promise<RegistryErrorBody | undefined> {
  try {
    const text = (await res.text()).slice(0, 64 * 1024);
    const v = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const e = v.errors?.[0];
    if (e === undefined) return undefined;
    return {
      code: typeof e.code === 'string' ? e.code : '',
      message: typeof e.message === 'string' ? e.message : '',
    };
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new InterruptedError());
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new InterruptedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The cause behind undici's "fetch failed" (ECONNREFUSED, ENOTFOUND, a TLS error…). */
function networkReason(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    const code = (cur as NodeJS.ErrnoException).code;
    // OpenSSL's own text (`…:error:0A00010B:SSL routines:…`) adds nothing the code does not say.
    if (code?.startsWith('ERR_SSL_') === true) return code;
    if (code !== undefined && code !== 'UND_ERR_SOCKET')
      return `${code}${cur.message.includes(code) ? '' : `: ${cur.message}`}`;
    if (cur.cause === undefined) return cur.message;
    cur = cur.cause;
  }
  return reasonOf(e);
}

/** Passes a stream through, failing it when no byte arrives for `ms`. */
function withStallTimeout(body: Readable, ms: number, what: () => Error): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const err = what();
      body.destroy(err);
      out.destroy(err);
    }, ms);
    timer.unref();
  };
  arm();
  body.on('data', arm);
  body.once('end', () => clearTimeout(timer));
  body.once('error', (e) => {
    clearTimeout(timer);
    out.destroy(e);
  });
  out.once('close', () => {
    clearTimeout(timer);
    if (!body.destroyed) body.destroy();
  });
  body.pipe(out);
  return out;
}

export function createRegistryClient(o: RegistryClientOptions): RegistryClient {
  const host = o.registry === DOCKER_HUB ? DOCKER_HUB_API : o.registry;
  const base = `${o.insecure ? 'http' : 'https'}://${host}`;
  const doFetch = o.fetch ?? fetch;
  const attempts = o.attempts ?? 5;
  const maxWait = o.maxRetryWaitMs ?? 60_000;
  const timeoutMs = o.timeoutMs ?? 30_000;
  let lookup: CredentialLookup | undefined;
  const auths = new Map<string, Auth>();

  const principal = (): string => lookup?.credentials?.username ?? 'anonymous';
  const remote = (repository: string): { endpoint: string; principal: string; permission: string } => ({
    endpoint: o.registry,
    principal: principal(),
    permission: `pull ${repository}`,
  });
  const creds = async (): Promise<CredentialLookup> => (lookup ??= await o.credentials());

  /** One HTTP request with a header timeout; network failures become RemoteErrors naming the registry. */
  async function send(url: string, headers: Record<string, string>, repository: string): Promise<Response> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
    try {
      return await doFetch(url, {
        headers: { 'user-agent': o.userAgent, ...headers },
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (e) {
      if (o.signal.aborted) throw new InterruptedError();
      const timedOut = controller.signal.aborted;
      const why = timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : networkReason(e);
      const tls = /SSL|TLS|EPROTO|wrong version number|certificate|CERT/i.test(why);
      throw new RemoteError(
        remote(repository),
        `cannot reach registry ${o.registry} (${new URL(url).origin}): ${why}`,
        tls && !o.insecure
          ? `if ${o.registry} serves plain HTTP, pass --insecure-registry ${o.registry}; for a private CA, set NODE_EXTRA_CA_CERTS=ca.pem`
          : why === 'bad port'
            ? 'Node\'s fetch refuses the ports browsers block (WHATWG "bad ports", e.g. 1, 6000, 5060): serve the registry on another port'
            : 'check the registry name and your network',
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
      // Only the wait for headers is bounded here: a long download is watched for stalls instead.
      o.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Answers a 401 challenge: basic credentials, or a token from the realm the registry names. */
  async function authenticate(
    challenge: Challenge,
    repository: string,
    scope: string,
  ): Promise<Auth | undefined> {
    const { credentials } = await creds();
    const basic =
      credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    if (challenge.scheme === 'basic')
      return basic === undefined ? undefined : { scheme: 'basic', header: basic };
    if (challenge.scheme !== 'bearer') return undefined;
    const realm = challenge.params['realm'];
    if (realm === undefined)
      throw new RemoteError(
        remote(repository),
        `registry ${o.registry} asks for a bearer token but names no realm`,
      );
    let url: URL;
    try {
      url = new URL(realm);
    } catch (e) {
      throw new RemoteError(
        remote(repository),
        `registry ${o.registry} names a token realm that is not a URL: ${realm}`,
        undefined,
        { cause: e },
      );
    }
    if (challenge.params['service'] !== undefined)
      url.searchParams.set('service', challenge.params['service']);
    url.searchParams.set('scope', challenge.params['scope'] ?? scope);
    const res = await retrying(
      () => send(url.toString(), basic === undefined ? {} : { authorization: basic }, repository),
      repository,
      `token from ${url.origin}`,
    );
    if (res.status === 401 || res.status === 403) {
      await res.arrayBuffer().catch(() => undefined);
      throw new RemoteError(
        remote(repository),
        credentials === undefined
          ? `the token server of ${o.registry} (${url.origin}) refused an anonymous token for ${repository} (${res.status})`
          : `the token server of ${o.registry} (${url.origin}) refused the credentials of ${credentials.username} (${res.status})`,
        credentials === undefined
          ? `pass --creds USER:PASS, or docker login ${o.registry}`
          : 'check the username and password or token',
      );
    }
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new RemoteError(
        remote(repository),
        `the token server of ${o.registry} (${url.origin}) answered ${res.status}`,
      );
    }
    let token: unknown;
    try {
      const body = (await res.json()) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch (e) {
      throw new RemoteError(remote(repository), `the token server of ${o.registry} sent no JSON`, undefined, {
        cause: e,
      });
    }
    if (typeof token !== 'string' || token === '')
      throw new RemoteError(remote(repository), `the token server of ${o.registry} sent no token`);
    return { scheme: 'bearer', header: `Bearer ${token}` };
  }

  /** Sends until the answer is not 429/502/503/504, honouring Retry-After (bounded). */
  async function retrying(
    sendOnce: () => Promise<Response>,
    repository: string,
    what: string,
  ): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const res = await sendOnce();
      if (![429, 502, 503, 504].includes(res.status)) return res;
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000 * 2 ** (attempt - 1);
      await res.arrayBuffer().catch(() => undefined);
      if (attempt >= attempts || wait > maxWait) {
        throw new RemoteError(
          remote(repository),
          `registry ${o.registry} answered ${res.status}${res.status === 429 ? ' Too Many Requests' : ''} to ${what} ${attempt} times${wait > maxWait ? ` and asks to wait ${Math.round(wait / 1000)} s` : ''}`,
          res.status === 429
            ? 'wait and retry; authenticated pulls (--creds) usually get higher rate limits'
            : 'the registry is unavailable: retry later',
        );
      }
      await sleep(wait, o.signal);
    }
  }

  /** GET with the registry's auth flow: a 401 challenge is answered once (and again if a token expired). */
  async function get(
    repository: string,
    path: string,
    accept: string | undefined,
    what: string,
  ): Promise<Response> {
    const scope = `repository:${repository}:pull`;
    const url = `${base}/v2/${repository}/${path}`;
    const headers = (): Record<string, string> => {
      const auth = auths.get(scope);
      return {
        ...(accept === undefined ? {} : { accept }),
        ...(auth === undefined ? {} : { authorization: auth.header }),
      };
    };
    let res = await retrying(() => send(url, headers(), repository), repository, what);
    let body: RegistryErrorBody | undefined;
    for (let round = 0; res.status === 401 && round < 2; round++) {
      const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
      body = await errorBody(res);
      // A second challenge is answered only for an expired token; any other refusal is final.
      if (round > 0 && challenge?.params['error'] !== 'invalid_token') break;
      const auth = challenge === undefined ? undefined : await authenticate(challenge, repository, scope);
      if (auth === undefined) {
        const { credentials, from, problems } = await creds();
        const why = problems === undefined || problems.length === 0 ? '' : ` (${problems.join('; ')})`;
        throw new RemoteError(
          remote(repository),
          credentials === undefined
            ? `registry ${o.registry} refused anonymous access to ${repository}: it needs credentials (401${body === undefined ? '' : ` ${body.code}`})${why}`
            : `registry ${o.registry} refused the credentials of ${credentials.username} (from ${from ?? 'somewhere'}) for ${repository} (401)`,
          credentials === undefined
            ? `pass --creds USER:PASS, or docker login ${o.registry}`
            : 'check the username and password or token',
        );
      }
      if (auths.get(scope)?.header === auth.header) break;
      auths.set(scope, auth);
      body = undefined;
      res = await retrying(() => send(url, headers(), repository), repository, what);
    }
    if (res.ok) return res;
    body ??= await errorBody(res);
    const detail =
      body === undefined
        ? `${res.status}`
        : `${res.status} ${body.code}${body.message ? `: ${body.message}` : ''}`;
    const { credentials, from, problems } = lookup ?? { credentials: undefined, from: undefined };
    const why = problems === undefined || problems.length === 0 ? '' : ` (${problems.join('; ')})`;
    if (res.status === 401)
      throw new RemoteError(
        remote(repository),
        credentials === undefined
          ? `registry ${o.registry} refused anonymous access to ${repository} (${detail})${why}`
          : `registry ${o.registry} refused the credentials of ${credentials.username} (from ${from ?? 'somewhere'}) for ${repository} (${detail})`,
        credentials === undefined
          ? `pass --creds USER:PASS, or docker login ${o.registry}`
          : 'check the username and password or token, and that the repository exists',
      );
    if (res.status === 403)
      throw new RemoteError(
        remote(repository),
        `registry ${o.registry} denied ${principal()} pull access to ${repository} (${detail})`,
        'ask for pull permission on the repository, or use other credentials (--creds)',
      );
    if (res.status === 404)
      throw new RegistryNotFoundError(
        remote(repository),
        `registry ${o.registry} has no ${what} (${detail})`,
        what.startsWith('manifest')
          ? 'check the repository name and the tag or digest'
          : 'the manifest names a blob the registry does not hold: push the image again',
      );
    throw new RemoteError(remote(repository), `registry ${o.registry} answered ${detail} to ${what}`);
  }

  return {
    registry: o.registry,
    async manifest(repository, reference, accept = MANIFEST_ACCEPT) {
      const what = `manifest ${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
      const res = await get(repository, `manifests/${reference}`, accept, what);
      const bytes = Buffer.from(await res.arrayBuffer());
      const declared = res.headers.get('docker-content-digest') ?? undefined;
      const byDigest = reference.includes(':') ? reference : undefined;
      const expected = byDigest ?? declared;
      const alg = expected?.slice(0, expected.indexOf(':')) ?? 'sha256';
      const digest = `${alg}:${createHash(alg === 'sha512' ? 'sha512' : 'sha256')
        .update(bytes)
        .digest('hex')}`;
      if (expected !== undefined && digest !== expected)
        throw new RemoteError(
          remote(repository),
          `registry ${o.registry}: ${what} does not match its digest ${expected} (the content hashes to ${digest}): refused`,
          'a proxy or the registry altered the manifest; try again or use another mirror',
        );
      return { bytes, mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), digest };
    },
    async blobBytes(repository, digest, max) {
      const res = await get(repository, `blobs/${digest}`, undefined, `blob ${digest} of ${repository}`);
      const len = Number(res.headers.get('content-length') ?? '0');
      if (len > max) {
        await res.body?.cancel().catch(() => undefined);
        throw new RemoteError(
          remote(repository),
          `registry ${o.registry}: blob ${digest} is ${len} bytes, more than the ${max} a config may have`,
        );
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > max)
        throw new RemoteError(
          remote(repository),
          `registry ${o.registry}: blob ${digest} is more than the ${max} bytes a config may have`,
        );
      return bytes;
    },
    async openBlob(repository, digest) {
      const res = await get(repository, `blobs/${digest}`, undefined, `blob ${digest} of ${repository}`);
      if (res.body === null) return Readable.from([]);
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      const stall = o.stallMs ?? 60_000;
      return withStallTimeout(
        body,
        stall,
        () =>
          new Error(
            `registry ${o.registry} sent no data for ${Math.round(stall / 1000)} s while downloading ${digest}`,
          ),
      );
    },
  };
}
