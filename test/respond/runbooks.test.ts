// Runbooks as data and the engine through the CLI without AWS: checks, bad input, manual and exec steps, lock, tampering, Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BIN, jsonResult, type CliResult } from '../helpers/cli.ts';
import { assertNoSecrets, ks, type Ks } from '../helpers/respond.ts';
import { writeTree } from '../helpers/tmp.ts';

const EXEC_RUNBOOK = (script: string, extra = '') => `
version: 1
name: ours
description: Our own containment for partner tokens.
kinds: [partner-token]
params:
  team: { description: Who owns it, default: payments }
steps:
  - id: revoke
    kind: exec
    title: Revoke through our partner CLI
    with:
      run: ["${process.execPath}", "${script}", "{{ credential.id }}", "{{ params.team }}"]
${extra}
  - id: tell-partner
    kind: manual
    title: Tell the partner
    with: { instructions: "Email the partner about {{ credential.id }}" }
`;

function withRunbooks(k: Ks, files: Record<string, string>): void {
  writeTree(k.cwd, { '.keyspill.yaml': 'version: 1\nrespond:\n  runbooks: ops/runbooks\n', ...files });
}

/** Spawns the CLI without waiting (for concurrency and signals). */
function start(k: Ks, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: k.cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', KEYSPILL_STATE_DIR: k.state, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  const waitFor = async (re: RegExp): Promise<void> => {
    for (let i = 0; i < 200 && !re.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(stdout, re);
  };
  return { child, done, waitFor };
}

describe('runbooks list / check', () => {
  test('the built-in runbooks are valid and listed with their step kinds; an organisation folder adds its own', async () => {
    const k = ks();
    writeTree(k.cwd, { 'partner.js': '' });
    withRunbooks(k, { 'ops/runbooks/ours.yml': EXEC_RUNBOOK(join(k.cwd, 'partner.js')) });
    const list = jsonResult<{
      runbooks: { name: string; source: string; kinds: string[] }[];
      stepKinds: { kind: string }[];
    }>(await k.run(['runbooks', 'list', '--json']));
    assert.deepEqual(
      list.runbooks.map((r) => [r.name, r.source]),
      [
        ['aws-access-key', 'builtin'],
        ['generic', 'builtin'],
        ['rds-master-password', 'builtin'],
        ['secretsmanager-secret', 'builtin'],
        ['ours', 'config'],
      ],
    );
    for (const kind of ['aws.access-key.deactivate', 'aws.access-key.rotate', 'manual', 'exec'])
      assert.ok(
        list.stepKinds.some((s) => s.kind === kind),
        kind,
      );
    const check = await k.run([
      'runbooks',
      'check',
      join(import.meta.dirname, '../../runbooks/aws-access-key.yml'),
      'ops/runbooks/ours.yml',
    ]);
    assert.equal(check.code, 0, check.stdout);
  });

  test('check names the file, line and problem: unknown step kind, unknown input, bad and forward references, bad YAML', async () => {
    const k = ks();
    writeTree(k.cwd, {
      'bad.yml': [
        'name: bad', // 1
        'description: broken on purpose', // 2
        'kinds: [aws-access-key]', // 3
        'steps:', // 4
        '  - id: first', // 5
        '    kind: aws.access-key.revoke', // 6
        '    title: no such kind', // 7
        '  - id: second', // 8
        '    kind: aws.access-key.deactivate', // 9
        '    title: bad references', // 10
        '    with:', // 11
        '      accessKeyId: "{{ credentail.id }}"', // 12
        '      userName: "{{ steps.third.user }}"', // 13
        '      account: "{{ steps.first.account }}"', // 14
        '      colour: blue', // 15
        '  - id: third', // 16
        '    kind: manual', // 17
        '    title: x', // 18
        '    with: { instructions: "{{ params.nope }}" }', // 19
      ].join('\n'),
      'yaml.yml': 'name: x\nsteps: [\n',
    });
    const r = await k.run(['runbooks', 'check', 'bad.yml', 'yaml.yml', '--json']);
    assert.equal(r.code, 2);
    const res = jsonResult<{ files: { problems: { line: number; message: string }[] }[] }>(r);
    const got = res.files[0]!.problems.map((p) => `${p.line}: ${p.message}`);
    const expect = [
      /^6: unknown step kind "aws.access-key.revoke"/,
      /^15: aws.access-key.deactivate has no input "colour"/,
      /^12: \{\{ credentail.id \}\}: unknown root "credentail"/,
      /^13: \{\{ steps.third.user \}\}: "third" is not an earlier step/,
      /^19: \{\{ params.nope \}\}: no parameter "nope"/,
    ];
    for (const re of expect)
      assert.ok(
        got.some((g) => re.test(g)),
        `${re} in ${got.join(' | ')}`,
      );
    assert.match(res.files[1]!.problems[0]!.message, /invalid YAML/);
    const inc = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      'AKIAIOSFODNN7EXAMPLE',
      '--runbook',
      'bad.yml',
      '--yes',
    ]);
    assert.equal(inc.code, 2);
    assert.match(
      inc.stderr,
      /runbook .*bad.yml is not valid:\n.*bad.yml:6: steps\[0\].kind: unknown step kind/,
    );
    assert.deepEqual(k.incidents(), []);
  });
});

