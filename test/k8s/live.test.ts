// `keyspill scan k8s --live` against a real kube-apiserver (etcd + RBAC on 127.0.0.1) through the real kubectl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.ts';
import {
  ADMIN_CONTEXT,
  RESTRICTED_CONTEXT,
  RESTRICTED_USER,
  startKube,
  type KubeCluster,
} from '../helpers/kube.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const S = {
  aws: 'AKIAQYLPMN5HFIQR7XYA',
  github: 'ghp_4Rk9mQ2xT7vB1nL8pZ3yW6cF0dH5jE9sA2uK',
  stripe: 'sk_live_51HxQ2aKj7Lm3Np9Qr5St1Uv7Wx3Yz5Ab7Cd9Ef1Gh3Ij',
  slackBot: 'xoxb-2384575912-9182736450123-AbCdEfGhIjKlMnOpQrStUvWx',
  appliedPassword: 'Qm7-only-in-apply-9xZ',
  createdPassword: 'Vt4-created-not-applied-2kL',
  registryPassword: 'Vx8kq2LmPz7wQn4R',
};
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: billing}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config, namespace: shop}
data:
  LOG_LEVEL: debug
  AWS_ACCESS_KEY_ID: ${S.aws}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: billing-config, namespace: billing}
data:
  SLACK_TOKEN: ${S.slackBot}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
type: Opaque
stringData:
  password: ${S.appliedPassword}
---
apiVersion: v1
kind: Secret
metadata: {name: github, namespace: shop}
type: Opaque
stringData:
  GITHUB_TOKEN: ${S.github}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
    - name: api
      image: registry.invalid/api:1
      env:
        - {name: STRIPE_KEY, value: ${S.stripe}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: billing}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: registry.invalid/report:1
              args: ["--notify=https://slack.invalid", "--token=${S.slackBot}"]
