// `keyspill scan k8s` on manifests: every kind taken apart, file lines, Lists, JSON, stdin, folders, bad documents,
// alias bombs, the Kubernetes rules (also from `scan dir` and `scan git`), silencing, and flag errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { jsonResult, runCli } from '../helpers/cli.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const sarifAjv = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormatsModule.default(sarifAjv);
const validateSarif = sarifAjv.compile(
  JSON.parse(
    readFileSync(new URL('../fixtures/sarif-2.1.0-rtm.5.schema.json', import.meta.url), 'utf8'),
  ) as object,
);

const S = {
  aws: 'AKIAQYLPMN5HFIQR7XYA',
  aws2: 'AKIAZ7VRSQ4TLM2XKP5N',
  github: 'ghp_4Rk9mQ2xT7vB1nL8pZ3yW6cF0dH5jE9sA2uK',
  stripe: 'sk_live_51HxQ2aKj7Lm3Np9Qr5St1Uv7Wx3Yz5Ab7Cd9Ef1Gh3Ij',
  slackBot: 'xoxb-2384575912-9182736450123-AbCdEfGhIjKlMnOpQrStUvWx',
  slackHook: 'https://hooks.slack.com/services/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',
  pg: 'postgres://app:Zt8qL2vN9xR4mK7p@db.internal:5432/app',
  plain: 'hunter2-Zq9-plain',
  applied: 'Wq3-applied-only-x7',
  dockerAuth: Buffer.from('ci-bot:Vx8kq2LmPz7wQn4R').toString('base64'),
};
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const workload = (kind: string, apiVersion: string, name: string, podPath: string[], extra = ''): string => {
  // A pod spec at podPath (spaces of indentation by depth), with a literal env value.
  const ind = (n: number): string => '  '.repeat(n);
  const lines = [`apiVersion: ${apiVersion}`, `kind: ${kind}`, `metadata: {name: ${name}, namespace: shop}`];
  podPath.forEach((k, i) => lines.push(`${ind(i)}${k}:`));
  const d = podPath.length;
  lines.push(
    `${ind(d)}containers:`,
    `${ind(d)}  - name: app`,
    `${ind(d)}    image: registry.invalid/app:1`,
    `${ind(d)}    env:`,
    `${ind(d)}      - name: GITHUB_TOKEN`,
    `${ind(d)}        value: ${S.github}`,
    `${ind(d)}      - name: FROM_SECRET`,
    `${ind(d)}        valueFrom: {secretKeyRef: {name: s, key: k}}`,
  );
  if (extra !== '') lines.push(...extra.split('\n').map((l) => `${ind(d)}    ${l}`));
  return lines.join('\n');
};

