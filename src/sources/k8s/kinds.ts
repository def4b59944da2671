// The kinds `scan k8s --live` lists, their API paths, and the names `--kinds` accepts for them.
import { ConfigError } from '../../errors.ts';

export interface LiveKind {
  readonly kind: string;
  /** The resource name in API paths and RBAC (`configmaps`). */
  readonly resource: string;
  readonly group: string;
  readonly version: string;
  /** Other names accepted by --kinds (kubectl's short names and singulars). */
  readonly aliases: readonly string[];
}

/** In listing order: where credentials most often are first. */
export const LIVE_KINDS: readonly LiveKind[] = [
  { kind: 'ConfigMap', resource: 'configmaps', group: '', version: 'v1', aliases: ['cm', 'configmap'] },
  { kind: 'Secret', resource: 'secrets', group: '', version: 'v1', aliases: ['secret'] },
  { kind: 'Pod', resource: 'pods', group: '', version: 'v1', aliases: ['po', 'pod'] },
  {
    kind: 'Deployment',
    resource: 'deployments',
    group: 'apps',
    version: 'v1',
    aliases: ['deploy', 'deployment'],
  },
  {
    kind: 'StatefulSet',
    resource: 'statefulsets',
    group: 'apps',
    version: 'v1',
    aliases: ['sts', 'statefulset'],
  },
  { kind: 'DaemonSet', resource: 'daemonsets', group: 'apps', version: 'v1', aliases: ['ds', 'daemonset'] },
  {
    kind: 'ReplicaSet',
    resource: 'replicasets',
    group: 'apps',
    version: 'v1',
    aliases: ['rs', 'replicaset'],
  },
  { kind: 'Job', resource: 'jobs', group: 'batch', version: 'v1', aliases: ['job'] },
  { kind: 'CronJob', resource: 'cronjobs', group: 'batch', version: 'v1', aliases: ['cj', 'cronjob'] },
];

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(k: LiveKind): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}

/** The list path of a kind, in every namespace or in one; query parameters added by the caller. */
export function listPath(k: LiveKind, namespace: string | undefined): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${ns}/${k.resource}`;
}

/** The kinds named by --kinds values (each may hold a comma-separated list); all of them when none is given. */
export function selectKinds(names: readonly string[] | undefined): LiveKind[] {
  if (names === undefined || names.length === 0) return [...LIVE_KINDS];
  const wanted = names
    .flatMap((n) => n.split(','))
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  const out: LiveKind[] = [];
  for (const name of wanted) {
    const k = LIVE_KINDS.find(
      (x) => x.resource === name || x.kind.toLowerCase() === name || x.aliases.includes(name),
    );
    if (k === undefined) {
      throw new ConfigError(
        `--kinds: unknown kind "${name}"`,
        `use some of: ${LIVE_KINDS.map((x) => x.resource).join(', ')} (or their short names: cm, deploy, sts, ds, rs, cj)`,
      );
    }
    if (!out.includes(k)) out.push(k);
  }
  return out;
}
