// Smoke test of the Kubernetes harness: a real kube-apiserver, kubectl apply, chunked lists and a user denied secrets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTED_CONTEXT, startKube, type KubeCluster } from '../helpers/kube.ts';

const NS = 'keyspill-smoke';
const PASSWORD = 'hunter2-not-a-real-password';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config, namespace: ${NS} }
data: { LOG_LEVEL: debug, DATABASE_HOST: db.internal }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: extra-config, namespace: ${NS} }
data: { A: "1" }
---
apiVersion: v1
kind: Secret
metadata: { name: app-secret, namespace: ${NS} }
type: Opaque
stringData: { password: ${PASSWORD} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: registry.invalid/web:1
          env: [{ name: API_TOKEN, value: plain-env-value }]
`;

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

let kube: KubeCluster | undefined;
const cluster = (): KubeCluster => {
  assert.ok(kube, 'the cluster started in before()');
  return kube;
};

before(
  async () => {
    kube = await startKube();
  },
  { timeout: 50 * 60_000 }, // builds kube-apiserver first when scripts/kube-build.sh has not run
);
after(() => kube?.stop());

test('the harness starts kube-apiserver and applies a namespace, configmaps, a secret and a deployment', async (t) => {
  const k = cluster();
  t.diagnostic(`startup ${k.startupMs} ms; ${k.versions.apiserver}; ${k.versions.etcd}`);
  assert.match(k.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  const out = await k.kubectlOk(['apply', '-f', '-'], MANIFESTS);
  for (const line of [
    `namespace/${NS} created`,
    'configmap/app-config created',
    'secret/app-secret created',
    'deployment.apps/web created',
  ]) {
    assert.ok(out.includes(line), `${line} in:\n${out}`);
  }
});

test('a chunked list of configmaps and secrets returns them, the secret with its last-applied annotation', async () => {
  const k = cluster();
  const r = await k.kubectlRun(['get', 'configmaps,secrets', '-A', '-o', 'json', '--chunk-size=2', '-v=6']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /limit=2&continue=|continue=[^&\s]+&limit=2/, 'kubectl paged with a continue token');
  const items = (JSON.parse(r.stdout) as { items: Obj[] }).items;
  const find = (kind: string, name: string) => items.find((o) => o.kind === kind && o.metadata.name === name);
  const cm = find('ConfigMap', 'app-config');
  assert.equal(cm?.metadata.namespace, NS);
  assert.deepEqual(cm?.data, { DATABASE_HOST: 'db.internal', LOG_LEVEL: 'debug' });
  assert.ok(find('ConfigMap', 'extra-config'));
  const secret = find('Secret', 'app-secret');
  assert.equal(secret?.metadata.namespace, NS);
  assert.equal(Buffer.from(secret?.data?.password ?? '', 'base64').toString(), PASSWORD);
  const applied = secret?.metadata.annotations?.[LAST_APPLIED];
  assert.ok(applied, 'the secret carries the last-applied annotation');
  assert.equal((JSON.parse(applied) as { stringData: { password: string } }).stringData.password, PASSWORD);

  const deploy = JSON.parse(await k.kubectlOk(['get', 'deployment', 'web', '-n', NS, '-o', 'json'])) as {
    spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
  };
  assert.deepEqual(deploy.spec.template.spec.containers[0]?.env, [
    { name: 'API_TOKEN', value: 'plain-env-value' },
  ]);
});

test('the restricted context is forbidden secrets but lists configmaps', async () => {
  const k = cluster();
  const denied = await k.kubectlRun(['--context', RESTRICTED_CONTEXT, 'get', 'secrets', '-A', '-o', 'json']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Forbidden/);
  assert.match(denied.stderr, /secrets/);
  const allowed = await k.kubectlOk([
    '--context',
    RESTRICTED_CONTEXT,
    'get',
    'configmaps',
    '-A',
    '-o',
    'name',
  ]);
  assert.match(allowed, /^configmap\/app-config$/m);
});