/** A Helm-style multi-document stream: `# Source:` comments, every kind keyspill takes apart. */
const HELM = [
  `# Source: shop/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-config
  namespace: shop
  creationTimestamp: "2024-11-02T10:00:00Z"
data:
  LOG_LEVEL: debug
  AWS_ACCESS_KEY_ID: ${S.aws}
  application.properties: |
    server.port=8080
    spring.datasource.url=${S.pg}
binaryData:
  credentials: ${b64(`[default]\naws_access_key_id = ${S.aws2}\n`)}`,
  `# Source: shop/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: shop-secret
  namespace: shop
  annotations:
    ${LAST_APPLIED}: '${JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-secret', namespace: 'shop' }, stringData: { password: S.applied } })}'
type: Opaque
data:
  seed: ${b64(S.plain)}
  token: ${b64(S.stripe)}
stringData:
  template: "{{ .Values.password }}"`,
  `# Source: shop/templates/pull-secret.yaml
apiVersion: v1
kind: Secret
metadata: {name: pull, namespace: shop}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${b64(JSON.stringify({ auths: { 'registry.acme.io': { username: 'ci-bot', password: 'Vx8kq2LmPz7wQn4R', auth: S.dockerAuth } } }))}`,
  workload('Pod', 'v1', 'pod', ['spec']),
  workload(
    'Deployment',
    'apps/v1',
    'deploy',
    ['spec', 'template', 'spec'],
    `args: ["--port=8080", "--api-key=${S.stripe}"]`,
  ),
  workload('StatefulSet', 'apps/v1', 'sts', ['spec', 'template', 'spec']),
  workload('DaemonSet', 'apps/v1', 'ds', ['spec', 'template', 'spec']),
  workload('ReplicaSet', 'apps/v1', 'rs', ['spec', 'template', 'spec']),
  workload('Job', 'batch/v1', 'job', ['spec', 'template', 'spec']),
  workload(
    'CronJob',
    'batch/v1',
    'cron',
    ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    `command: ["sh", "-c", "curl -H 'Authorization: Bearer ${S.slackBot}' https://slack.com/api/chat.postMessage"]`,
  ),
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    notify: ${S.slackHook}`,
].join('\n---\n');

interface Loc {
  path: string;
  line: number;
  column: number;
  decodedFrom: string[];
  provenance: {
    kind: string;
    source: { type: string; path?: string; line?: number; name?: string };
    namespace: string | null;
    objectKind: string;
    name: string;
    field: string;
    created: string | null;
  };
}
interface Finding {
  fingerprint: string;
  ruleId: string;
  kind: string;
  severity: string;
  description: string;
  locations: Loc[];
}
interface Report {
  findings: Finding[];
  summary: { incomplete: boolean; notes: string[]; itemsScanned: number; source: string };
}

const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture holds ${needle}`);
  return text.slice(0, i).split('\n').length;
};

