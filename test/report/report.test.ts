// Reporters: every format renders a hand-built scan result, validates against its schema and never leaks a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Log } from 'sarif';
import type { Finding } from '../../src/model/match.ts';
import type { ScanResult, ScanSummary } from '../../src/model/result.ts';
import { csvCell } from '../../src/report/csv.ts';
import { FORMAT_NAMES } from '../../src/report/formats.ts';
import { REPORTERS, formatForPath, isFormatName } from '../../src/report/registry.ts';
import { pathToUri } from '../../src/report/sarif.ts';
import type { RenderOptions } from '../../src/report/types.ts';

// CommonJS packages typed with `export default`: under NodeNext the default import is module.exports, whose
// `.default` is the same function at run time and the only callable one to TypeScript.
const addFormats = addFormatsModule.default;
const AjvDraft04 = Ajv04.default;

const readJson = (rel: string): object =>
  JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as object;

const reportAjv = new Ajv2020({ allErrors: true, strict: true });
addFormats(reportAjv);
const validateReport = reportAjv.compile(readJson('../../schema/report-v1.schema.json'));

// The official schema has a language-tag pattern that is invalid with the `u` flag (`…{2}]?$`), so no unicode regexps.
const sarifAjv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(sarifAjv);
const validateSarif = sarifAjv.compile(readJson('../fixtures/sarif-2.1.0-rtm.5.schema.json'));

const AWS_SECRET = 'AKIAQYLPMN5HFIQR7XYA';
const TOKEN_SECRET = 'tok_Zx9"q,w\nerty=123456';

const commit = {
  commit: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  path: 'deploy/old name.sh',
  author: 'Alice Example',
  email: 'alice@example.com',
  date: '2024-01-02T03:04:05+01:00',
  // A commit summary quoting the secret: the reporters must scrub it.
  summary: `add deploy key ${AWS_SECRET}`,
};

const awsFinding: Finding = {
  fingerprint: 'aws-access-key-id:0123456789abcdef',
  ruleId: 'aws-access-key-id',
  kind: 'aws-access-key',
  severity: 'critical',
  description: 'AWS access key ID',
  secret: AWS_SECRET,
  redacted: 'AKIA…(20)',
  entropy: 3.684183719779189,
  confidence: 'high',
  locations: [
    {
      provenance: { kind: 'file', path: 'config/prod env.ini' },
      path: 'config/prod env.ini',
      line: 3,
      column: 19,
      endLine: 3,
      endColumn: 39,
      decodedFrom: [],
    },
    {
      provenance: { kind: 'file', path: 'data/blob.txt' },
      path: 'data/blob.txt',
      line: 1,
      column: 5,
      endLine: 1,
      endColumn: 33,
      decodedFrom: ['base64'],
    },
    {
      provenance: {
        kind: 'git',
        repo: '/repos/app',
        blob: 'ffeeddccbbaa99887766554433221100ffeeddcc',
        path: 'deploy/old name.sh',
        introduced: commit,
        seenIn: [commit, { ...commit, commit: '9999999999999999999999999999999999999999', summary: 'copy' }],
        atHead: false,
        refs: ['refs/heads/main'],
      },
      path: 'deploy/old name.sh',
      line: 4,
      column: 1,
      endLine: 4,
      endColumn: 21,
      decodedFrom: [],
    },
  ],
};

const tokenFinding: Finding = {
  fingerprint: 'generic-token:fedcba9876543210',
  ruleId: 'generic-token',
  kind: 'generic',
  severity: 'medium',
  description: 'Generic API token',
  secret: TOKEN_SECRET,
  redacted: 'tok_…(22)',
  entropy: 4.1,
  confidence: 'medium',
  lowered: ['test or fixture path'],
  field: 'API_TOKEN',
  locations: [
    {
      provenance: { kind: 'stdin', name: '<stdin>' },
      path: '<stdin>',
      line: 2,
      column: 7,
      endLine: 3,
      endColumn: 12,
      decodedFrom: [],
    },
    {
      provenance: { kind: 'staged', repo: '/repos/app', path: '=HYPERLINK("x"),a\nb.env' },
      path: '=HYPERLINK("x"),a\nb.env',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 23,
      decodedFrom: [],
    },
    {
      provenance: {
        kind: 'git',
        repo: '/repos/app',
        blob: '0011223344556677889900112233445566778899',
        path: 'src/app.ts',
        introduced: undefined,
        seenIn: [],
        atHead: true,
      },
      path: 'src/app.ts',
      line: 10,
      column: 3,
      endLine: 10,
      endColumn: 25,
      decodedFrom: ['base64', 'hex'],
    },
  ],
};