describe('bad input: a clear message, exit 2, nothing started', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'unknown kind',
      ['--kind', 'gcp-key', '--id', 'x'],
      /unknown credential kind "gcp-key"\n.*aws-access-key, generic, rds-master-password, secretsmanager-secret/,
    ],
    [
      'malformed key id',
      ['--kind', 'aws-access-key', '--id', 'AKIA123'],
      /--id AKIA123 is not an AWS access key ID/,
    ],
    [
      'a secret key instead of the id',
      ['--kind', 'aws-access-key', '--id', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
      /not an AWS access key ID.*\n.*not the secret access key/,
    ],
    ['temporary key', ['--kind', 'aws-access-key', '--id', 'ASIAIOSFODNN7EXAMPLE'], /temporary \(STS\) key/],
    ['missing id', ['--kind', 'aws-access-key'], /--kind aws-access-key needs --id/],
    ['nothing at all', [], /say which credential leaked/],
    [
      'undeclared parameter',
      ['--kind', 'generic', '--name', 'x', '--param', 'colour=blue'],
      /runbook generic has no parameter "colour"/,
    ],
    [
      'bad --since',
      ['--kind', 'generic', '--name', 'x', '--since', 'yesterday-ish'],
      /--since yesterday-ish is neither a date nor a duration/,
    ],
  ];
  for (const [name, args, re] of cases)
    test(name, async () => {
      const k = ks();
      const r = await k.run(['respond', 'incident', ...args, '--yes']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.deepEqual(k.incidents(), []);
    });

  test('a finding fingerprint that is not in the report', async () => {
    const k = ks();
    writeFileSync(join(k.cwd, 'scan.json'), JSON.stringify({ version: 1, findings: [] }));
    const r = await k.run([
      'respond',
      'incident',
      '--finding',
      'aws-access-key:0123456789abcdef',
      '--report',
      'scan.json',
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /no finding with fingerprint aws-access-key:0123456789abcdef in the report scan.json/,
    );
    const none = await k.run(['respond', 'resume']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no unfinished incident/);
    assert.match((await k.run(['respond', 'status', 'inc-nope'])).stderr, /is not an incident id/);
  });
});