function scan(args: string[], cwd: string, input?: string): { code: number; report: Report; stderr: string } {
  const r = runCli(['scan', 'k8s', ...args, '--format', 'json'], {
    cwd,
    ...(input === undefined ? {} : { input }),
  });
  assert.ok(r.stdout.startsWith('{'), `JSON report on stdout; stderr:\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as Report;
  assertValidReport(report);
  return { code: r.code, report, stderr: r.stderr };
}

const byRule = (r: Report, ruleId: string): Finding[] => r.findings.filter((f) => f.ruleId === ruleId);

test('a Helm-style stream: every kind taken apart, with namespace, kind, name, field and file line', () => {
  const root = tempDir();
  writeTree(root, { 'rendered.yaml': HELM });
  const { code, report } = scan(['rendered.yaml'], root);
  assert.equal(code, 1);
  assert.equal(report.summary.source, 'k8s');
  assert.deepEqual(report.summary.notes, []);

  // A credential in a ConfigMap gets its own rule, keeps its credential kind, and its exact line and column.
  const cm = byRule(report, 'k8s-configmap-credential');
  const cmAws = cm.find(
    (f) => f.kind === 'aws-access-key' && f.locations[0]!.provenance.field === 'data[AWS_ACCESS_KEY_ID]',
  );
  assert.ok(cmAws, JSON.stringify(cm.map((f) => f.locations[0]!.provenance.field)));
  const l = cmAws.locations[0]!;
  assert.equal(l.path, 'rendered.yaml');
  assert.equal(l.line, lineOf(HELM, S.aws));
  assert.equal(l.column, `  AWS_ACCESS_KEY_ID: `.length + 1);
  assert.deepEqual(
    { ...l.provenance, source: { ...l.provenance.source } },
    {
      kind: 'k8s',
      source: { type: 'file', path: 'rendered.yaml', line: 2 },
      namespace: 'shop',
      objectKind: 'ConfigMap',
      apiVersion: 'v1',
      name: 'shop-config',
      field: 'data[AWS_ACCESS_KEY_ID]',
      created: '2024-11-02T10:00:00Z',
    },
  );
  // Inside a literal block: the file line of the block's line, at its column.
  const pg = cm.find((f) => f.kind === 'db-connection-uri');
  assert.equal(pg?.locations[0]!.line, lineOf(HELM, `spring.datasource.url=`));
  assert.equal(pg?.locations[0].provenance.field, 'data[application.properties]');
  // binaryData is decoded.
  const bin = cm.find((f) => f.locations[0]!.provenance.field === 'binaryData[credentials]');
  assert.deepEqual(bin?.locations[0]!.decodedFrom, ['base64']);
  assert.equal(bin?.kind, 'aws-access-key');

  // A Secret manifest with real data: each real value, whatever rule (or none) matches it; templates are not data.
  const manifest = byRule(report, 'k8s-secret-manifest');
  const fields = manifest.flatMap((f) =>
    f.locations.map((x) => `${x.provenance.name} ${x.provenance.field}`),
  );
  assert.deepEqual(fields.sort(), [
    'pull data[.dockerconfigjson].auths[registry.acme.io]',
    'shop-secret data[seed]',
    'shop-secret data[token]',
  ]);
  const token = manifest.find((f) => f.locations[0]!.provenance.field === 'data[token]')!;
  assert.equal(token.kind, 'stripe-key');
  assert.deepEqual(token.locations[0]!.decodedFrom, ['base64']);
  assert.equal(token.locations[0]!.line, lineOf(HELM, `  token: `));
  const plain = manifest.find((f) => f.locations[0]!.provenance.field === 'data[seed]')!;
  assert.equal(plain.kind, 'kubernetes-secret');
  const docker = manifest.find((f) => f.kind === 'docker-registry-credential');
  assert.ok(docker, 'the .dockerconfigjson auth is decoded and found, under its registry');

  // The Secret's value in last-applied-configuration: its own finding, at the annotation's line.
  const applied = byRule(report, 'k8s-secret-last-applied');
  assert.equal(applied.length, 1);
  assert.equal(
    applied[0]!.locations[0]!.provenance.field,
    `metadata.annotations[${LAST_APPLIED}].stringData[password]`,
  );
  assert.equal(applied[0]!.locations[0]!.line, lineOf(HELM, `${LAST_APPLIED}:`));

  // One literal env value in the pod template of every workload kind: one finding, seven places.
  const gh = report.findings.find((f) => f.ruleId === 'github-pat');
  assert.deepEqual(
    gh?.locations.map((x) => `${x.provenance.objectKind} ${x.provenance.field}`),
    [
      'Pod spec.containers[app].env[GITHUB_TOKEN]',
      'Deployment spec.template.spec.containers[app].env[GITHUB_TOKEN]',
      'StatefulSet spec.template.spec.containers[app].env[GITHUB_TOKEN]',
      'DaemonSet spec.template.spec.containers[app].env[GITHUB_TOKEN]',
      'ReplicaSet spec.template.spec.containers[app].env[GITHUB_TOKEN]',
      'Job spec.template.spec.containers[app].env[GITHUB_TOKEN]',
      'CronJob spec.jobTemplate.spec.template.spec.containers[app].env[GITHUB_TOKEN]',
    ],
  );
  const firstEnv = gh.locations[0]!;
  assert.equal(firstEnv.line, lineOf(HELM, `        value: ${S.github}`));
  const envLine = HELM.split('\n')[firstEnv.line - 1]!;
  assert.equal(firstEnv.column, envLine.indexOf(S.github) + 1);

  // args and command, item by item; annotations of a kind not taken apart (scanned whole, at its lines).
  const stripe = report.findings.find((f) => f.ruleId === 'stripe-live-secret-key');
  assert.deepEqual(
    stripe?.locations.map((x) => x.provenance.field),
    ['spec.template.spec.containers[app].args[1]'],
  );
  const slack = report.findings.find((f) => f.ruleId === 'slack-bot-token');
  assert.equal(
    slack?.locations[0]!.provenance.field,
    'spec.jobTemplate.spec.template.spec.containers[app].command[2]',
  );
  const hook = report.findings.find((f) => f.ruleId === 'slack-webhook-url');
  assert.equal(hook?.locations[0]!.provenance.objectKind, 'Ingress');
  assert.equal(hook?.locations[0].provenance.field, '');
  assert.equal(hook?.locations[0].line, lineOf(HELM, S.slackHook));
});

test('the text report names object and field, and gives the ConfigMap and last-applied advice', () => {
  const root = tempDir();
  writeTree(root, { 'rendered.yaml': HELM });
  const r = runCli(['scan', 'k8s', 'rendered.yaml'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /ConfigMap shop\/shop-config {2}data\[AWS_ACCESS_KEY_ID\]/);
  assert.match(r.stdout, /move the value to a Secret or an external secret store, then rotate it/);
  assert.match(r.stdout, /last-applied-configuration annotation, which anyone who can read/);
  assert.match(r.stdout, /base64 is an encoding, not encryption/);
  // (An AWS access key ID is the key's public identifier, shown as such; its secret is what is redacted.)
  for (const secret of [S.plain, S.applied, S.stripe]) assert.ok(!r.stdout.includes(secret), 'redacted');
  assert.ok(!r.stdout.includes(b64(S.plain)), 'not even in base64');
});

test('kubectl get -o json|yaml Lists, a raw API list, JSON objects one after another, and stdin', () => {
  const root = tempDir();
  const cm = (name: string, value: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns' },
    data: { KEY: value },
  });
  const list = { apiVersion: 'v1', kind: 'List', items: [cm('a', S.aws), cm('b', S.github)], metadata: {} };
  const listJson = JSON.stringify(list, null, 4);
  const yamlList = `apiVersion: v1
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
    namespace: ns
  data:
    KEY: ${S.aws}
- apiVersion: v1
  kind: Secret
  metadata:
    name: s
    namespace: ns
  data:
    KEY: ${b64(S.plain)}
kind: List
metadata:
  resourceVersion: ""
`;
  // The API's own list: items carry no kind, the list says ConfigMapList.
  const rawList = JSON.stringify({
    kind: 'ConfigMapList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '1' },
    items: [{ metadata: { name: 'raw', namespace: 'ns' }, data: { KEY: S.stripe } }],
  });
  const several = `${JSON.stringify(cm('x', S.aws2), null, 2)}\n${JSON.stringify(cm('y', S.github))}\n`;
  writeTree(root, {
    'list.json': listJson,
    'list.yaml': yamlList,
    'raw.json': rawList,
    'several.json': several,
  });

  const json = scan(['list.json'], root).report;
  const places = (r: Report) =>
    r.findings.flatMap((f) => f.locations.map((l) => `${l.provenance.name}:${l.line}:${f.ruleId}`)).sort();
  assert.deepEqual(places(json), [
    `a:${lineOf(listJson, S.aws)}:k8s-configmap-credential`,
    `b:${lineOf(listJson, S.github)}:k8s-configmap-credential`,
  ]);
  // The object's line is where its item opens in the list.
  assert.equal(json.findings[0]!.locations[0]!.provenance.source.line, lineOf(listJson, '"items": [') + 1);

  assert.deepEqual(places(scan(['list.yaml'], root).report), [
    `a:${lineOf(yamlList, S.aws)}:k8s-configmap-credential`,
    `s:${lineOf(yamlList, b64(S.plain))}:k8s-secret-manifest`,
  ]);
  const raw = scan(['raw.json'], root).report;
  assert.equal(raw.findings[0]?.locations[0]?.provenance.objectKind, 'ConfigMap');
  assert.equal(raw.findings[0]?.ruleId, 'k8s-configmap-credential');
  assert.deepEqual(places(scan(['several.json'], root).report), [
    `x:${lineOf(several, S.aws2)}:k8s-configmap-credential`,
    `y:${lineOf(several, S.github)}:k8s-configmap-credential`,
  ]);

  // stdin: the same List, source "-", lines from the stream.
  const stdin = scan(['-'], root, listJson).report;
  assert.deepEqual(places(stdin), places(json));
  assert.deepEqual(stdin.findings[0]!.locations[0]!.provenance.source, {
    type: 'stdin',
    name: '-',
    line: json.findings[0]!.locations[0]!.provenance.source.line,
  });
  assert.equal(stdin.findings[0]!.locations[0]!.path, '-');
});

test('an invalid document among several: the others are scanned, the bad one named with its line and scanned as text', () => {
  const root = tempDir();
  const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: before}
data: {TOKEN: "${S.github}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken
data: {KEY: "${S.stripe}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
data: {X: "${S.slackBot}"}
`;
  writeTree(root, { 'mixed.yaml': text });
  const { code, report } = scan(['mixed.yaml'], root);
  assert.equal(code, 1);
  assert.equal(report.summary.incomplete, true);
  assert.equal(report.summary.notes.length, 1);
  assert.match(
    report.summary.notes[0]!,
    /^mixed\.yaml: the document at line 6 is not valid YAML or JSON \(line \d+: .+\); it was scanned as plain text$/,
  );
  const names = report.findings.map(
    (f) => `${f.ruleId}@${f.locations[0]!.line}:${f.locations[0]!.provenance.kind}`,
  );
  assert.deepEqual(
    names.sort(),
    [
      `k8s-configmap-credential@${lineOf(text, S.github)}:k8s`,
      `k8s-configmap-credential@${lineOf(text, S.slackBot)}:k8s`,
      // The broken document's secret is still found, as text, at its line.
      `stripe-live-secret-key@${lineOf(text, S.stripe)}:file`,
    ].sort(),
  );
});

