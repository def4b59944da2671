// Live cluster source: each kind listed through kubectl one page at a time (limit + continue), so memory is bounded
// by a page whatever the cluster's size; RBAC refusals, timeouts and expired continue tokens become clear notes.
import { RemoteError } from '../../errors.ts';
import type { K8sSource } from '../../model/provenance.ts';
import type { ContentPolicy } from '../content.ts';
import type { Source, SourceEvent } from '../types.ts';
import { createK8sCollector } from './collector.ts';
import { apiVersionOf, listPath, type LiveKind } from './kinds.ts';
import { clusterInfo, getRaw, type ClusterInfo, type KubectlOptions, type RawResult } from './kubectl.ts';

export interface ClusterSourceOptions {
  readonly kubeconfig: string | undefined;
  /** The kubeconfig context (default: its current context). */
  readonly context: string | undefined;
  /** Namespaces to list; undefined lists every namespace. */
  readonly namespaces: readonly string[] | undefined;
  readonly kinds: readonly LiveKind[];
  /** Objects per page (the API's `limit`, kubectl's --chunk-size). */
  readonly chunkSize: number;
  /** Bound of each API request. */
  readonly requestTimeoutMs: number;
  readonly policy: ContentPolicy;
  /** Environment added for kubectl (tests point HOME and KUBECONFIG somewhere private). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Bound of one page's JSON (default 64 MiB); a bigger page is asked for again with half the chunk size. */
  readonly maxPageBytes?: number | undefined;
}

const MAX_RESTARTS = 3;
const DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;

type Obj = Record<string, unknown>;

interface ListPage {
  readonly items: Obj[];
  readonly next: string | undefined;
}

function parsePage(body: string): ListPage | undefined {
  try {
    const list = JSON.parse(body) as { items?: unknown; metadata?: { continue?: unknown } };
    if (!Array.isArray(list.items)) return undefined;
    const next = list.metadata?.continue;
    return {
      items: list.items.filter((i): i is Obj => typeof i === 'object' && i !== null),
      next: typeof next === 'string' && next !== '' ? next : undefined,
    };
  } catch {
    return undefined;
  }
}

/** The identity the API server named in a refusal (`User "x" cannot list …`), if it did. */
function serverUser(message: string): string | undefined {
  return /User "([^"]+)"/.exec(message)?.[1];
}

function remoteError(info: ClusterInfo, r: Extract<RawResult, { ok: false }>): RemoteError {
  const who = `user "${info.user}" (context "${info.context}", ${info.server})`;
  return new RemoteError(
    { endpoint: `${info.server} (context ${info.context})`, principal: info.user },
    r.kind === 'unauthorized'
      ? `the API server of context "${info.context}" rejected the credentials of ${who}: ${r.message}`
      : `cannot reach the API server of context "${info.context}" (${info.server}): ${r.message}`,
    r.kind === 'unauthorized'
      ? `refresh the credentials (kubectl --context ${info.context} get namespaces should work), then scan again`
      : `check that the cluster is up and reachable (VPN, proxy), and that kubectl --context ${info.context} get namespaces works`,
  );
}

/**
 * Reads the kubeconfig and asks the API server its version (as the scan's user, through any credential plugin),
 * then returns the source. What fails here fails the command before anything is scanned, with what to do: a
 * missing kubectl, an unknown context, an unreachable server, rejected credentials.
 */
export async function openCluster(o: ClusterSourceOptions): Promise<Source> {
  const ko: KubectlOptions = {
    kubeconfig: o.kubeconfig,
    context: o.context,
    requestTimeoutMs: o.requestTimeoutMs,
    env: o.env,
    signal: new AbortController().signal,
  };
  const info = await clusterInfo(ko);
  const probe = await getRaw({ ...ko, context: info.context }, '/version', 1024 * 1024);
  if (
    !probe.ok &&
    (probe.kind === 'unreachable' || probe.kind === 'unauthorized' || probe.kind === 'timeout')
  )
    throw remoteError(info, probe);
  return clusterSource(o, info);
}