const emptySummary: ScanSummary = {
  source: 'dir',
  targets: ['.'],
  itemsScanned: 0,
  bytesScanned: 0,
  durationMs: 3,
  rules: 2,
  findings: 0,
  ignored: 0,
  baselined: 0,
  suppressed: {
    configAllowlist: 0,
    ruleAllowlists: 0,
    inlineAllow: 0,
    ignoreFile: 0,
    baseline: 0,
    lowConfidence: 0,
  },
  skipped: {},
  skippedItems: [],
  cutShort: [],
  incomplete: false,
  notes: [],
};

const full: ScanResult = {
  summary: {
    ...emptySummary,
    itemsScanned: 42,
    bytesScanned: 123_456,
    durationMs: 1234.5,
    findings: 2,
    ignored: 1,
    baselined: 2,
    suppressed: {
      configAllowlist: 4,
      ruleAllowlists: 0,
      inlineAllow: 3,
      ignoreFile: 1,
      baseline: 2,
      lowConfidence: 5,
    },
    minConfidence: 'medium',
    skipped: { binary: 3, 'too-large': 1, unreadable: 2 },
    skippedItems: [
      { path: 'img/logo.png', reason: 'binary' },
      { path: 'dump.sql', reason: 'too-large', detail: '120 MiB' },
    ],
    cutShort: [{ ruleId: 'generic-token', path: 'vendor/huge.min.js' }],
    incomplete: true,
    notes: ['2 paths could not be read'],
  },
  findings: [awsFinding, tokenFinding],
};

const empty: ScanResult = { summary: emptySummary, findings: [] };

const hidden: RenderOptions = { showSecrets: false, color: false, toolVersion: '0.1.0' };
const shown: RenderOptions = { ...hidden, showSecrets: true };
const coloured: RenderOptions = { ...hidden, color: true };

const ESC = '\u001b';

test('registry: every format is listed and has a reporter', () => {
  assert.deepEqual([...FORMAT_NAMES], ['text', 'json', 'sarif', 'csv']);
  for (const name of FORMAT_NAMES) {
    assert.equal(typeof REPORTERS[name].render, 'function');
    assert.ok(REPORTERS[name].description.length > 0);
  }
  assert.equal(isFormatName('sarif'), true);
  assert.equal(isFormatName('toString'), false);
  assert.equal(formatForPath('out/results.SARIF'), 'sarif');
  assert.equal(formatForPath('report.xml'), undefined);
});

test('no format leaks a secret when showSecrets is false', () => {
  for (const name of FORMAT_NAMES) {
    for (const options of [hidden, coloured]) {
      const out = REPORTERS[name].render(full, options);
      for (const secret of [AWS_SECRET, TOKEN_SECRET, 'Zx9', 'erty=123456']) {
        assert.ok(!out.includes(secret), `${name} (color=${options.color}) leaks ${JSON.stringify(secret)}`);
      }
      // The secret quoted in a commit summary is shown redacted.
      if (name === 'text' || name === 'json') assert.ok(out.includes('add deploy key AKIA…(20)'), name);
    }
  }
});

test('text and json show the secret when showSecrets is true', () => {
  for (const name of ['text', 'json', 'csv', 'sarif'] as const) {
    const out = REPORTERS[name].render(full, shown);
    assert.ok(out.includes(AWS_SECRET), `${name} should show the secret`);
  }
  const report = JSON.parse(REPORTERS.json.render(full, shown)) as { findings: { secret?: string }[] };
  assert.equal(report.findings[1]?.secret, TOKEN_SECRET);
});