test('a YAML alias bomb is refused by the alias bound: a clear note, the rest scanned, no memory blow-up', () => {
  const root = tempDir();
  const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lol.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const text = `${lol.join('\n')}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {K: "${S.github}"}\n`;
  writeTree(root, { 'bomb.yaml': text });
  const r = runCli(['scan', 'k8s', 'bomb.yaml', '--format', 'json'], {
    cwd: root,
    env: { NODE_OPTIONS: '--max-old-space-size=128' },
  });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.match(report.summary.notes[0]!, /line 1 .*alias/i);
  assert.equal(report.findings[0]?.locations[0]?.provenance.name, 'ok');
});

test('folders: only *.yaml, *.yml and *.json are read, .gitignore honoured; non-Kubernetes YAML and comments as text', () => {
  const root = tempDir();
  writeTree(root, {
    'deploy/app.yml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {K: "${S.aws}"}\n`,
    'deploy/values.yaml': `# Helm values\nimage: app\ndb:\n  url: ${S.pg}\n`,
    'deploy/notes.txt': `not a manifest: ${S.github}\n`,
    'deploy/old.yaml': `# old token: ${S.slackBot}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\n`,
    'deploy/ignored/secret.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ign}\ndata: {K: "${S.stripe}"}\n`,
    'deploy/.gitignore': 'ignored/\n',
    'package.json': `{"name": "x", "token": "${S.github}"}`,
  });
  const { report } = scan(['.'], root);
  const got = report.findings
    .flatMap((f) => f.locations.map((l) => `${l.path}:${l.line} ${f.ruleId} ${l.provenance.kind}`))
    .sort();
  assert.deepEqual(got, [
    'deploy/app.yml:4 k8s-configmap-credential k8s',
    'deploy/old.yaml:1 slack-bot-token file',
    'deploy/values.yaml:4 db-connection-uri file',
    'package.json:1 github-pat file',
  ]);
  // --no-ignore reads the ignored folder too; a file named explicitly is read whatever its name.
  assert.ok(
    scan(['.', '--no-ignore'], root).report.findings.some(
      (f) => f.ruleId === 'k8s-configmap-credential' && f.locations[0]!.path.includes('ignored'),
    ),
  );
  assert.equal(scan(['deploy/notes.txt'], root).report.findings[0]?.ruleId, 'github-pat');
});

