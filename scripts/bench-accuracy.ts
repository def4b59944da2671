// npm run bench:accuracy: what keyspill finds and what it misses, against answer keys nobody here wrote.
//
//   node scripts/bench-accuracy.ts [--corpora DIR] [--cache DIR] [--min-confidence LEVEL] [--no-eslint] [--json]
//                                  [--misses] [--flagged]
//
// 1. Rule coverage on ../shared/corpora/rule-examples.json (Nosey Parker's example strings): a positive counts
//    when a finding of the right kind comes out (KINDS below maps each Nosey Parker rule to keyspill kinds); a
//    negative is flagged when a finding of its own kind comes out (the corpus' definition), and counted apart
//    when any finding does.
// 2. History scans of the bundles with answer keys (gg-sample_secrets, gitleaks-small), through the built CLI at
//    the default confidence (or --min-confidence): found / expected, false findings, recall, precision.
// 3. A full-history scan of eslint.bundle: findings per GB scanned, each listed.
// 4. The real-world config fixtures (test/fixtures/formats, answers in test/fixtures/formats.answers.json): each credential found at
//    the right line with its field name.
//
// Bundles are cloned (mirror, every ref) into --cache (default .cache/accuracy) once and reused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanTexts } from './bench-accuracy-scan.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'run.js');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}
const flag = (name: string): boolean => process.argv.includes(name);

const CORPORA = resolve(arg('--corpora') ?? join(ROOT, '..', 'shared', 'corpora'));
const CACHE = resolve(arg('--cache') ?? join(ROOT, '.cache', 'accuracy'));
const MIN_CONFIDENCE = arg('--min-confidence');
const AS_JSON = flag('--json');
const out: Record<string, unknown> = {};
const log = (line = ''): void => {
  if (!AS_JSON) console.log(line);
};
const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);

if (!existsSync(join(ROOT, 'dist', 'commands'))) {
  console.error('bench:accuracy: no build found; run npm run build first (npm run bench:accuracy does)');
  process.exit(2);
}
if (!existsSync(CORPORA)) {
  console.error(`bench:accuracy: corpora not found at ${CORPORA} (pass --corpora DIR; see its README.md)`);
  process.exit(2);
}

/**
 * Nosey Parker rule id → the keyspill kinds (or rule ids) that report it. `null`: not a secret (a bucket name,
 * an ARN, a client ID, a public key, a user name); such positives are counted apart, and found when a finding
 * carries them as its identifier. Key-name kinds with no token format (a "Twitter secret" is any 40 characters
 * assigned to TWITTER_API_SECRET) also accept the generic kinds, which report the same value with its field name.
 */