test('json validates against schema/report-v1.schema.json', () => {
  for (const [result, options] of [
    [full, hidden],
    [full, shown],
    [empty, hidden],
  ] as const) {
    const out = REPORTERS.json.render(result, options);
    assert.ok(out.endsWith('}\n'));
    const value: unknown = JSON.parse(out);
    assert.ok(validateReport(value), JSON.stringify(validateReport.errors, null, 2));
  }
});

test('the validators do reject bad documents', () => {
  const report = JSON.parse(REPORTERS.json.render(full, hidden)) as { findings: Record<string, unknown>[] };
  report.findings[0]!['extra'] = true;
  assert.equal(validateReport(report), false);
  const log = JSON.parse(REPORTERS.sarif.render(full, hidden)) as Record<string, unknown>;
  log['version'] = '2.0.0';
  assert.equal(validateSarif(log), false);
});

test('json envelope: version, rounded entropy, fixed key order, no secret by default', () => {
  const out = REPORTERS.json.render(full, hidden);
  assert.equal(out, REPORTERS.json.render(full, hidden));
  const report = JSON.parse(out) as Record<string, unknown> & {
    findings: Record<string, unknown>[];
    summary: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(report), ['$schema', 'version', 'tool', 'summary', 'findings']);
  assert.equal(report['$schema'], 'https://keyspill.dev/schema/report-v1.json');
  assert.equal(report['version'], 1);
  assert.deepEqual(report['tool'], { name: 'keyspill', version: '0.1.0' });
  const f = report.findings[0]!;
  assert.deepEqual(Object.keys(f), [
    'fingerprint',
    'ruleId',
    'kind',
    'severity',
    'description',
    'redacted',
    'entropy',
    'confidence',
    'locations',
  ]);
  assert.equal(f['entropy'], 3.68);
  assert.equal(f['confidence'], 'high');
  const token = report.findings[1]!;
  assert.equal(token['confidence'], 'medium');
  assert.deepEqual(token['lowered'], ['test or fixture path']);
  assert.equal(token['field'], 'API_TOKEN');
  assert.deepEqual(report.summary['suppressed'], {
    configAllowlist: 4,
    ruleAllowlists: 0,
    inlineAllow: 3,
    ignoreFile: 1,
    baseline: 2,
    lowConfidence: 5,
  });
  assert.equal(report.summary['minConfidence'], 'medium');
  assert.equal('secret' in f, false);
  assert.deepEqual(report.summary['skipped'], { binary: 3, 'too-large': 1, unreadable: 2 });
  assert.ok(out.includes('\n  "version": 1,\n'), 'two-space indentation');
  const git = (report.findings[1]!['locations'] as { provenance: Record<string, unknown> }[])[2]!.provenance;
  assert.equal(git['introduced'], null);
});

test('sarif validates against the SARIF 2.1.0 schema', () => {
  for (const [result, options] of [
    [full, hidden],
    [full, shown],
    [empty, hidden],
  ] as const) {
    const value: unknown = JSON.parse(REPORTERS.sarif.render(result, options));
    assert.ok(validateSarif(value), JSON.stringify(validateSarif.errors, null, 2));
  }
});