test('placeholders and templates are not Secret data; empty Secrets are clean; exit 0', () => {
  const root = tempDir();
  writeTree(root, {
    'secret.yaml': `apiVersion: v1
kind: Secret
metadata: {name: tmpl}
stringData:
  a: "{{ .Values.password }}"
  b: \${DB_PASSWORD}
  c: changeme
  d: "<your-token>"
  e: ""
data:
  f: ${b64('REPLACE_ME')}
`,
    'empty.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: empty}\ndata: {}\n',
  });
  const { code, report } = scan(['.'], root);
  assert.deepEqual(report.findings, []);
  assert.equal(code, 0);
});

test('inline keyspill:allow, .keyspillignore and a baseline silence Kubernetes findings as any other', () => {
  const root = tempDir();
  writeTree(root, {
    'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  K: "${S.aws}" # keyspill:allow\n  L: "${S.github}"\n`,
  });
  const first = scan(['a.yaml'], root).report;
  assert.deepEqual(
    first.findings.map((f) => f.kind),
    ['github-token'],
  );
  writeTree(root, { '.keyspillignore': `${first.findings[0]!.fingerprint}\n` });
  assert.equal(scan(['a.yaml'], root).code, 0);
  const r = runCli(['scan', 'k8s', 'a.yaml', '--ignore-file', '/dev/null', '--write-baseline', 'base.json'], {
    cwd: root,
  });
  assert.equal(r.code, 0, 'writing the baseline accepts the findings');
  assert.equal(
    runCli(['scan', 'k8s', 'a.yaml', '--ignore-file', '/dev/null', '--baseline', 'base.json'], { cwd: root })
      .code,
    0,
  );
});