describe('manual and exec steps', () => {
  test('generic: each checklist item stops without a TTY until confirmed by id; who confirmed is recorded', async () => {
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'generic',
      '--name',
      'Acme partner token',
      '--json',
    ]);
    assert.equal(r.code, 2);
    const res = jsonResult<{ incidentId: string; stopped: { step: string; next: string } }>(r);
    assert.equal(res.stopped.next, `keyspill respond resume ${res.incidentId} --confirm revoke`);
    const all = ['revoke', 'replace', 'update-stores', 'redeploy', 'review-use'].flatMap((s) => [
      '--confirm',
      s,
    ]);
    const done = await k.run(['respond', 'resume', ...all], { KEYSPILL_RESPONDER: 'alice@oncall' });
    assert.equal(done.code, 0, done.stderr);
    const status = jsonResult<{ status: string; steps: { id: string; kind: string; confirmedBy: string }[] }>(
      await k.run(['respond', 'status', '--json']),
    );
    assert.equal(status.status, 'contained');
    const manual = status.steps.filter((s) => s.kind === 'manual');
    assert.equal(manual.length, 5);
    assert.ok(manual.every((s) => s.confirmedBy === 'alice@oncall'));
  });

  test('exec: the incident reaches the script in KEYSPILL_* variables; a failing script stops (exit 3, journaled); resume after the fix', async () => {
    const k = ks();
    const script = join(k.cwd, 'partner.js');
    const log = join(k.cwd, 'calls.jsonl');
    writeFileSync(
      script,
      `const fs = require('node:fs');
if (fs.existsSync(${JSON.stringify(join(k.cwd, 'broken'))})) { console.error('partner API said 503'); process.exit(4); }
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('KEYSPILL_'))) }) + '\\n');`,
    );
    withRunbooks(k, { 'ops/runbooks/ours.yml': EXEC_RUNBOOK(script), broken: '' });
    const r = await k.run(['respond', 'incident', '--kind', 'partner-token', '--id', 'ptk_live_42', '--yes']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /partner.js ptk_live_42 payments exited 4: partner API said 503/);
    assert.match(r.stderr, /continue with: keyspill respond resume inc-/);
    rmSync(join(k.cwd, 'broken'));
    const again = await k.run(['respond', 'resume', '--yes', '--confirm', 'tell-partner']);
    assert.equal(again.code, 0, again.stderr);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; env: Record<string, string> });
    assert.equal(calls.length, 1, 'the script ran to success once');
    const id = k.incidents()[0]!;
    assert.deepEqual(calls[0]!.argv, ['ptk_live_42', 'payments']);
    assert.equal(calls[0]!.env['KEYSPILL_INCIDENT_ID'], id);
    assert.equal(calls[0]!.env['KEYSPILL_CREDENTIAL_ID'], 'ptk_live_42');
    assert.equal(calls[0]!.env['KEYSPILL_CREDENTIAL_KIND'], 'partner-token');
    assert.equal(calls[0]!.env['KEYSPILL_STEP_ID'], 'revoke');
    assert.match(calls[0]!.env['KEYSPILL_IDEMPOTENCY_KEY']!, /^[0-9a-f-]{36}$/);
    assert.equal(calls[0]!.env['KEYSPILL_INCIDENT_DIR'], join(k.state, 'incidents', id));
    // Resuming the contained incident runs nothing again.
    assert.equal((await k.run(['respond', 'resume', id, '--yes'])).code, 0);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1);
  });
});

