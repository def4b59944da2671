// Saved scans: a scan with findings keeps a redacted report in the state folder; findFinding reads it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.ts';
import { findFinding, MAX_SAVED_SCANS, saveScan, savedScans } from '../../src/state/scans.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const ID = 'AKIAQYLPMN5HFIQR7XYA';
const SECRET = 'Tg0pz8Jii8hkLx4+PnUisM8GmKs3a2DK+9qz/lie';

test('a scan with findings is saved redacted (0600, even with --show-secrets); --no-save and clean scans are not', () => {
  const root = tempDir();
  const state = join(tempDir(), 'state');
  writeTree(root, { 'creds.env': `AWS_ACCESS_KEY_ID=${ID}\nAWS_SECRET_ACCESS_KEY=${SECRET}\n` });
  const shown = runCli(['scan', 'dir', '.', '--show-secrets', '--state-dir', state], { cwd: root });
  assert.equal(shown.code, 1, shown.stderr);
  assert.ok(shown.stdout.includes(SECRET), '--show-secrets shows it on stdout');
  const saved = savedScans(state);
  assert.equal(saved.length, 1);
  const text = readFileSync(saved[0]!, 'utf8');
  assert.ok(!text.includes(SECRET), 'never saved in clear');
  assert.equal(statSync(saved[0]!).mode & 0o777, 0o600);
  assert.equal(statSync(join(state, 'scans')).mode & 0o777, 0o700);
  const { finding, reportFile } = findFinding(
    (JSON.parse(text) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint,
    { stateDir: state },
  );
  assert.equal(reportFile, saved[0]);
  assert.equal(finding.kind, 'aws-access-key');
  assert.equal(finding.identifier, ID);

  assert.equal(runCli(['scan', 'dir', '.', '--no-save', '--state-dir', state], { cwd: root }).code, 1);
  const clean = tempDir();
  writeTree(clean, { 'a.txt': 'nothing\n' });
  assert.equal(runCli(['scan', 'dir', '.', '--state-dir', state], { cwd: clean }).code, 0);
  assert.equal(savedScans(state).length, 1);

  const env = runCli(['scan', 'dir', '.'], { cwd: root, env: { KEYSPILL_STATE_DIR: state } });
  assert.equal(env.code, 1);
  assert.equal(savedScans(state).length, 2, 'KEYSPILL_STATE_DIR is honoured');
});

test('findFinding: from --report (a report or a --json envelope), newest saved scan first, clear errors', () => {
  const state = tempDir();
  const finding = (fp: string, id: string) => ({
    fingerprint: fp,
    ruleId: 'r',
    kind: 'k',
    severity: 'high',
    description: 'd',
    redacted: 'x…(9)',
    identifier: id,
    locations: [],
  });
  saveScan(
    state,
    { version: 1, findings: [finding('r:0000000000000001', 'old')] },
    new Date('2026-01-01T00:00:00Z'),
  );
  saveScan(
    state,
    { version: 1, findings: [finding('r:0000000000000001', 'new')] },
    new Date('2026-02-01T00:00:00Z'),
  );
  assert.equal(findFinding('r:0000000000000001', { stateDir: state }).finding.identifier, 'new');

  const report = join(tempDir(), 'scan.json');
  writeFileSync(
    report,
    JSON.stringify({ status: 1, result: { version: 1, findings: [finding('r:00000000000000ff', 'env')] } }),
  );
  assert.equal(
    findFinding('r:00000000000000ff', { reportFile: report, stateDir: state }).finding.identifier,
    'env',
  );

  assert.throws(
    () => findFinding('r:0000000000000009', { stateDir: state }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /no finding with fingerprint r:0000000000000009 in any of the 2 saved scan/.test(e.message) &&
      /--report/.test(e.hint ?? ''),
  );
  const notJson = join(tempDir(), 'bad.json');
  writeFileSync(notJson, 'AKIA... this is not json');
  assert.throws(
    () => findFinding('r:0000000000000001', { reportFile: notJson, stateDir: state }),
    (e: unknown) => e instanceof ConfigError && /is not JSON/.test(e.message) && !e.message.includes('AKIA'),
  );
});

test('saved scans are bounded: the oldest are removed', () => {
  const state = tempDir();
  for (let i = 0; i < MAX_SAVED_SCANS + 3; i++)
    saveScan(state, { version: 1, findings: [] }, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
  assert.equal(readdirSync(join(state, 'scans')).length, MAX_SAVED_SCANS);
  assert.match(savedScans(state).at(-1)!, /20260101T000003Z/);
});

test('a rule that pairs with a rule id nobody defines is a config error', () => {
  const root = tempDir();
  writeTree(root, {
    'r.yml': `rules:\n  - id: acme-secret\n    description: d\n    kind: acme\n    regex: 'acme_([a-z0-9]{16})'\n    pairWith: acme-id-typo\n    examples: ['acme_0a1b2c3d4e5f6a7b']\n`,
    'a.txt': 'x\n',
  });
  const r = runCli(['scan', 'dir', '.', '--rules', 'r.yml'], { cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pairs with "acme-id-typo", which no rule file defines/);
});