test('scan dir and scan git report a Secret manifest with real data; a pattern match there keeps its own rule', () => {
  const root = tempDir();
  const secret = `apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: ${b64(S.plain)}
  key: ${b64(S.aws)}
stringData:
  template: "{{ .Values.x }}"
`;
  writeTree(root, { 'k8s/secret.yaml': secret, 'README.md': 'hello\n' });
  const dir = JSON.parse(runCli(['scan', 'dir', '.', '-f', 'json'], { cwd: root }).stdout) as Report;
  assert.deepEqual(
    dir.findings
      .map(
        (f) =>
          `${f.ruleId}@${f.locations[0]!.path}:${f.locations[0]!.line}:${f.locations[0]!.decodedFrom.join()}`,
      )
      .sort(),
    [
      `aws-access-key-id@k8s/secret.yaml:${lineOf(secret, 'key:')}:base64`,
      `k8s-secret-manifest@k8s/secret.yaml:${lineOf(secret, 'password:')}:base64`,
    ],
  );

  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'a',
        GIT_AUTHOR_EMAIL: 'a@x',
        GIT_COMMITTER_NAME: 'a',
        GIT_COMMITTER_EMAIL: 'a@x',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', 'README.md');
  git('commit', '-qm', 'readme');
  git('add', 'k8s/secret.yaml');
  // Staged: the pre-commit hook sees the Secret manifest being committed.
  const staged = JSON.parse(
    runCli(['scan', 'git', '--staged', '-f', 'json'], { cwd: root }).stdout,
  ) as Report;
  assert.ok(staged.findings.some((f) => f.ruleId === 'k8s-secret-manifest'));
  git('commit', '-qm', 'add the db secret');
  git('rm', '-q', 'k8s/secret.yaml');
  git('commit', '-qm', 'remove it');
  // Twice with the scan cache: the Secret manifest's blob matched, so it is never remembered as clean.
  const cacheDir = tempDir('keyspill-cache-');
  for (let run = 0; run < 2; run++) {
    const history = JSON.parse(
      runCli(['scan', 'git', '-f', 'json', '--cache-dir', cacheDir], { cwd: root }).stdout,
    ) as {
      findings: {
        ruleId: string;
        locations: {
          line: number;
          provenance: { introduced: { summary: string } | null; atHead: boolean };
        }[];
      }[];
    };
    const found = history.findings.find((f) => f.ruleId === 'k8s-secret-manifest');
    assert.equal(found?.locations[0]?.line, lineOf(secret, 'password:'), `run ${run + 1}`);
    assert.equal(found?.locations[0]?.provenance.introduced?.summary, 'add the db secret');
    assert.equal(found?.locations[0]?.provenance.atHead, false);
  }
});