/** The source for a cluster whose kubeconfig was read (`openCluster`). */
export function clusterSource(o: ClusterSourceOptions, info: ClusterInfo): Source {
  const collector = createK8sCollector();
  const maxPageBytes = o.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
  const seconds = Math.max(1, Math.ceil(o.requestTimeoutMs / 1000));

  return {
    name: 'k8s',
    targets: [info.context],

    async *events(signal) {
      // Pin the context: the kubeconfig's current context may change while we list.
      const ko: KubectlOptions = {
        kubeconfig: o.kubeconfig,
        context: info.context,
        requestTimeoutMs: o.requestTimeoutMs,
        env: o.env,
        signal,
      };
      const source: K8sSource = {
        type: 'cluster',
        context: info.context,
        server: info.server,
        user: info.user,
      };
      const who = `user "${info.user}" (context "${info.context}", ${info.server})`;
      const note = (text: string, incomplete = true): SourceEvent => ({
        type: 'note',
        note: text,
        incomplete,
      });
      // openCluster reached the server; a failure to reach it later stops the listing with a note.
      let reached = true;
      const unreachable = (r: Extract<RawResult, { ok: false }>): RemoteError => remoteError(info, r);

      let namespaces = o.namespaces === undefined ? [undefined] : [...o.namespaces];
      if (o.namespaces !== undefined) {
        const kept: string[] = [];
        for (const ns of o.namespaces) {
          const r = await getRaw(ko, `/api/v1/namespaces/${encodeURIComponent(ns)}`, 1024 * 1024);
          if (r.ok) reached = true;
          else if (r.kind === 'unauthorized' || (r.kind === 'unreachable' && !reached)) throw unreachable(r);
          else if (r.kind === 'not-found') {
            yield note(`namespace "${ns}" does not exist in context "${info.context}": nothing listed there`);
            continue;
          } else reached ||= r.kind === 'forbidden';
          kept.push(ns);
        }
        namespaces = kept;
      }

      /** Lists one kind in one scope; returns false when the cluster is gone (stop listing). */
      async function* listKind(k: LiveKind, ns: string | undefined): AsyncGenerator<SourceEvent, boolean> {
        const where = ns === undefined ? 'in all namespaces' : `in namespace "${ns}"`;
        const what = `${k.resource} ${where}`;
        const seen = new Set<string>();
        let limit = o.chunkSize;
        let restarts = 0;
        let token: string | undefined;
        let page = 0;
        let listed = 0;
        const fetchPage = (tok: string | undefined, lim: number): Promise<RawResult> => {
          const query = new URLSearchParams();
          if (lim > 0) query.set('limit', String(lim));
          if (tok !== undefined) query.set('continue', tok);
          const q = query.toString();
          const p = getRaw(ko, `${listPath(k, ns)}${q === '' ? '' : `?${q}`}`, maxPageBytes);
          p.catch(() => undefined); // awaited below; never an unhandled rejection if the scan stops first
          return p;
        };
        let pending: Promise<RawResult> | undefined = fetchPage(undefined, limit);
        while (pending !== undefined) {
          const r: RawResult = await pending;
          pending = undefined;
          page++;
          if (!r.ok) {
            switch (r.kind) {
              case 'expired':
                if (restarts < MAX_RESTARTS) {
                  restarts++;
                  yield note(
                    `listing ${what}: the continue token expired (410 Gone) at page ${page}; listed again from the start, objects already scanned skipped`,
                    false,
                  );
                  token = undefined;
                  page = 0;
                  listed = 0;
                  pending = fetchPage(undefined, limit);
                  continue;
                }
                yield note(
                  `listing ${what}: the continue token kept expiring (410 Gone); the list is incomplete`,
                );
                return true;
              case 'too-large':
                if (limit > 1) {
                  limit = Math.max(1, Math.floor(limit / 2));
                  page--;
                  pending = fetchPage(token, limit);
                  continue;
                }
                yield note(
                  `listing ${what}: the object after the first ${listed} is larger than ${maxPageBytes} bytes as JSON; it and the rest of the list were not scanned`,
                );
                return true;
              case 'forbidden':
                reached = true;
                yield note(
                  `RBAC: ${who}${serverUser(r.message) === undefined ? '' : `, seen by the server as "${serverUser(r.message)!}",`} may not list ${what}, so they were not scanned (${r.message})`,
                );
                return true;
              case 'unauthorized':
                throw unreachable(r);
              case 'unreachable':
                if (!reached) throw unreachable(r);
                yield note(
                  `listing ${what}: the API server of context "${info.context}" became unreachable (${r.message}); listing stopped`,
                );
                return false;
              case 'timeout':
                yield note(
                  `listing ${what}: page ${page} did not arrive within ${seconds} s (--request-timeout); the rest of the list was not scanned (${r.message})`,
                );
                return true;
              case 'not-found':
                reached = true;
                yield note(
                  `${k.resource} (${apiVersionOf(k)}) is not served by context "${info.context}"`,
                  false,
                );
                return true;
              default:
                reached = true;
                yield note(`listing ${what} failed at page ${page}: ${r.message}`);
                return true;
            }
          }
          reached = true;
          const list = parsePage(r.body);
          if (list === undefined) {
            yield note(
              `listing ${what}: page ${page} is not a Kubernetes list (kubectl printed something else)`,
            );
            return true;
          }
          token = list.next;
          if (token !== undefined) pending = fetchPage(token, limit);
          for (const item of list.items) {
            if (signal.aborted) return false;
            listed++;
            const meta = (item['metadata'] ?? {}) as Obj;
            const uid = typeof meta['uid'] === 'string' ? meta['uid'] : undefined;
            if (uid !== undefined) {
              if (seen.has(uid)) continue;
              seen.add(uid);
            }
            const obj: Obj = { kind: k.kind, apiVersion: apiVersionOf(k), ...item };
            const name = typeof meta['name'] === 'string' ? meta['name'] : '';
            const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
            const path = `${info.context}/${namespace}/${k.kind}/${name}`;
            yield* collector.object({ obj, source, path }, o.policy);
          }
        }
        return true;
      }

      outer: for (const k of o.kinds) {
        for (const ns of namespaces) {
          if (signal.aborted) return;
          const go: boolean = yield* listKind(k, ns);
          if (!go) break outer;
        }
      }
    },

    resolve: async (matches) => collector.resolve(matches),
  };
}

export type { ClusterInfo };