`;

interface Loc {
  path: string;
  line: number;
  column: number;
  decodedFrom: string[];
  provenance: {
    kind: string;
    source: { type: string; context: string; server: string; user: string };
    namespace: string;
    objectKind: string;
    name: string;
    field: string;
    created: string | null;
  };
}
interface Report {
  findings: {
    fingerprint: string;
    ruleId: string;
    kind: string;
    severity: string;
    redacted: string;
    locations: Loc[];
  }[];
  summary: { incomplete: boolean; notes: string[]; source: string; targets: string[] };
}

let kube: KubeCluster | undefined;
const cluster = (): KubeCluster => {
  assert.ok(kube, 'the cluster started in before()');
  return kube;
};

before(
  async () => {
    kube = await startKube();
    await kube.kubectlOk(['apply', '-f', '-'], MANIFESTS);
    // Created, not applied: no last-applied annotation.
    await kube.kubectlOk([
      'create',
      'secret',
      'generic',
      'created',
      '-n',
      'shop',
      `--from-literal=password=${S.createdPassword}`,
    ]);
    await kube.kubectlOk([
      'create',
      'secret',
      'docker-registry',
      'pull',
      '-n',
      'shop',
      '--docker-server=registry.acme.io',
      '--docker-username=ci-bot',
      `--docker-password=${S.registryPassword}`,
    ]);
  },
  { timeout: 50 * 60_000 },
);
after(() => kube?.stop());

/** Runs keyspill with the cluster's environment, HOME and TMPDIR private, so we can check nothing is written. */
function live(args: string[], env: Record<string, string> = {}): { r: CliResult; home: string; tmp: string } {
  const k = cluster();
  const home = tempDir('keyspill-home-');
  const tmp = tempDir('keyspill-tmp-');
  const r = runCli(['scan', 'k8s', '--live', ...args], {
    cwd: tmp,
    env: { ...k.env, HOME: home, TMPDIR: tmp, ...env },
  });
  return { r, home, tmp };
}

function report(r: CliResult): Report {
  assert.ok(r.stdout.startsWith('{'), `a JSON report; exit ${r.code}; stderr:\n${r.stderr}`);
  const rep = JSON.parse(r.stdout) as Report;
  assertValidReport(rep);
  return rep;
}

const where = (l: Loc): string =>
  `${l.provenance.namespace}/${l.provenance.objectKind}/${l.provenance.name} ${l.provenance.field}`;

test('admin context: ConfigMap credential, last-applied Secret, env and args, registry credential; nothing on disk', () => {
  const { r, home, tmp } = live(['--format', 'json', '--chunk-size', '2']);
  assert.equal(r.code, 1, r.stderr);
  const rep = report(r);
  assert.equal(rep.summary.incomplete, false, rep.summary.notes.join('\n'));
  const got = rep.findings
    .map((f) => `${f.ruleId} ${f.kind}: ${f.locations.map(where).sort().join(' | ')}`)
    .sort();
  const la = `metadata.annotations[${LAST_APPLIED}]`;
  assert.deepEqual(
    got,
    [
      // A ConfigMap credential: its own rule, in the data and in the copy kubectl apply made.
      `k8s-configmap-credential aws-access-key: shop/ConfigMap/shop-config data[AWS_ACCESS_KEY_ID] | shop/ConfigMap/shop-config ${la}.data[AWS_ACCESS_KEY_ID]`,
      `k8s-configmap-credential slack-token: billing/ConfigMap/billing-config data[SLACK_TOKEN] | billing/ConfigMap/billing-config ${la}.data[SLACK_TOKEN]`,
      // A Secret's value in last-applied-configuration: its own finding (with the credential's kind when a rule knows it).
      `k8s-secret-last-applied github-token: shop/Secret/github ${la}.stringData[GITHUB_TOKEN]`,
      `k8s-secret-last-applied generic-password: shop/Secret/db ${la}.stringData[password]`,
      // Patterns in live objects: the Secret's own data (decoded), a literal env value, args, a registry credential.
      'docker-config-auth docker-registry-credential: shop/Secret/pull data[.dockerconfigjson].auths[registry.acme.io]',
      'generic-password generic-password: shop/Secret/created data[password]',
      'generic-password generic-password: shop/Secret/db data[password]',
      'github-pat github-token: shop/Secret/github data[GITHUB_TOKEN]',
      `slack-bot-token slack-token: billing/CronJob/report ${la}.spec.jobTemplate.spec.template.spec.containers[report].args[1] | billing/CronJob/report spec.jobTemplate.spec.template.spec.containers[report].args[1]`,
      `stripe-live-secret-key stripe-key: shop/Pod/api ${la}.spec.containers[api].env[STRIPE_KEY] | shop/Pod/api spec.containers[api].env[STRIPE_KEY]`,
    ].sort(),
  );
  const cm = rep.findings.find(
    (f) => f.ruleId === 'k8s-configmap-credential' && f.kind === 'aws-access-key',
  )!;
  const p = cm.locations[0]!.provenance;
  assert.deepEqual(p.source, {
    type: 'cluster',
    context: ADMIN_CONTEXT,
    server: cluster().server,
    user: 'keyspill-admin',
  });
  assert.match(p.created ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.equal(cm.locations[0]!.path, `${ADMIN_CONTEXT}/shop/ConfigMap/shop-config`);
  // A live value has no file: line and column are in the value itself.
  const dataLoc = cm.locations.find((l) => l.provenance.field === 'data[AWS_ACCESS_KEY_ID]')!;
  assert.deepEqual([dataLoc.line, dataLoc.column], [1, 1]);
  const gh = rep.findings.find((f) => f.ruleId === 'github-pat')!;
  assert.deepEqual(gh.locations[0]!.decodedFrom, ['base64']);
  // A credential in a live Secret is where it belongs: an inventory entry at low severity, its rule id kept.
  assert.equal(rep.findings.find((f) => f.ruleId === 'github-pat')!.severity, 'low');
  // A Secret created without apply has no last-applied copy.
  assert.ok(
    !rep.findings.some(
      (f) => f.ruleId === 'k8s-secret-last-applied' && f.locations[0]!.provenance.name === 'created',
    ),
  );

  // Nothing read from the cluster was written anywhere: HOME and TMPDIR are as empty as before.
  assert.deepEqual(readdirSync(home, { recursive: true }), []);
  assert.deepEqual(readdirSync(tmp, { recursive: true }), []);
  // And the report itself holds no secret in clear.
  // (The AWS access key ID is the key's public identifier: reported as such.)
  for (const s of Object.values(S).filter((v) => v !== S.aws))
    assert.ok(!r.stdout.includes(s), `${s} is redacted`);
});

test('the text report names context, object and key, and redacts; --show-secrets shows them', () => {
  const { r } = live(['-n', 'shop', '--kinds', 'secrets']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /Secret shop\/db {2}metadata\.annotations\[kubectl\.kubernetes\.io\/last-applied-configuration\]\.stringData\[password\]/,
  );
  assert.match(r.stdout, /live cluster: admin/);
  assert.match(
    r.stdout,
    /context admin \(https:\/\/127\.0\.0\.1:\d+\), kubeconfig user keyspill-admin; created/,
  );
  assert.ok(!r.stdout.includes(S.appliedPassword));
  const shown = live(['-n', 'shop', '--kinds', 'secrets', '--show-secrets']).r;
  assert.ok(shown.stdout.includes(S.appliedPassword));
});

test('restricted context: Secrets refused by RBAC are named (context, user, kind), the rest is scanned, exit 1', () => {
  const { r } = live(['--context', RESTRICTED_CONTEXT, '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const rep = report(r);
  assert.equal(rep.summary.incomplete, true);
  assert.equal(rep.summary.notes.length, 1, rep.summary.notes.join('\n'));
  const note = rep.summary.notes[0]!;
  assert.match(
    note,
    new RegExp(
      `^RBAC: user "${RESTRICTED_USER}" \\(context "${RESTRICTED_CONTEXT}", https://127\\.0\\.0\\.1:\\d+\\)`,
    ),
  );
  assert.match(note, /may not list secrets in all namespaces/);
  assert.match(note, /secrets is forbidden/);
  assert.ok(rep.findings.some((f) => f.ruleId === 'k8s-configmap-credential'));
  assert.ok(!rep.findings.some((f) => f.locations.some((l) => l.provenance.objectKind === 'Secret')));
});