test('flag errors: live-only flags without --live, paths with --live, an unknown kind, a bad duration: exit 2', () => {
  const root = tempDir();
  const cases: [string[], RegExp][] = [
    [['--context', 'prod'], /--context applies to --live scans only/],
    [['-n', 'x'], /--namespace applies to --live scans only/],
    [['--live', 'deploy/'], /--live scans the cluster, not the paths given/],
    [['--live', '--kinds', 'configmaps,widgets'], /unknown kind "widgets"/],
    [['--live', '--request-timeout', 'soon'], /--request-timeout: "soon" is not a duration/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(['scan', 'k8s', ...args, '--json'], { cwd: root });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const err = JSON.parse(r.stdout) as { status: number; error: { message: string } };
    assert.match(err.error.message, message);
  }
  // The success envelope of a clean manifest scan.
  writeTree(root, { 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {A: "1"}\n' });
  const ok = runCli(['scan', 'k8s', 'ok.yaml', '--json'], { cwd: root });
  assert.equal(ok.code, 0);
  assert.deepEqual(jsonResult<{ findings: unknown[] }>(ok).findings, []);
  assert.ok(join(root, 'ok.yaml'));
});

test('SARIF: valid, the manifest under the source root, the object in the result properties', () => {
  const root = tempDir();
  writeTree(root, { 'rendered.yaml': HELM });
  const r = runCli(['scan', 'k8s', 'rendered.yaml', '-f', 'sarif'], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout) as {
    runs: {
      results: {
        ruleId: string;
        locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
        properties?: Record<string, unknown>;
      }[];
    }[];
  };
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
  const result = log.runs[0]!.results.find((x) => x.ruleId === 'k8s-secret-last-applied')!;
  assert.deepEqual(result.locations[0]!.physicalLocation.artifactLocation, {
    uri: 'rendered.yaml',
    uriBaseId: '%SRCROOT%',
  });
  assert.equal(result.properties?.['objectKind'], 'Secret');
  assert.equal(result.properties?.['namespace'], 'shop');
  assert.equal(result.properties?.['name'], 'shop-secret');
  for (const secret of [S.applied, S.plain, S.stripe]) assert.ok(!r.stdout.includes(secret));
});

test('an AWS key ID and its secret in two fields of one object are one credential, named by the key ID', () => {
  const root = tempDir();
  const secret = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';
  writeTree(root, {
    'aws.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: aws, namespace: ops}
data:
  AWS_ACCESS_KEY_ID: ${S.aws}
  AWS_SECRET_ACCESS_KEY: ${secret}
---
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: ops}
spec:
  containers:
    - name: sync
      image: registry.invalid/sync:1
      env:
        - {name: AWS_ACCESS_KEY_ID, value: ${S.aws2}}
        - {name: AWS_SECRET_ACCESS_KEY, value: "5dyQ/0hBQZz9I7h6d3SuRQx8fcuEEr6CMMJ6zYbn"}
`,
  });
  const { report } = scan(['aws.yaml'], root);
  const got = (report.findings as (Finding & { identifier?: string })[]).map(
    (f) => `${f.ruleId} ${f.identifier ?? '-'} ${f.locations.map((l) => l.provenance.field).join()}`,
  );
  assert.deepEqual(got.sort(), [
    `aws-secret-access-key ${S.aws2} spec.containers[sync].env[AWS_SECRET_ACCESS_KEY]`,
    `k8s-configmap-credential ${S.aws} data[AWS_SECRET_ACCESS_KEY]`,
  ]);
});
