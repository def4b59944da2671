// kubectl, the cluster client: it brings the user's kubeconfig, contexts, exec credential plugins and proxies.
import { ConfigError, ScanError } from '../../errors.ts';
import { runTool } from '../../exec/tool.ts';

export const KUBECTL_INSTALL =
  'install kubectl (https://kubernetes.io/docs/tasks/tools/) and put it on PATH, or scan manifests instead: kubectl get … -o json | keyspill scan k8s -';

export interface KubectlOptions {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  /** Bound of each API request (kubectl --request-timeout); the process itself gets 10 s more. */
  readonly requestTimeoutMs: number;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly signal: AbortSignal;
}

/** Who and where: the context, its API server and its kubeconfig user. */
export interface ClusterInfo {
  readonly context: string;
  readonly server: string;
  readonly user: string;
}

/** Why a kubectl call failed, from its message. */
export type FailureKind =
  'forbidden' | 'expired' | 'unauthorized' | 'unreachable' | 'timeout' | 'not-found' | 'too-large' | 'other';

export type RawResult =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly kind: FailureKind; readonly message: string };

function globalArgs(o: KubectlOptions): string[] {
  return [
    ...(o.kubeconfig === undefined ? [] : ['--kubeconfig', o.kubeconfig]),
    ...(o.context === undefined ? [] : ['--context', o.context]),
  ];
}

/** The last line kubectl wrote that says something (its error), without the klog prefix. */
export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^[EWI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] /, '').trim())
    .filter((l) => l !== '');
  return lines.find((l) => /^(?:error|Error from server|Unable to connect)/.test(l)) ?? lines.at(-1) ?? '';
}

export function classify(message: string): FailureKind {
  if (/\(Forbidden\)|\bis forbidden\b/.test(message)) return 'forbidden';
  if (/\(Expired\)|\(Gone\)|continue parameter is too old|\b410\b/.test(message)) return 'expired';
  if (/\(Unauthorized\)|must be logged in|\bUnauthorized\b/.test(message)) return 'unauthorized';
  // kubectl says "Unable to connect to the server" for any transport error: a slow answer is a timeout, a
  // connection that cannot be made (refused, no route, bad certificate) is an unreachable server.
  const dial =
    /dial tcp|no such host|connection refused|was refused|x509:|tls:|certificate|proxyconnect/.test(message);
  if (!dial && /deadline exceeded|Client\.Timeout|timed out|timeout|Timeout|request canceled/.test(message))
    return 'timeout';
  if (dial || /Unable to connect to the server/.test(message)) return 'unreachable';
  if (/\(NotFound\)|could not find the requested resource/.test(message)) return 'not-found';
  return 'other';
}

/** The context, server and user kubectl would use (no request to the cluster). */
export async function clusterInfo(o: KubectlOptions): Promise<ClusterInfo> {
  const r = await runTool({
    command: 'kubectl',
    args: [...globalArgs(o), 'config', 'view', '--minify', '-o', 'json'],
    install: KUBECTL_INSTALL,
    env: o.env,
    timeoutMs: 30_000,
    signal: o.signal,
  });
  if (r.exitCode !== 0) {
    const line = errorLine(r.stderr);
    if (o.context !== undefined && /context/.test(line))
      throw new ConfigError(
        `--context ${o.context}: no such context in the kubeconfig (kubectl: ${line})`,
        'kubectl config get-contexts lists the contexts',
      );
    if (/current-context/.test(line))
      throw new ConfigError(
        'the kubeconfig has no current context',
        'pass --context NAME, or run kubectl config use-context NAME',
      );
    throw new ConfigError(
      `kubectl could not read the kubeconfig: ${line}`,
      'check KUBECONFIG or --kubeconfig',
    );
  }
  let config: {
    'current-context'?: string;
    contexts?: { name?: string; context?: { user?: string } }[];
    clusters?: { cluster?: { server?: string } }[];
  };
  try {
    config = JSON.parse(r.stdout) as typeof config;
  } catch (e) {
    throw new ScanError('kubectl config view printed something that is not JSON', undefined, { cause: e });
  }
  const ctx = config.contexts?.[0];
  return {
    context: ctx?.name ?? config['current-context'] ?? o.context ?? '',
    server: config.clusters?.[0]?.cluster?.server ?? '',
    user: ctx?.context?.user ?? '',
  };
}

/**
 * `kubectl get --raw PATH`: one API request, bounded in time (--request-timeout, and the process) and in size.
 * Failures come back classified; only a missing kubectl or an interrupt throws.
 */
export async function getRaw(o: KubectlOptions, path: string, maxBytes: number): Promise<RawResult> {
  const seconds = Math.max(1, Math.ceil(o.requestTimeoutMs / 1000));
  try {
    const r = await runTool({
      command: 'kubectl',
      args: [...globalArgs(o), `--request-timeout=${seconds}s`, 'get', '--raw', path],
      install: KUBECTL_INSTALL,
      env: o.env,
      timeoutMs: o.requestTimeoutMs + 10_000,
      maxBuffer: maxBytes,
      signal: o.signal,
    });
    if (r.exitCode === 0) return { ok: true, body: r.stdout };
    const message = errorLine(r.stderr) || `kubectl exited with ${r.exitCode}`;
    return { ok: false, kind: classify(message), message };
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    const cause = e.cause as { isMaxBuffer?: boolean; timedOut?: boolean } | undefined;
    if (cause?.isMaxBuffer === true)
      return { ok: false, kind: 'too-large', message: `the answer exceeded ${maxBytes} bytes` };
    return { ok: false, kind: cause?.timedOut === true ? 'timeout' : 'other', message: e.message };
  }
}
