// `keyspill scan k8s [PATH…|-]`: Kubernetes manifests (files, folders, stdin) or, with --live, a cluster via kubectl.
import { Args, Flags } from '@oclif/core';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ScanCommand } from '../../cli/scan-command.ts';
import { scanFlags } from '../../cli/scan-flags.ts';
import { ConfigError } from '../../errors.ts';
import type { Json } from '../../report/json.ts';

const LIVE_ONLY = [
  'context',
  'kubeconfig',
  'namespace',
  'all-namespaces',
  'kinds',
  'chunk-size',
  'request-timeout',
];

/** `30s`, `2m`, `1500ms`, `1h` or plain seconds → milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = m === null ? NaN : Number(m[1]) * unit[(m[2] ?? 's') as keyof typeof unit];
  if (!Number.isFinite(ms) || ms <= 0)
    throw new ConfigError(
      `${flag}: "${value}" is not a duration`,
      `write it like kubectl does: 30s, 2m, 1500ms`,
    );
  return ms;
}

export default class ScanK8s extends ScanCommand {
  static override summary = 'Scan Kubernetes manifests, or a live cluster, for leaked secrets.';
  static override description = [
    'Reads YAML and JSON manifests (multi-document streams, List kinds, `kubectl get -o json|yaml` output, Helm and kustomize output) from files, from folders (only *.yaml, *.yml and *.json files, honouring .gitignore) or from standard input ("-"), and takes each object apart: ConfigMap data and binaryData, Secret data (base64-decoded) and stringData, literal env values, args and command of every container of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs, annotations and labels, the kubectl last-applied-configuration annotation (parsed, Secret data decoded) and docker registry credentials. Other kinds are scanned whole; what is not a Kubernetes object is scanned as text. Findings name the namespace, kind, name and field, with the line in the file.',
    'Three findings only a Kubernetes-aware scan gives: a credential in a ConfigMap (k8s-configmap-credential), a Secret manifest with real data (k8s-secret-manifest; `scan dir` and `scan git` report it too) and a Secret value copied in clear into last-applied-configuration (k8s-secret-last-applied).',
    '--live reads the cluster through kubectl (your kubeconfig, contexts, exec credential plugins and proxies), one page of --chunk-size objects at a time, every request bounded by --request-timeout. Kinds that RBAC refuses are named in the summary and make the scan incomplete; what was readable is still scanned. Nothing read from the cluster is written to disk, and secrets are redacted unless --show-secrets.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> scan k8s deploy/',
    '<%= config.bin %> scan k8s k8s/base/secret.yaml k8s/overlays/prod/',
    'helm template my-release ./chart | <%= config.bin %> scan k8s -',
    'kustomize build overlays/prod | <%= config.bin %> scan k8s - --format sarif --output k8s.sarif',
    'kubectl get configmaps,secrets -A -o json | <%= config.bin %> scan k8s -',
    '<%= config.bin %> scan k8s --live',
    '<%= config.bin %> scan k8s --live --context prod -n payments -n billing --kinds configmaps,secrets',
  ];
  static override strict = false;
  static override args = {
    path: Args.string({
      description:
        'Manifest files or folders to scan; "-" reads standard input (default: the current folder).',
      required: false,
    }),
  };
  static override flags = {
    ...scanFlags,
    live: Flags.boolean({
      summary: 'Scan the live cluster through kubectl instead of manifests.',
      default: false,
    }),
    context: Flags.string({
      summary: 'kubeconfig context to scan (default: the current context).',
      helpValue: 'NAME',
    }),
    kubeconfig: Flags.string({
      summary: 'kubeconfig file for kubectl (default: KUBECONFIG, then ~/.kube/config).',
      helpValue: 'FILE',
    }),
    namespace: Flags.string({
      char: 'n',
      summary: 'Scan only this namespace (repeatable).',
      multiple: true,
      helpValue: 'NAME',
      exclusive: ['all-namespaces'],
    }),
    'all-namespaces': Flags.boolean({
      char: 'A',
      summary: 'Scan every namespace (the default without --namespace).',
      default: false,
      exclusive: ['namespace'],
    }),
    kinds: Flags.string({
      summary:
        'Only these kinds, comma-separated or repeated (default: configmaps, secrets, pods, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs).',
      multiple: true,
      helpValue: 'KINDS',
    }),
    'chunk-size': Flags.integer({
      summary: 'Objects per page when listing (the API limit, as kubectl --chunk-size).',
      default: 500,
      min: 1,
      max: 100_000,
    }),
    'request-timeout': Flags.string({
      summary: 'Give up on an API request after this long (30s, 2m); the kind is then reported incomplete.',
      default: '60s',
      helpValue: 'DURATION',
    }),
    ignore: Flags.boolean({
      summary: 'Honour .gitignore files when walking folders (--no-ignore reads every manifest).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<Json> {
    const { argv, flags, raw } = await this.parse(ScanK8s);
    const paths = argv as string[];
    const cwd = process.cwd();
    const given = new Set(raw.filter((r) => r.type === 'flag').map((r) => (r as { flag: string }).flag));

    if (flags.live) {
      if (paths.length > 0)
        throw new ConfigError(
          '--live scans the cluster, not the paths given',
          'scan manifests and the cluster in two runs',
        );
      const requestTimeoutMs = parseDuration('--request-timeout', flags['request-timeout']);
      const [{ openCluster }, { selectKinds }] = await Promise.all([
        import('../../sources/k8s/cluster-source.ts'),
        import('../../sources/k8s/kinds.ts'),
      ]);
      const kinds = selectKinds(flags.kinds);
      return this.scanWith(flags, cwd, (policy) =>
        openCluster({
          kubeconfig: flags.kubeconfig === undefined ? undefined : resolve(cwd, flags.kubeconfig),
          context: flags.context,
          namespaces: flags.namespace,
          kinds,
          chunkSize: flags['chunk-size'],
          requestTimeoutMs,
          policy,
        }),
      );
    }

    const misplaced = LIVE_ONLY.filter((f) => given.has(f));
    if (misplaced.length > 0)
      throw new ConfigError(
        `--${misplaced[0]!} applies to --live scans only`,
        'add --live to scan the cluster, or drop the flag to scan manifests',
      );
    const { manifestSource, MANIFEST_FILE } = await import('../../sources/k8s/manifest-source.ts');
    if (paths.includes('-')) {
      if (paths.length > 1)
        throw new ConfigError(
          '"-" (stdin) cannot be combined with other paths',
          'scan stdin and the paths in two runs',
        );
      this.assertStdinIsPiped();
      const { stdinSource } = await import('../../sources/stdin.ts');
      return this.scanWith(flags, cwd, (policy) =>
        manifestSource({ inner: stdinSource({ stream: process.stdin, name: '-', policy }), policy }),
      );
    }
    const targets = paths.length > 0 ? paths : ['.'];
    const only = targets.length === 1 ? targets[0]! : undefined;
    const root = only !== undefined && isDir(resolve(cwd, only)) ? resolve(cwd, only) : cwd;
    const { dirSource } = await import('../../sources/dir.ts');
    return this.scanWith(flags, root, (policy) =>
      manifestSource({
        inner: dirSource({
          paths: targets,
          cwd,
          useGitignore: flags.ignore,
          policy,
          accept: (name) => MANIFEST_FILE.test(name),
        }),
        policy,
      }),
    );
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
