// Rule coverage: runs the built-in catalogue over Nosey Parker's example strings and reports hits and misses.
//
//   node scripts/rule-coverage.ts [--corpus FILE] [--misses] [--flagged]
//
// Positives should each yield a finding (from any rule); negatives should yield none. Kinds are Nosey
// Parker's rule names; COVERED lists the ones keyspill means to detect, so the headline number is not
// diluted by identifiers (bucket names, client IDs) and credential types the catalogue leaves out.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scanFragment } from '../src/detect/engine.ts';
import { buildRuleset } from '../src/detect/ruleset.ts';
import { loadBuiltinRules } from '../src/catalog/load.ts';

interface Item {
  readonly name: string;
  readonly id: string;
  readonly categories: readonly string[];
  readonly examples: readonly string[];
  readonly negative_examples: readonly string[];
}

/** Nosey Parker rule ids (np.<family>.<n>) whose credential type keyspill has a rule for. */
const COVERED = new Set([
  'np.anthropic.1',
  'np.artifactory.1',
  'np.atlassian.1',
  'np.aws.1',
  'np.aws.2',
  'np.aws.4',
  'np.aws.5',
  'np.appsync.1',
  'np.azure.1',
  'np.azure.2',
  'np.azure.3',
  'np.azure.4',
  'np.bitbucket.1',
  'np.cratesio.1',
  'np.databricks.1',
  'np.digitalocean.1',
  'np.digitalocean.2',
  'np.digitalocean.3',
  'np.dockerhub.1',
  'np.doppler.1',
  'np.doppler.2',
  'np.doppler.3',
  'np.doppler.4',
  'np.doppler.5',
  'np.doppler.6',
  'np.dropbox.1',
  'np.dynatrace.1',
  'np.figma.1',
  'np.generic.1',
  'np.generic.2',
  'np.generic.3',
  'np.generic.5',
  'np.generic.6',
  'np.generic.9',
  'np.generic.10',
  'np.github.1',
  'np.github.2',
  'np.github.3',
  'np.github.4',
  'np.github.6',
  'np.github.7',
  'np.gitlab.1',
  'np.gitlab.2',
  'np.gitlab.3',
  'np.google.2',
  'np.google.4',
  'np.google.5',
  'np.grafana.1',
  'np.grafana.2',
  'np.grafana.3',
  'np.groq.1',
  'np.pwhash.1',
  'np.pwhash.2',
  'np.pwhash.3',
  'np.pwhash.4',
  'np.pwhash.5',
  'np.hashicorp.1',
  'np.hashicorp.2',
  'np.hashicorp.3',
  'np.hashicorp.4',
  'np.hashicorp.5',
  'np.hashicorp.6',
  'np.heroku.1',
  'np.http.1',
  'np.http.2',
  'np.huggingface.1',
  'np.jwt.1',
  'np.mailchimp.1',
  'np.mailgun.1',
  'np.mapbox.2',
  'np.mapbox.3',
  'np.msteams.1',
  'np.mongodb.1',
  'np.netrc.1',
  'np.newrelic.1',
  'np.newrelic.3',
  'np.newrelic.4',
  'np.newrelic.5',
  'np.newrelic.6',
  'np.newrelic.7',
  'np.npm.1',
  'np.nuget.1',
  'np.odbc.1',
  'np.okta.1',
  'np.openai.1',
  'np.pem.1',
  'np.pem.2',
  'np.postgres.1',
  'np.postman.1',
  'np.postmark.1',
  'np.pypi.1',
  'np.rubygems.1',
  'np.sendgrid.1',
  'np.shopify.2',
  'np.shopify.3',
  'np.shopify.4',
  'np.shopify.5',
  'np.slack.2',
  'np.slack.3',
  'np.slack.4',
  'np.slack.5',
  'np.slack.6',
  'np.sourcegraph.1',
  'np.square.1',
  'np.square.2',
  'np.stripe.1',
  'np.stripe.2',
  'np.tavily.1',
  'np.telegram.1',
  'np.twilio.1',
  'np.twitch.1',
  'np.wireguard.1',
  'np.wireguard.2',
  'np.age.2',
]);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const corpus =
  arg('--corpus') ?? fileURLToPath(new URL('../../shared/corpora/rule-examples.json', import.meta.url));
