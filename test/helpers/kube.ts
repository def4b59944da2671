// Test helper: a real Kubernetes API server (etcd + kube-apiserver on 127.0.0.1) with admin and restricted contexts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';

/** The build script; it owns the Kubernetes version and the cache folder. */
export const KUBE_BUILD_SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'kube-build.sh');

/** Context names in the kubeconfig startKube writes (`admin` is the current context). */
export const ADMIN_CONTEXT = 'admin';
export const RESTRICTED_CONTEXT = 'restricted';
/** The restricted user and its ClusterRole (bound by a ClusterRoleBinding of the same name). */
export const RESTRICTED_USER = 'keyspill-reader';

/** What the restricted user may get, list and watch: everything keyspill reads except secrets. */
export const RESTRICTED_RULES = [
  { apiGroups: [''], resources: ['configmaps', 'pods', 'namespaces'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
].map((r) => ({ ...r, verbs: ['get', 'list', 'watch'] }));

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubeCluster {
  /** Path of a kubeconfig with contexts `admin` (current; system:masters) and `restricted` (no secrets). */
  readonly kubeconfig: string;
  /** The API server's URL, `https://127.0.0.1:PORT`. */
  readonly server: string;
  /** PEM file of the CA that signed the server's certificate (the kubeconfig names it too). */
  readonly caFile: string;
  /** Bearer tokens of the two users. */
  readonly tokens: { readonly admin: string; readonly restricted: string };
  /** Path of the kubectl to use (the cached build, or one on PATH within one minor version). */
  readonly kubectl: string;
  /** A complete environment for child processes: private HOME (kubectl's cache), KUBECONFIG, kubectl first on PATH. */
  readonly env: Record<string, string>;
  /** kube-apiserver's and etcd's `--version` first lines. */
  readonly versions: { readonly apiserver: string; readonly etcd: string };
  /** How long startKube took, in milliseconds (binaries already built). */
  readonly startupMs: number;
  /** Runs kubectl with `env`; never throws on a non-zero exit (look at `code`). */
  kubectlRun(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Runs kubectl with `env` and returns stdout; throws with stderr on a non-zero exit. */
  kubectlOk(args: readonly string[], input?: string): Promise<string>;
  /** Kills kube-apiserver and etcd and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const ETCD_TIMEOUT_MS = 20_000;
const KUBECTL_TIMEOUT_MS = 60_000;
const BUILD_TIMEOUT_MS = 45 * 60_000;

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
  spawnError: Error | undefined;
}

// Everything started and not yet stopped, so an exit or a signal does not leave servers running.
const live = new Set<{ procs: Proc[]; root: string }>();
let exitHooked = false;

function killNow(): void {
  for (const c of live) {
    for (const p of c.procs) if (running(p)) p.child.kill('SIGKILL');
    rmSync(c.root, { recursive: true, force: true });
  }
  live.clear();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', killNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killNow();
      process.kill(process.pid, sig);
    });
  }
}

function running(p: Proc): boolean {
  return p.spawnError === undefined && p.child.exitCode === null && p.child.signalCode === null;
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** etcd from Debian's `etcd-server` package (installed with apt when root, else a clear error), or $KEYSPILL_ETCD. */
async function ensureEtcd(): Promise<string> {
  const override = process.env.KEYSPILL_ETCD;
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`KEYSPILL_ETCD=${override}: no such file`);
    return override;
  }
  const found = onPath('etcd', `${process.env.PATH ?? ''}${delimiter}/usr/bin`);
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'etcd is not installed: install the Debian package etcd-server (sudo apt-get install etcd-server)',
    );
  }
  process.stderr.write(
    'startKube: etcd is missing; installing the Debian package etcd-server with apt-get\n',
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execa('apt-get', ['install', '-y', '-q', 'etcd-server'], {
      env,
      reject: false,
      timeout: 10 * 60_000,
      stdin: 'ignore',
    });
  let r = await install();
  if (r.exitCode !== 0) {
    await execa('apt-get', ['update', '-q'], { env, reject: false, timeout: 10 * 60_000, stdin: 'ignore' });
    r = await install();
  }
  const etcd = onPath('etcd', `${process.env.PATH ?? ''}${delimiter}/usr/bin`);
  if (r.exitCode !== 0 || etcd === undefined) {
    throw new Error(
      `could not install the Debian package etcd-server (apt-get install etcd-server):\n${r.stderr}`,
    );
  }
  return etcd;
}

/** The cached kube-apiserver (and kubectl); runs scripts/kube-build.sh when they are missing. */
export async function ensureBinaries(): Promise<{ apiserver: string; kubectl: string }> {
  const printed = spawnSync('bash', [KUBE_BUILD_SCRIPT, '--print-dir'], { encoding: 'utf8' });
  const dir = printed.stdout.trim();
  if (printed.status !== 0 || dir === '')
    throw new Error(`${KUBE_BUILD_SCRIPT} --print-dir failed: ${printed.stderr}`);
  const cached = existsSync(join(dir, 'kube-apiserver'));
  if (!cached) {
    process.stderr.write(
      `startKube: kube-apiserver is not built yet; running scripts/kube-build.sh (10-15 minutes the first time)\n`,
    );
  }
  // A no-op when cached; otherwise it builds (and decides whether kubectl on PATH fits the server's version).
  const r = await execa('bash', [KUBE_BUILD_SCRIPT], {
    reject: false,
    timeout: BUILD_TIMEOUT_MS,
    stdin: 'ignore',
    stderr: cached ? 'pipe' : 'inherit',
  });
  if (r.exitCode !== 0)
    throw new Error(`scripts/kube-build.sh failed (exit ${r.exitCode}):\n${r.stderr ?? ''}`);
  const apiserver = join(dir, 'kube-apiserver');
  const own = join(dir, 'kubectl');
  const kubectl = existsSync(own) ? own : onPath('kubectl');
  if (kubectl === undefined) throw new Error(`no kubectl: expected ${own} from scripts/kube-build.sh`);
  return { apiserver, kubectl };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  srv.close();
  await once(srv, 'close');
  if (addr === null || typeof addr === 'string') throw new Error('could not read back an ephemeral port');
  return addr.port;
}

// setpriv (util-linux) makes the kernel SIGKILL the server when this process dies, even by SIGKILL.
const SETPRIV = onPath('setpriv', `${process.env.PATH ?? ''}${delimiter}/usr/bin`);

function startProc(name: string, cmd: string, args: readonly string[], log: string): Proc {
  const fd = openSync(log, 'a');
  try {
    const [file, argv] =
      SETPRIV === undefined ? [cmd, args] : [SETPRIV, ['--pdeathsig', 'KILL', '--', cmd, ...args]];
    const child = spawn(file, argv, { stdio: ['ignore', fd, fd] });
    const p: Proc = { name, child, log, spawnError: undefined };
    child.on('error', (err) => (p.spawnError = err));
    return p;
  } finally {
    closeSync(fd);
  }
}

// Unref'd: a pending race timer must not keep the test process alive after the servers stopped.
const sleep = (ms: number) => delay(ms, undefined, { ref: false });

/** Polls `ok` every 100 ms until it is true, the process exits, or `timeoutMs` passes (then throws with its log). */
async function waitFor(p: Proc, what: string, timeoutMs: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running(p)) {
      const how = p.spawnError?.message ?? `code ${p.child.exitCode}, signal ${p.child.signalCode}`;
      throw new Error(`${p.name} exited (${how}) before ${what}:\n${tail(p.log)}`);
    }
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${p.name}: no ${what} within ${timeoutMs} ms:\n${tail(p.log)}`);
    await sleep(100);
  }
}

async function terminate(p: Proc): Promise<void> {
  if (!running(p)) return;
  const exited = once(p.child, 'exit');
  p.child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!done && running(p)) {
    p.child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
}

/** GET over HTTPS; `ca` undefined means do not verify (only while waiting for the server's own certificate). */
function httpsGet(
  url: string,
  token: string,
  ca: string | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { authorization: `Bearer ${token}` },
        timeout: 5_000,
        ...(ca === undefined ? { rejectUnauthorized: false } : { ca }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

function firstLine(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
}

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 ephemeral ports in a temporary folder and writes a kubeconfig.
 * There is no controller manager or scheduler: Deployments make no Pods, Pods stay Pending, namespaces are created
 * by hand and never finish deleting. Call `stop()` in `after()`; an exit or a signal also kills both servers.
 */
export async function startKube(): Promise<KubeCluster> {
  const etcdBin = await ensureEtcd();
  const bins = await ensureBinaries();
  // A port is picked free, released, then bound by the server: another process may take it in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(etcdBin, bins);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('address already in use')) throw err;
    }
  }
}

async function startOnce(
  etcdBin: string,
  bins: { apiserver: string; kubectl: string },
): Promise<KubeCluster> {
  const t0 = performance.now();
  hookExit();
  const root = mkdtempSync(join(tmpdir(), 'keyspill-kube-'));
  const entry = { procs: [] as Proc[], root };
  live.add(entry);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of [...entry.procs].reverse()) await terminate(p);
    live.delete(entry);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const pki = join(root, 'pki');
    const home = join(root, 'home');
    mkdirSync(pki, { recursive: true });
    mkdirSync(home, { recursive: true });

    // etcd: client and peer on loopback ephemeral ports, data in the temporary folder.
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = startProc(
      'etcd',
      etcdBin,
      [
        '--name=keyspill',
        `--data-dir=${join(root, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=keyspill=${peerUrl}`,
        '--logger=zap',
        '--log-outputs=stderr',
        '--log-level=warn',
      ],
      join(root, 'etcd.log'),
    );
    entry.procs.push(etcd);

    // Keys and tokens while etcd starts.
    const sa = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(join(pki, 'sa.key'), sa.privateKey, { mode: 0o600 });
    writeFileSync(join(pki, 'sa.pub'), sa.publicKey);
    const tokens = { admin: randomBytes(24).toString('hex'), restricted: randomBytes(24).toString('hex') };
    writeFileSync(
      join(pki, 'tokens.csv'),
      `${tokens.admin},keyspill-admin,keyspill-admin,"system:masters"\n${tokens.restricted},${RESTRICTED_USER},${RESTRICTED_USER}\n`,
      { mode: 0o600 },
    );

    await waitFor(etcd, 'healthy /health', ETCD_TIMEOUT_MS, async () => {
      const r = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      return r.ok && ((await r.json()) as { health?: string }).health === 'true';
    });

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const certDir = join(root, 'certs');
    const apiserver = startProc(
      'kube-apiserver',
      bins.apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        '--endpoint-reconciler-type=none',
        `--cert-dir=${certDir}`,
        `--token-auth-file=${join(pki, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--disable-admission-plugins=ServiceAccount',
        `--service-account-key-file=${join(pki, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--profiling=false',
      ],
      join(root, 'kube-apiserver.log'),
    );
    entry.procs.push(apiserver);

    await waitFor(apiserver, 'ready /readyz', READY_TIMEOUT_MS, async () => {
      const r = await httpsGet(`${server}/readyz`, tokens.admin, undefined);
      return r.status === 200;
    });

    // --cert-dir makes a CA and a serving certificate for 127.0.0.1; apiserver.crt holds the leaf, then the CA.
    const blocks = readFileSync(join(certDir, 'apiserver.crt'), 'utf8').match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    );
    const ca = blocks?.at(-1);
    if (ca === undefined) throw new Error(`no certificate in ${join(certDir, 'apiserver.crt')}`);
    const caFile = join(pki, 'ca.crt');
    writeFileSync(caFile, `${ca}\n`);
    const verified = await httpsGet(`${server}/readyz`, tokens.admin, ca);
    if (verified.status !== 200)
      throw new Error(`/readyz with the CA answered ${verified.status}: ${verified.body}`);

    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'keyspill', cluster: { server, 'certificate-authority': caFile } }],
        users: [
          { name: 'keyspill-admin', user: { token: tokens.admin } },
          { name: RESTRICTED_USER, user: { token: tokens.restricted } },
        ],
        contexts: [
          {
            name: ADMIN_CONTEXT,
            context: { cluster: 'keyspill', user: 'keyspill-admin', namespace: 'default' },
          },
          {
            name: RESTRICTED_CONTEXT,
            context: { cluster: 'keyspill', user: RESTRICTED_USER, namespace: 'default' },
          },
        ],
        'current-context': ADMIN_CONTEXT,
      }),
      { mode: 0o600 },
    );

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      HOME: home,
      KUBECONFIG: kubeconfig,
      PATH: `${dirname(bins.kubectl)}${delimiter}${process.env.PATH ?? ''}`,
    });

    const kubectlRun = async (args: readonly string[], input?: string): Promise<KubectlResult> => {
      const r = await execa(bins.kubectl, args, {
        env,
        extendEnv: false,
        input: input ?? '',
        reject: false,
        timeout: KUBECTL_TIMEOUT_MS,
        stripFinalNewline: false,
      });
      const timedOut = r.timedOut ? `\n(kubectl timed out after ${KUBECTL_TIMEOUT_MS} ms)` : '';
      return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: `${r.stderr}${timedOut}` };
    };
    const kubectlOk = async (args: readonly string[], input?: string): Promise<string> => {
      const r = await kubectlRun(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
      return r.stdout;
    };

    // The restricted user: read everything keyspill reads except secrets.
    await kubectlOk(
      ['apply', '-f', '-'],
      stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: RESTRICTED_USER },
            rules: RESTRICTED_RULES,
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: RESTRICTED_USER },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: RESTRICTED_USER },
            subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: RESTRICTED_USER }],
          },
        ],
      }),
    );

    const versions = {
      apiserver: firstLine(bins.apiserver, ['--version']),
      etcd: firstLine(etcdBin, ['--version']),
    };
    return {
      kubeconfig,
      server,
      caFile,
      tokens,
      kubectl: bins.kubectl,
      env,
      versions,
      startupMs: Math.round(performance.now() - t0),
      kubectlRun,
      kubectlOk,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