const GENERIC = ['generic-secret', 'generic-password'];
const KINDS: Readonly<Record<string, readonly string[] | null>> = {
  'np.adafruit.1': ['adafruit-io-key'],
  'np.adobe.1': ['adobe-client-secret'],
  'np.age.1': null,
  'np.age.2': ['age-secret-key'],
  'np.anthropic.1': ['anthropic-key'],
  'np.artifactory.1': ['artifactory-token'],
  'np.atlassian.1': ['atlassian-token'],
  'np.auth0.1': ['auth0-client-secret', ...GENERIC],
  'np.aws.1': ['aws-access-key'],
  'np.aws.2': ['aws-access-key'],
  'np.aws.3': null,
  'np.aws.4': ['aws-session-token'],
  'np.aws.5': ['amazon-mws-token'],
  'np.s3.1': null,
  'np.s3.2': null,
  'np.arn.1': null,
  'np.appsync.1': ['aws-appsync-key'],
  'np.aws.6': ['aws-access-key'],
  'np.azure.1': ['azure-storage-key', 'azure-shared-access-key'],
  'np.azure.2': ['azure-app-configuration'],
  'np.azure.3': ['azure-devops-token'],
  'np.azure.4': ['azure-devops-token'],
  'np.bitbucket.1': ['bitbucket-token'],
  'np.blynk.1': ['blynk-token'],
  'np.blynk.2': ['blynk-token'],
  'np.blynk.3': ['blynk-token'],
  'np.blynk.8': ['blynk-token'],
  'np.blynk.9': ['blynk-token'],
  'np.codeclimate.1': ['codeclimate-token'],
  'np.cratesio.1': ['cratesio-token'],
  'np.databricks.1': ['databricks-token'],
  'np.dtrack.1': ['dependency-track-key'],
  'np.digitalocean.1': ['digitalocean-token'],
  'np.digitalocean.2': ['digitalocean-token'],
  'np.digitalocean.3': ['digitalocean-token'],
  'np.django.1': ['django-secret-key'],
  'np.dockerhub.1': ['dockerhub-token'],
  'np.doppler.1': ['doppler-token'],
  'np.doppler.2': ['doppler-token'],
  'np.doppler.3': ['doppler-token'],
  'np.doppler.4': ['doppler-token'],
  'np.doppler.5': ['doppler-token'],
  'np.doppler.6': ['doppler-token'],
  'np.dropbox.1': ['dropbox-token'],
  'np.dynatrace.1': ['dynatrace-token'],
  'np.facebook.1': ['facebook-app-secret', ...GENERIC],
  'np.facebook.2': ['facebook-token'],
  'np.figma.1': ['figma-token'],
  'np.firecrawl.1': ['firecrawl-key'],
  'np.generic.1': GENERIC,
  'np.generic.2': GENERIC,
  'np.generic.3': GENERIC,
  'np.generic.4': GENERIC,
  'np.generic.5': GENERIC,
  'np.generic.6': GENERIC,
  'np.generic.7': GENERIC,
  'np.generic.8': GENERIC,
  'np.generic.9': GENERIC,
  'np.generic.10': ['db-connection-string', 'db-connection-uri'],
  'np.generic.11': GENERIC,
  'np.generic.12': GENERIC,
  'np.generic.13': GENERIC,
  'np.generic.14': GENERIC,
  'np.generic.15': GENERIC,
  'np.generic.16': GENERIC,
  'np.gitalk.1': ['github-oauth-app-secret'],
  'np.github.1': ['github-token'],
  'np.github.2': ['github-token'],
  'np.github.3': ['github-token'],
  'np.github.4': ['github-token'],
  'np.github.5': null,
  'np.github.6': ['github-oauth-app-secret'],
  'np.github.7': ['github-token'],
  'np.gitlab.1': ['gitlab-runner-token'],
  'np.gitlab.2': ['gitlab-token'],
  'np.gitlab.3': ['gitlab-token'],
  'np.google.1': null,
  'np.google.2': ['google-oauth-client-secret'],
  'np.google.3': ['google-oauth-client-secret'],
  'np.google.4': ['google-oauth-token'],
  'np.google.5': ['gcp-api-key'],
  'np.gcs.1': null,
  'np.gcs.2': null,
  'np.google.6': ['google-oauth-client-secret'],
  'np.gradle.1': GENERIC,
  'np.grafana.1': ['grafana-token'],
  'np.grafana.2': ['grafana-token'],
  'np.grafana.3': ['grafana-token'],
  'np.groq.1': ['groq-key'],
  'np.pwhash.1': ['password-hash'],
  'np.pwhash.2': ['password-hash'],
  'np.pwhash.3': ['password-hash'],
  'np.pwhash.4': ['password-hash'],
  'np.pwhash.5': ['password-hash'],
  'np.krb5.asrep.23.1': ['password-hash'],
  'np.hashicorp.1': ['hashicorp-vault-token-legacy'],
  'np.hashicorp.2': ['hashicorp-vault-token-legacy'],
  'np.hashicorp.3': ['hashicorp-vault-token-legacy'],
  'np.hashicorp.4': ['hashicorp-vault-token'],
  'np.hashicorp.5': ['hashicorp-vault-token'],
  'np.hashicorp.6': ['hashicorp-vault-token'],
  'np.hashicorp.7': ['vault-unseal-key'],
  'np.heroku.1': ['heroku-api-key'],
  'np.http.1': ['http-credential'],
  'np.http.2': ['http-credential'],
  'np.huggingface.1': ['huggingface-token'],
  'np.jenkins.1': ['jenkins-token'],
  'np.jenkins.2': ['jenkins-token'],
  'np.jina.1': ['jina-key'],
  'np.jwt.1': ['jwt'],
  'np.jwt.2': ['jwt-secret', ...GENERIC],
  'np.jwt.3': ['jwt-secret', ...GENERIC],
  'np.kagi.1': ['kagi-key'],
  'np.kubernetes.1': ['kubernetes-bootstrap-token'],
  'np.kubernetes.2': ['kubernetes-bootstrap-token'],
  'np.linkedin.1': null,
  'np.linkedin.2': ['linkedin-client-secret', ...GENERIC],
  'np.mailchimp.1': ['mailchimp-key'],
  'np.mailgun.1': ['mailgun-key'],
  'np.mapbox.1': null,
  'np.mapbox.2': ['mapbox-token'],
  'np.mapbox.3': ['mapbox-token'],
  'np.msteams.1': ['teams-webhook'],
  'np.mongodb.1': ['db-connection-uri'],
  'np.nasa.1': ['nasa-api-key'],
  'np.netrc.1': ['netrc-credential'],
  'np.newrelic.1': ['newrelic-license-key'],
  'np.newrelic.2': ['newrelic-license-key-legacy'],
  'np.newrelic.3': ['newrelic-key'],
  'np.newrelic.4': ['newrelic-key'],
  'np.newrelic.5': ['newrelic-key'],
  'np.newrelic.6': ['newrelic-key'],
  'np.newrelic.7': ['newrelic-key'],
  'np.newrelic.8': ['newrelic-key'],
  'np.newrelic.9': ['newrelic-key'],
  'np.npm.1': ['npm-token'],
  'np.nuget.1': ['nuget-key'],
  'np.odbc.1': ['db-connection-string', 'db-connection-uri', ...GENERIC],
  'np.okta.1': ['okta-token'],
  'np.openai.1': ['openai-key'],
  'np.particleio.1': ['particle-token'],
  'np.particleio.2': ['particle-token'],
  'np.pem.1': ['private-key'],
  'np.pem.2': ['private-key'],
  'np.phpmailer.1': ['smtp-credential', ...GENERIC],
  'np.postgres.1': ['db-connection-uri'],
  'np.postman.1': ['postman-key'],
  'np.postmark.1': ['postmark-token'],
  'np.psexec.1': GENERIC,
  'np.pypi.1': ['pypi-token'],
  'np.reactapp.1': null,
  'np.reactapp.2': GENERIC,
  'np.rubygems.1': ['rubygems-key'],
  'np.salesforce.1': ['salesforce-token'],
  'np.sauce.1': ['saucelabs-key'],
  'np.segment.1': ['segment-token'],
  'np.sendgrid.1': ['sendgrid-key'],
  'np.shopify.1': null,
  'np.shopify.2': ['shopify-app-secret'],
  'np.shopify.3': ['shopify-token'],
  'np.shopify.4': ['shopify-token'],
  'np.shopify.5': ['shopify-token'],
  // Where Nosey Parker tells formats of one credential apart (Slack bot tokens old and new, Vault tokens before
  // and after 1.10, New Relic license keys), keyspill's rule ids do: one kind, several rules.
  'np.slack.2': ['slack-bot-token'],
  'np.slack.4': ['slack-user-token'],
  'np.slack.5': ['slack-app-token'],
  'np.slack.6': ['slack-legacy-token', 'slack-legacy-bot-token'],
  'np.slack.3': ['slack-webhook'],
  'np.sonarqube.1': ['sonarqube-token'],
  'np.sourcegraph.1': ['sourcegraph-token'],
  'np.square.1': ['square-token'],
  'np.square.2': ['square-token'],
  'np.stackhawk.1': ['stackhawk-key'],
  'np.stripe.1': ['stripe-key'],
  'np.stripe.2': ['stripe-key'],
  'np.tavily.1': ['tavily-key'],
  'np.teamcity.1': ['teamcity-token'],
  'np.telegram.1': ['telegram-bot-token'],
  'np.thingsboard.1': ['thingsboard-token'],
  'np.thingsboard.2': ['thingsboard-token'],
  'np.thingsboard.3': ['thingsboard-token'],
  'np.truenas.1': ['truenas-api-key'],
  'np.truenas.2': ['truenas-api-key'],
  'np.twilio.1': ['twilio-key'],
  'np.twitch.1': ['twitch-stream-key'],
  'np.twitter.1': null,
  'np.twitter.2': ['twitter-secret', ...GENERIC],
  'np.vmware.1': GENERIC,
  'np.wireguard.1': ['wireguard-key'],
  'np.wireguard.2': ['wireguard-key'],
};