if (!existsSync(corpus)) {
  console.log(`rule-coverage: skipped, corpus not found at ${corpus} (see ../shared/corpora/README.md)`);
  process.exit(0);
}

const { items } = JSON.parse(readFileSync(corpus, 'utf8')) as { items: Item[] };
const ruleset = buildRuleset(await loadBuiltinRules());
const scan = (text: string): string[] =>
  scanFragment(
    { text, path: 'example', provenance: { kind: 'stdin', name: 'example' } },
    ruleset,
  ).matches.map((m) => m.ruleId);

interface Tally {
  total: number;
  hit: number;
}
const tally = (): Tally => ({ total: 0, hit: 0 });
const all = { pos: tally(), neg: tally(), coveredPos: tally(), coveredNeg: tally(), crossKind: 0 };
// Negatives are per kind: a string may be another kind's positive (a Slack bot token is a user-token negative).
const positives = new Set(items.flatMap((i) => i.examples));
const missesByKind = new Map<string, { name: string; missed: number; total: number; covered: boolean }>();
const missed: string[] = [];
const flagged: string[] = [];
const started = performance.now();

for (const item of items) {
  const covered = COVERED.has(item.id);
  for (const ex of item.examples) {
    const hit = scan(ex).length > 0;
    all.pos.total++;
    if (hit) all.pos.hit++;
    if (covered) {
      all.coveredPos.total++;
      if (hit) all.coveredPos.hit++;
    }
    const k = missesByKind.get(item.id) ?? { name: item.name, missed: 0, total: 0, covered };
    k.total++;
    if (!hit) {
      k.missed++;
      missed.push(`${item.id}${covered ? '' : ' (not covered)'}: ${JSON.stringify(ex).slice(0, 160)}`);
    }
    missesByKind.set(item.id, k);
  }
  for (const ex of item.negative_examples) {
    const rules = scan(ex);
    all.neg.total++;
    if (rules.length > 0) {
      all.neg.hit++;
      const cross = positives.has(ex);
      if (cross) all.crossKind++;
      flagged.push(
        `${item.id}${cross ? " (another kind's positive)" : ''} -> ${[...new Set(rules)].join(', ')}: ${JSON.stringify(ex).slice(0, 160)}`,
      );
    }
    if (covered) {
      all.coveredNeg.total++;
      if (rules.length > 0) all.coveredNeg.hit++;
    }
  }
}

const pct = (t: Tally): string =>
  `${t.hit}/${t.total} (${t.total === 0 ? 0 : ((100 * t.hit) / t.total).toFixed(1)}%)`;
console.log(`corpus: ${corpus}`);
console.log(`rules: ${ruleset.rules.length}, scan time ${(performance.now() - started).toFixed(0)} ms`);
console.log(`positives detected (any rule):        ${pct(all.pos)}`);
console.log(`  of kinds keyspill covers:           ${pct(all.coveredPos)}`);
console.log(`negatives with any finding:           ${pct(all.neg)}`);
console.log(`  of kinds keyspill covers:           ${pct(all.coveredNeg)}`);
console.log(`  that are another kind's positive:   ${all.crossKind}`);
console.log('\nmisses by kind (top 30):');
const top = [...missesByKind.entries()]
  .filter(([, k]) => k.missed > 0)
  .sort(
    (a, b) =>
      b[1].missed - a[1].missed || Number(b[1].covered) - Number(a[1].covered) || a[0].localeCompare(b[0]),
  )
  .slice(0, 30);
for (const [id, k] of top) {
  console.log(
    `  ${String(k.missed).padStart(3)}/${String(k.total).padEnd(3)} ${id} ${k.name}${k.covered ? '' : '  [not covered]'}`,
  );
}
if (process.argv.includes('--misses')) console.log(`\nmissed positives:\n  ${missed.join('\n  ')}`);
if (process.argv.includes('--flagged')) console.log(`\nflagged negatives:\n  ${flagged.join('\n  ')}`);