test('restricted context asked only for Secrets: nothing readable, the refusal named, exit 3', () => {
  const { r } = live(['--context', RESTRICTED_CONTEXT, '--kinds', 'secrets', '--format', 'json']);
  assert.equal(r.code, 3, r.stderr);
  const rep = report(r);
  assert.deepEqual(rep.findings, []);
  assert.equal(rep.summary.incomplete, true);
  assert.equal(rep.summary.notes.length, 1, rep.summary.notes.join('\n'));
  assert.match(
    rep.summary.notes[0]!,
    /^RBAC: user "keyspill-reader" \(context "restricted", https:\/\/127\.0\.0\.1:\d+\), seen by the server as "keyspill-reader", may not list secrets in all namespaces/,
  );
});

test('--namespace narrows, --kinds narrows, a missing namespace is named; a tiny --chunk-size still reads everything', () => {
  const shop = report(live(['-n', 'shop', '--kinds', 'cm,pods', '--format', 'json']).r);
  assert.deepEqual(
    [
      ...new Set(
        shop.findings.flatMap((f) =>
          f.locations.map((l) => `${l.provenance.namespace}/${l.provenance.objectKind}`),
        ),
      ),
    ].sort(),
    ['shop/ConfigMap', 'shop/Pod'],
  );
  const missing = live(['-n', 'nowhere', '-n', 'billing', '--kinds', 'configmaps', '--format', 'json']).r;
  const rep = report(missing);
  assert.equal(missing.code, 1);
  assert.deepEqual(rep.summary.notes, [
    'namespace "nowhere" does not exist in context "admin": nothing listed there',
  ]);
  assert.equal(rep.summary.incomplete, true);
  const one = report(live(['--kinds', 'configmaps', '--chunk-size', '1', '--format', 'json']).r);
  assert.equal(one.findings.filter((f) => f.ruleId === 'k8s-configmap-credential').length, 2);
});

test('bad input: kubectl missing, a context that does not exist, an unreachable server: clear errors, no hang', () => {
  const k = cluster();
  const empty = tempDir('keyspill-nopath-');
  const missing = live(['--json'], { PATH: empty }).r;
  assert.equal(missing.code, 3, missing.stderr);
  const m = JSON.parse(missing.stdout) as {
    error: { name: string; message: string; hint: string; tool: string };
  };
  assert.equal(m.error.name, 'EnvironmentError');
  assert.equal(m.error.tool, 'kubectl');
  assert.match(m.error.message, /kubectl was not found on PATH/);
  assert.match(m.error.hint, /install kubectl/);

  const nope = live(['--context', 'nope', '--json']).r;
  assert.equal(nope.code, 2, nope.stderr);
  const n = JSON.parse(nope.stdout) as { error: { message: string; hint: string } };
  assert.match(n.error.message, /--context nope: no such context in the kubeconfig/);
  assert.match(n.error.hint, /kubectl config get-contexts/);

  // A kubeconfig whose server refuses connections.
  const dir = tempDir('keyspill-kc-');
  mkdirSync(join(dir, 'x'), { recursive: true });
  const kc = readFileSync(k.kubeconfig, 'utf8').replace(k.server, 'https://127.0.0.1:1');
  writeFileSync(join(dir, 'kubeconfig'), kc, { mode: 0o600 });
  const t = Date.now();
  const down = live(['--kubeconfig', join(dir, 'kubeconfig'), '--json']).r;
  assert.ok(Date.now() - t < 30_000, 'no hang');
  assert.equal(down.code, 3, down.stderr);
  const d = JSON.parse(down.stdout) as {
    error: { name: string; message: string; endpoint: string; hint: string };
  };
  assert.equal(d.error.name, 'RemoteError');
  assert.match(
    d.error.message,
    /cannot reach the API server of context "admin" \(https:\/\/127\.0\.0\.1:1\)/,
  );
  assert.match(d.error.endpoint, /127\.0\.0\.1:1 \(context admin\)/);
});