test('sarif: rules, results, fingerprints, locations and git properties', () => {
  const log = JSON.parse(REPORTERS.sarif.render(full, hidden)) as Log;
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules ?? [];
  assert.deepEqual(
    rules.map((r) => r.id),
    ['aws-access-key-id', 'generic-token'],
  );
  assert.equal(rules[0]!.properties?.['security-severity'], '9.5');
  assert.equal(rules[1]!.properties?.['security-severity'], '5.5');
  assert.equal(rules[0]!.defaultConfiguration?.level, 'error');
  assert.match(rules[0]!.help?.markdown ?? '', /keyspill respond incident --finding/);
  const results = run.results ?? [];
  assert.equal(results.length, 6);
  for (const r of results) {
    const finding = full.findings.find((f) => f.ruleId === r.ruleId)!;
    assert.deepEqual(r.partialFingerprints, { 'keyspill/v1': finding.fingerprint });
    assert.equal(rules[r.ruleIndex!]!.id, r.ruleId);
    assert.ok(r.message.text?.includes(finding.redacted));
  }
  assert.equal(results[0]!.level, 'error');
  assert.equal(results[3]!.level, 'warning');
  const loc0 = results[0]!.locations![0]!.physicalLocation!;
  assert.deepEqual(loc0.artifactLocation, { uri: 'config/prod%20env.ini', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(loc0.region, { startLine: 3, startColumn: 19, endLine: 3, endColumn: 39 });
  assert.deepEqual(results[2]!.properties, {
    commit: commit.commit,
    author: 'Alice Example',
    date: commit.date,
    atHead: false,
    confidence: 'high',
    why: 'rule aws-access-key-id, entropy 3.68 bits/char',
  });
  assert.deepEqual(results[5]!.properties, {
    atHead: true,
    confidence: 'medium',
    why: 'rule generic-token, field API_TOKEN, entropy 4.10 bits/char',
    field: 'API_TOKEN',
    lowered: ['test or fixture path'],
    decodedFrom: ['base64', 'hex'],
  });
  // Confidence is SARIF's rank (per result) and precision (per rule).
  assert.equal(results[0]!.rank, 90);
  assert.equal(results[5]!.rank, 60);
  assert.equal(rules[0]!.properties?.precision, 'very-high');
  assert.equal(rules[1]!.properties?.precision, 'medium');
  assert.equal(run.invocations?.[0]?.executionSuccessful, false);
});

test('sarif: only rules with results; empty run has no rules and no results', () => {
  const log = JSON.parse(REPORTERS.sarif.render({ ...full, findings: [tokenFinding] }, hidden)) as Log;
  assert.deepEqual(
    log.runs[0]!.tool.driver.rules?.map((r) => r.id),
    ['generic-token'],
  );
  assert.ok(log.runs[0]!.results?.every((r) => r.ruleIndex === 0));
  const none = JSON.parse(REPORTERS.sarif.render(empty, hidden)) as Log;
  assert.deepEqual(none.runs[0]!.results, []);
  assert.deepEqual(none.runs[0]!.tool.driver.rules, []);
});

test('sarif: paths become relative URIs with forward slashes and percent-encoding', () => {
  const cases: [string, string][] = [
    ['src/app.ts', 'src/app.ts'],
    ['dir with space/a#b?.txt', 'dir%20with%20space/a%23b%3F.txt'],
    ['win\\path\\file.txt', 'win/path/file.txt'],
    ['./rel/100%.txt', 'rel/100%25.txt'],
    ['c:colon', 'c%3Acolon'],
    ['ünï.txt', '%C3%BCn%C3%AF.txt'],
  ];
  for (const [path, uri] of cases) assert.equal(pathToUri(path), uri, path);
});

test('text: findings, locations, next steps and summary', () => {
  const out = REPORTERS.text.render(full, hidden);
  for (const expected of [
    'CRITICAL',
    'AWS access key ID',
    '(aws-access-key-id)',
    'AKIA…(20)',
    'aws-access-key-id:0123456789abcdef',
    'config/prod env.ini:3:19',
    'data/blob.txt:1:5  (decoded from base64)',
    'deploy/old name.sh:4:1  (not at HEAD: history or other refs only)',
    'introduced in 1a2b3c4 by Alice Example on 2024-01-02: add deploy key AKIA…(20)',
    'also in 1 other commit',
    'src/app.ts:10:3  (still at HEAD; decoded from base64, then hex)',
    '<stdin>:2:7  (stdin)',
    'introducing commit unknown',
    'Rotate: Deactivate the access key in IAM',
    'does not remove it from git history',
    'keyspill respond incident --finding aws-access-key-id:0123456789abcdef',
    '.keyspillignore',
    'keyspill:allow',
    '2 findings: 1 critical, 1 medium',
    'Scanned 42 items (120.6 KiB) with 2 rules in 1.2 s',
    'Skipped: 3 binary, 1 too-large, 2 unreadable',
    'rule generic-token exceeded its time budget on vendor/huge.min.js',
    'Note: 2 paths could not be read',
    'Scan incomplete',
    'Suppressed: 4 by the allowlist in .keyspill.yaml, 3 by inline keyspill:allow, 1 by .keyspillignore, 2 in the baseline, 5 below --min-confidence medium',
    // Why each finding fired, and how sure it is.
    'Confidence   high',
    'Why          rule aws-access-key-id, entropy 3.68 bits/char',
    'Confidence   medium (lowered: test or fixture path)',
    'Why          rule generic-token, field API_TOKEN, entropy 4.10 bits/char',
  ]) {
    assert.ok(out.includes(expected), `text lacks ${JSON.stringify(expected)}\n${out}`);
  }
  assert.ok(!out.includes(ESC), 'no ANSI escapes without color');
  // A newline in a path is shown escaped, not as a line break.
  assert.ok(out.includes('=HYPERLINK("x"),a\\u{a}b.env:1:1  (staged change)'));
});

test('text: colour only when asked, and untrusted text cannot inject escapes', () => {
  const evil: ScanResult = {
    ...full,
    findings: [
      {
        ...awsFinding,
        locations: [
          { ...awsFinding.locations[0]!, path: `evil${ESC}[2Jname`, provenance: { kind: 'file', path: 'x' } },
        ],
      },
    ],
  };
  assert.ok(!REPORTERS.text.render(evil, hidden).includes(ESC));
  const out = REPORTERS.text.render(evil, coloured);
  assert.ok(out.includes(`${ESC}[`), 'colour codes present');
  assert.ok(!out.includes(`${ESC}[2J`), 'escape from a path is neutralised');
  assert.ok(out.includes('evil\\u{1b}[2Jname'));
});

test('text: no findings says so and still summarises', () => {
  const out = REPORTERS.text.render(empty, hidden);
  assert.match(out, /^No leaks found\./);
  assert.match(out, /Scanned 0 items \(0 B\) with 2 rules in 3 ms/);
  assert.ok(!out.includes('Scan incomplete'));
  assert.ok(out.endsWith('\n'));
});

test('csv: header, one row per location, RFC 4180 quoting and formula guard', () => {
  const out = REPORTERS.csv.render(full, hidden);
  const lines = out.split('\r\n');
  assert.equal(
    lines[0],
    'fingerprint,ruleId,kind,severity,path,line,column,redacted,provenance,commit,identifier,image,manifestDigest,platform,layerIndex,layerDigest,createdBy,visibility,confidence',
  );
  assert.equal(lines.at(-1), '', 'every record ends with CRLF');
  assert.equal(
    lines[3],
    `aws-access-key-id:0123456789abcdef,aws-access-key-id,aws-access-key,critical,deploy/old name.sh,4,1,AKIA…(20),git,${commit.commit},,,,,,,,,high`,
  );
  // The staged path starts with '=' and holds a quote, a comma and a newline.
  assert.ok(out.includes(`,"'=HYPERLINK(""x""),a\nb.env",1,1,tok_…(22),staged,,,,,,,,,,medium\r\n`), out);
  assert.equal(
    REPORTERS.csv.render(empty, hidden),
    'fingerprint,ruleId,kind,severity,path,line,column,redacted,provenance,commit,identifier,image,manifestDigest,platform,layerIndex,layerDigest,createdBy,visibility,confidence\r\n',
  );
  const withSecret = REPORTERS.csv.render(full, shown);
  assert.ok(
    withSecret.startsWith(
      'fingerprint,ruleId,kind,severity,path,line,column,redacted,provenance,commit,identifier,image,manifestDigest,platform,layerIndex,layerDigest,createdBy,visibility,confidence,secret\r\n',
    ),
  );
  assert.ok(withSecret.includes(`,"tok_Zx9""q,w\nerty=123456"\r\n`));
});

test('csv: cell escaping table', () => {
  const cases: [string | number, string][] = [
    ['plain', 'plain'],
    [42, '42'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['=a,"b"', `"'=a,""b"""`],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(csvCell(input), expected, JSON.stringify(input));
});

test('every format renders an empty result', () => {
  for (const name of FORMAT_NAMES) {
    const out = REPORTERS[name].render(empty, hidden);
    assert.ok(out.length > 0 && out.endsWith('\n'), name);
  }
});