describe('lock, tampering, interruption', () => {
  function slowRunbook(k: Ks): void {
    const script = join(k.cwd, 'slow.js');
    writeFileSync(script, 'setTimeout(() => {}, 2500);');
    withRunbooks(k, {
      'ops/runbooks/slow.yml': `
name: slow
description: A slow step and a manual one.
kinds: [slow-token]
steps:
  - id: first
    kind: manual
    title: First
    with: { instructions: Start }
  - id: slow
    kind: exec
    title: Slow script
    with: { run: ["${process.execPath}", "${script}"] }
  - id: last
    kind: manual
    title: Last
    with: { instructions: End }
`,
    });
  }

  test('two concurrent resumes: one proceeds, the other names the holder (exit 3); the journal verifies', async () => {
    const k = ks();
    slowRunbook(k);
    assert.equal((await k.run(['respond', 'incident', '--kind', 'slow-token', '--id', 'tok-1'])).code, 2);
    const id = k.incidents()[0]!;
    const args = ['respond', 'resume', id, '--yes', '--confirm', 'first', '--confirm', 'last'];
    const a = start(k, args, { KEYSPILL_RESPONDER: 'alice@laptop' });
    const b = start(k, args, { KEYSPILL_RESPONDER: 'bob@desk' });
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const codes = [ra.code, rb.code].sort();
    assert.deepEqual(codes, [0, 3], `${ra.stderr}\n${rb.stderr}`);
    const loser = ra.code === 3 ? ra : rb;
    const winner = ra.code === 3 ? 'bob@desk' : 'alice@laptop';
    assert.match(
      loser.stderr,
      new RegExp(`incident ${id} is locked by ${winner} on \\S+ \\(pid \\d+\\) since \\S+`),
    );
    assert.match(loser.stderr, new RegExp(`keyspill respond resume ${id} --take-over [0-9a-f]{8}`));
    assert.equal((await k.run(['respond', 'verify', id])).code, 0);
    const st = jsonResult<{ status: string }>(await k.run(['respond', 'status', id, '--json']));
    assert.equal(st.status, 'contained');
    assert.equal(k.journal(id).filter((e) => e['type'] === 'intent').length, 1, 'the script ran once');
  });

  test('a wrong --take-over nonce is refused', async () => {
    const k = ks();
    slowRunbook(k);
    assert.equal((await k.run(['respond', 'incident', '--kind', 'slow-token', '--id', 'tok-2'])).code, 2);
    const a = start(k, ['respond', 'resume', '--yes', '--confirm', 'first', '--confirm', 'last']);
    await a.waitFor(/slow: Slow script/);
    const r = await k.run(['respond', 'resume', '--yes', '--take-over', 'deadbeef']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--take-over deadbeef does not name the current holder/);
    assert.equal((await a.done).code, 0);
  });

  test('a tampered journal: verify names the line, resume refuses', async () => {
    const k = ks();
    assert.equal((await k.run(['respond', 'incident', '--kind', 'generic', '--name', 'tok'])).code, 2);
    const id = k.incidents()[0]!;
    const file = join(k.state, 'incidents', id, 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"step":"revoke"', '"step":"replace"');
    writeFileSync(file, lines.join('\n'));
    const v = await k.run(['respond', 'verify', id]);
    assert.equal(v.code, 3);
    assert.match(v.stdout, /FAIL .*\n\s+line 2 \(entry #2\) was edited/);
    const r = await k.run(['respond', 'resume', id, '--confirm', 'revoke']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /fails verification, so keyspill will not act on it:\n\s+line 2/);
    assert.match((await k.run(['respond', 'status', id])).stderr, /integrity problem/);
  });

  test('Ctrl-C during a step: the step finishes, the run stops before the next (exit 130) and resumes later', async () => {
    const k = ks();
    slowRunbook(k);
    const a = start(k, [
      'respond',
      'incident',
      '--kind',
      'slow-token',
      '--id',
      'tok-3',
      '--yes',
      '--confirm',
      'first',
    ]);
    await a.waitFor(/slow: Slow script/);
    a.child.kill('SIGINT');
    const r = await a.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /stopped before last \(interrupted\)/);
    assert.match(r.stdout, /next: keyspill respond resume inc-/);
    const id = k.incidents()[0]!;
    const status = jsonResult<{ steps: { id: string; status: string }[] }>(
      await k.run(['respond', 'status', id, '--json']),
    );
    assert.deepEqual(
      status.steps.map((s) => s.status),
      ['done', 'done', 'pending'],
    );
    assert.equal((await k.run(['respond', 'resume', id, '--confirm', 'last'])).code, 0);
    assertNoSecrets(k.state, []);
  });
});