interface Item {
  readonly name: string;
  readonly id: string;
  readonly examples: readonly string[];
  readonly negative_examples: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------
// 1. Rule coverage.
async function ruleCoverage(): Promise<void> {
  const file = join(CORPORA, 'rule-examples.json');
  if (!existsSync(file)) {
    log(`rule-examples.json: skipped, not found in ${CORPORA}`);
    return;
  }
  const { items } = JSON.parse(readFileSync(file, 'utf8')) as { items: Item[] };
  const texts = items.flatMap((i) => [...i.examples, ...i.negative_examples]);
  const results: Record<string, unknown> = {};
  const started = performance.now();
  const scanned = await scanTexts(texts);
  const ms = performance.now() - started;
  // The default first (what a user sees), then the other levels.
  const runs = MIN_CONFIDENCE !== undefined ? [MIN_CONFIDENCE] : ['medium', 'low', 'high'];
  for (const level of runs) {
    const at = (text: string) => (scanned.get(text) ?? []).filter((f) => f.passes(level));
    const t = {
      positives: 0,
      right: 0,
      wrongKind: 0,
      secretPositives: 0,
      secretRight: 0,
      identifiers: 0,
      identifiersCarried: 0,
      negatives: 0,
      flaggedOwnKind: 0,
      flaggedAny: 0,
    };
    const missed: string[] = [];
    const flagged: string[] = [];
    for (const item of items) {
      if (!(item.id in KINDS))
        throw new Error(`bench-accuracy: no kind mapping for ${item.id}; add it to KINDS`);
      const kinds = KINDS[item.id] ?? null;
      for (const ex of item.examples) {
        const found = at(ex);
        t.positives++;
        if (kinds === null) {
          t.identifiers++;
          // An identifier is reported when a finding carries it (the client ID of a client secret).
          const carried = found.some((f) => f.identifier !== undefined && ex.includes(f.identifier));
          if (carried) {
            t.identifiersCarried++;
            t.right++;
          } else missed.push(`${item.id} (identifier, not a secret): ${JSON.stringify(ex).slice(0, 140)}`);
          continue;
        }
        t.secretPositives++;
        if (found.some((f) => kinds.includes(f.kind) || kinds.includes(f.ruleId))) {
          t.right++;
          t.secretRight++;
        } else {
          if (found.length > 0) t.wrongKind++;
          missed.push(
            `${item.id}${found.length > 0 ? ` (found as ${[...new Set(found.map((f) => f.kind))].join(', ')})` : ''}: ${JSON.stringify(ex).slice(0, 140)}`,
          );
        }
      }
      for (const ex of item.negative_examples) {
        const found = at(ex);
        t.negatives++;
        if (found.length > 0) t.flaggedAny++;
        const own = found.filter(
          (f) => kinds !== null && (kinds.includes(f.kind) || kinds.includes(f.ruleId)),
        );
        if (own.length > 0 || (kinds === null && found.length > 0)) {
          t.flaggedOwnKind++;
          flagged.push(
            `${item.id} -> ${[...new Set(found.map((f) => f.ruleId))].join(', ')}: ${JSON.stringify(ex).slice(0, 140)}`,
          );
        }
      }
    }
    const name = level === 'medium' ? 'medium (the default)' : level;
    results[level] = { ...t, missed, flagged };
    log(
      `rule-examples.json at --min-confidence ${name} (${items.length} kinds, scanned in ${ms.toFixed(0)} ms):`,
    );
    log(
      `  positives reported as the right kind:   ${t.right}/${t.positives} (${pct(t.right, t.positives)})` +
        `; ${t.wrongKind} found as another kind`,
    );
    log(
      `    secrets (not identifiers):            ${t.secretRight}/${t.secretPositives} (${pct(t.secretRight, t.secretPositives)})`,
    );
    log(
      `    identifiers carried by a finding:     ${t.identifiersCarried}/${t.identifiers} (bucket names, ARNs, client IDs, public keys, user names)`,
    );
    log(
      `  negatives silent (for their own kind):  ${t.negatives - t.flaggedOwnKind}/${t.negatives} (${pct(t.negatives - t.flaggedOwnKind, t.negatives)})`,
    );
    log(
      `  negatives silent (no finding at all):   ${t.negatives - t.flaggedAny}/${t.negatives} (${pct(t.negatives - t.flaggedAny, t.negatives)})`,
    );
    const first = level === runs[0];
    if (flag('--misses') && first) log(`  missed positives:\n    ${missed.join('\n    ')}`);
    if (flag('--flagged') && first) log(`  flagged negatives:\n    ${flagged.join('\n    ')}`);
    log();
  }
  out['ruleExamples'] = results;
}

// ---------------------------------------------------------------------------------------------------------
// Scans through the built CLI, as a user runs them.
interface JsonLocation {
  readonly path: string;
  readonly line: number;
  readonly provenance: {
    readonly kind: string;
    readonly introduced?: { readonly commit: string };
    readonly refs?: readonly string[];
  };
}
interface JsonFinding {
  readonly ruleId: string;
  readonly kind: string;
  readonly redacted: string;
  readonly secret: string;
  readonly identifier?: string;
  readonly confidence?: string;
  readonly field?: string;
  readonly locations: readonly JsonLocation[];
}
interface JsonReport {
  readonly summary: { readonly bytesScanned: number; readonly durationMs: number; readonly findings: number };
  readonly findings: readonly JsonFinding[];
}

function cli(args: readonly string[], cwd = ROOT): JsonReport {
  const extra = MIN_CONFIDENCE === undefined ? [] : ['--min-confidence', MIN_CONFIDENCE];
  const r = spawnSync(
    process.execPath,
    [BIN, ...args, '--format', 'json', '--show-secrets', '--no-save', '--exit-code', '0', ...extra],
    {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    },
  );
  if (r.status !== 0) throw new Error(`keyspill ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}

function mirror(bundle: string): string {
  const dir = join(CACHE, bundle.replace(/\.bundle$/, '.git'));
  if (!existsSync(dir)) {
    mkdirSync(CACHE, { recursive: true });
    const r = spawnSync('git', ['clone', '-q', '--mirror', join(CORPORA, bundle), dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git clone --mirror ${bundle}: ${r.stderr}`);
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------------------
// 2. History corpora with answer keys.
interface Answer {
  readonly file: string;
  readonly commit_introduced: string;
  readonly line?: number;
  readonly match?: string;
  readonly kind?: string;
}

/** True when the secret and the answer's line excerpt share a run of 8 characters (or one holds the other). */
function overlaps(match: string, secret: string): boolean {
  if (match.includes(secret) || secret.includes(match)) return true;
  for (let i = 0; i + 8 <= secret.length; i++) if (match.includes(secret.slice(i, i + 8))) return true;
  return false;
}

function historyCorpus(name: string): void {
  const bundle = `${name}.bundle`;
  const answersFile = join(CORPORA, `${name}.answers.json`);
  if (!existsSync(join(CORPORA, bundle)) || !existsSync(answersFile)) {
    log(`${name}: skipped, ${bundle} or its answers not found in ${CORPORA}`);
    return;
  }
  const answers = (JSON.parse(readFileSync(answersFile, 'utf8')) as { findings: Answer[] }).findings;
  const report = cli(['scan', 'git', mirror(bundle)]);
  const places = report.findings.flatMap((f) => f.locations.map((l) => ({ f, l })));
  const matched = new Set<(typeof places)[number]>();
  const found: string[] = [];
  const missed: string[] = [];
  for (const a of answers) {
    const hits = places.filter(
      ({ f, l }) =>
        l.path === a.file &&
        l.provenance.introduced?.commit.startsWith(a.commit_introduced) === true &&
        (a.line === undefined || l.line === a.line) &&
        (a.match === undefined ||
          overlaps(a.match, f.secret) ||
          (f.identifier !== undefined && overlaps(a.match, f.identifier))),
    );
    const label = `${a.file}${a.line === undefined ? '' : `:${a.line}`} @${a.commit_introduced}${a.kind === undefined ? '' : ` (${a.kind})`}`;
    if (hits.length === 0) missed.push(label);
    else {
      found.push(
        `${label} -> ${[...new Set(hits.map((h) => `${h.f.ruleId} [${h.f.confidence ?? '-'}]`))].join(', ')}`,
      );
      for (const h of hits) matched.add(h);
    }
  }
  const listedSecrets = new Set([...matched].map((m) => m.f.secret));
  const otherPlaces: string[] = [];
  const pullRefs: string[] = [];
  const falseFindings: string[] = [];
  for (const p of places) {
    if (matched.has(p)) continue;
    const line = `${p.f.ruleId} [${p.f.confidence ?? '-'}] ${p.f.redacted} at ${p.l.path}:${p.l.line} @${p.l.provenance.introduced?.commit.slice(0, 7) ?? '?'}`;
    const refs = p.l.provenance.refs ?? [];
    if (listedSecrets.has(p.f.secret)) otherPlaces.push(line);
    else if (
      refs.length > 0 &&
      refs.every((r) => r.startsWith('refs/remotes/pull/') || r.startsWith('refs/pull/'))
    )
      pullRefs.push(`${line} (only on ${refs.join(', ')})`);
    else falseFindings.push(line);
  }
  const tp = answers.length - missed.length;
  log(`${name} (full history, every ref; ${report.summary.findings} findings):`);
  log(`  found / expected:  ${tp}/${answers.length}  recall ${pct(tp, answers.length)}`);
  log(
    `  false findings:    ${falseFindings.length}  precision ${pct(matched.size, matched.size + falseFindings.length)} (over places)`,
  );
  for (const m of missed) log(`  MISSED  ${m}`);
  for (const f of found) log(`  found   ${f}`);
  for (const f of falseFindings) log(`  FALSE   ${f}`);
  for (const o of otherPlaces) log(`  same secret, another place: ${o}`);
  for (const o of pullRefs)
    log(`  pull-request refs only (extra positives, see the answer key's pr_refs_note): ${o}`);
  log();
  out[name] = {
    expected: answers.length,
    found: tp,
    recall: answers.length === 0 ? null : tp / answers.length,
    falseFindings,
    precision:
      matched.size + falseFindings.length === 0 ? null : matched.size / (matched.size + falseFindings.length),
    missed,
    otherPlacesOfListedSecrets: otherPlaces,
    pullRequestRefsOnly: pullRefs,
  };
}

// ---------------------------------------------------------------------------------------------------------
// 3. eslint full history.
function eslintHistory(): void {
  if (flag('--no-eslint')) return;
  if (!existsSync(join(CORPORA, 'eslint.bundle'))) {
    log(`eslint: skipped, eslint.bundle not found in ${CORPORA}`);
    return;
  }
  const report = cli(['scan', 'git', mirror('eslint.bundle')]);
  const gb = report.summary.bytesScanned / 1e9;
  log(
    `eslint (full history, every ref): ${report.findings.length} findings in ${gb.toFixed(2)} GB scanned = ${(report.findings.length / gb).toFixed(2)} per GB (${(report.summary.durationMs / 1000).toFixed(0)} s)`,
  );
  const listed = report.findings.map((f) => {
    const l = f.locations[0]!;
    return `${f.ruleId} [${f.confidence ?? '-'}]${f.field === undefined ? '' : ` field ${f.field}`} ${f.redacted} at ${l.path}:${l.line} @${l.provenance.introduced?.commit.slice(0, 7) ?? '?'} (${f.locations.length} place${f.locations.length === 1 ? '' : 's'})`;
  });
  for (const l of listed) log(`  ${l}`);
  log();
  out['eslint'] = { findings: report.findings.length, GB: gb, perGB: report.findings.length / gb, listed };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Real-world config fixtures.
interface FixtureAnswer {
  readonly file: string;
  readonly line: number;
  /** null for a credential with no field (a key file). */
  readonly field: string | null;
  readonly secret: string;
}
function configFixtures(): void {
  const dir = join(ROOT, 'test', 'fixtures', 'formats');
  const answersFile = join(ROOT, 'test', 'fixtures', 'formats.answers.json');
  if (!existsSync(answersFile)) {
    log('config fixtures: skipped, test/fixtures/formats.answers.json not found');
    return;
  }
  const answers = (JSON.parse(readFileSync(answersFile, 'utf8')) as { credentials: FixtureAnswer[] })
    .credentials;
  // Scanned from inside the folder, so paths are the files' own (home/dev/.netrc), not under test/.
  const report = cli(['scan', 'dir', '.'], dir);
  const places = report.findings.flatMap((f) => f.locations.map((l) => ({ f, l })));
  const matched = new Set<(typeof places)[number]>();
  const missed: string[] = [];
  let rightField = 0;
  for (const a of answers) {
    const hits = places.filter(
      ({ f, l }) => l.path === a.file && l.line === a.line && f.secret.includes(a.secret),
    );
    if (hits.length === 0) {
      missed.push(`${a.file}:${a.line} ${a.field}`);
      continue;
    }
    for (const h of hits) matched.add(h);
    if (a.field === null || hits.some((h) => h.f.field === a.field)) rightField++;
    else
      missed.push(
        `${a.file}:${a.line} found, but field ${hits.map((h) => h.f.field ?? 'none').join('/')} is not ${a.field}`,
      );
  }
  const extra = places
    .filter((p) => !matched.has(p))
    .map(
      (p) =>
        `${p.f.ruleId} ${p.f.redacted} at ${p.l.path}:${p.l.line}${p.f.field === undefined ? '' : ` (${p.f.field})`}`,
    );
  const found = answers.length - missed.filter((m) => !m.includes(' found, but')).length;
  log(`config fixtures (test/fixtures/formats, scan dir):`);
  log(`  found at the right line:      ${found}/${answers.length} (${pct(found, answers.length)})`);
  log(
    `  ... with the file's field name: ${rightField}/${answers.length} (${pct(rightField, answers.length)})`,
  );
  log(`  findings not in the answers:  ${extra.length}`);
  for (const m of missed) log(`  MISSED  ${m}`);
  for (const e of extra) log(`  EXTRA   ${e}`);
  log();
  out['configFixtures'] = { expected: answers.length, found, rightField, missed, extra };
}

await ruleCoverage();
historyCorpus('gg-sample_secrets');
historyCorpus('gitleaks-small');
configFixtures();
eslintHistory();
if (AS_JSON) console.log(JSON.stringify(out, null, 2));
