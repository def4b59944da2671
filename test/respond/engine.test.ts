// The engine's pure and local parts: journal chain and verification, templates, --since, confirmations, waits, failpoints.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ScanError } from '../../src/errors.ts';
import { failpoints } from '../../src/respond/failpoint.ts';
import { decide } from '../../src/respond/interact.ts';
import { HEAD_FILE, Journal, JOURNAL_FILE, readJournal } from '../../src/respond/journal.ts';
import { parseSince } from '../../src/respond/since.ts';
import { waitForPassword } from '../../src/respond/steps/aws-rds-set-password.ts';
import { render, templateRefs, truthy } from '../../src/respond/template.ts';
import { idempotencyToken } from '../../src/respond/runner.ts';
import { tempDir } from '../helpers/tmp.ts';

const ID = 'inc-20261204-031207-a1b2';

function journalWith(n: number): { dir: string; file: string } {
  const dir = tempDir();
  const j = Journal.create(dir, ID, () => new Date('2026-12-04T03:12:07Z'));
  for (let i = 0; i < n; i++) j.append({ type: 'probed', step: `s${i}`, done: false, facts: [`fact ${i}`] });
  j.close();
  return { dir, file: join(dir, JOURNAL_FILE) };
}

const lines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('journal', () => {
  test('entries are chained, hashed, numbered; the file and head are 0600; an intact journal verifies', () => {
    const { dir, file } = journalWith(5);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, HEAD_FILE)).mode & 0o777, 0o600);
    const c = readJournal(dir, ID);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(
      c.entries.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    for (let i = 1; i < c.entries.length; i++) assert.equal(c.entries[i]!.prev, c.entries[i - 1]!.hash);
  });

  test('an edited line is reported at its line number, and resume (open) refuses it', () => {
    const { dir, file } = journalWith(5);
    const l = lines(file);
    l[2] = l[2]!.replace('fact 2', 'fact two');
    writeFileSync(file, `${l.join('\n')}\n`);
    const c = readJournal(dir, ID);
    assert.equal(c.problems[0]?.line, 3);
    assert.equal(c.problems[0]?.kind, 'edited');
    assert.throws(
      () => Journal.open(dir, ID),
      (e: Error) => e instanceof ScanError && /line 3 \(entry #3\) was edited/.test(e.message),
    );
  });

  test('an edited line whose hash was recomputed breaks the chain at the next line', async () => {
    const { entryHash } = await import('../../src/respond/journal-verify.ts');
    const { dir, file } = journalWith(4);
    const l = lines(file);
    const e = JSON.parse(l[1]!) as Record<string, unknown>;
    e['facts'] = ['forged'];
    e['hash'] = entryHash(e);
    l[1] = JSON.stringify(e);
    writeFileSync(file, `${l.join('\n')}\n`);
    const c = readJournal(dir, ID);
    assert.deepEqual(
      c.problems.map((p) => [p.line, p.kind]),
      [[3, 'chain']],
    );
  });

  test('a deleted line, reordered lines, a removed last line: each named with its line', () => {
    const del = journalWith(5);
    const l = lines(del.file);
    l.splice(1, 1);
    writeFileSync(del.file, `${l.join('\n')}\n`);
    const c = readJournal(del.dir, ID);
    assert.equal(c.problems[0]?.line, 2);
    assert.equal(c.problems[0]?.kind, 'missing');
    assert.match(c.problems[0].message, /entry #2 is missing/);

    const re = journalWith(5);
    const r = lines(re.file);
    [r[2], r[3]] = [r[3]!, r[2]!];
    writeFileSync(re.file, `${r.join('\n')}\n`);
    assert.deepEqual(
      readJournal(re.dir, ID).problems.map((p) => [p.line, p.kind]),
      [
        [3, 'missing'],
        [4, 'reordered'],
      ],
    );

    const tail = journalWith(5);
    const t = lines(tail.file);
    writeFileSync(tail.file, `${t.slice(0, 4).join('\n')}\n`);
    const tc = readJournal(tail.dir, ID);
    assert.equal(tc.problems[0]?.kind, 'removed-tail');
    assert.equal(tc.problems[0]?.line, 5);
    assert.throws(() => Journal.open(tail.dir, ID), /removed from its end/);
  });

  test('a truncated last line: verify names it; past the head (a torn write) resume cuts it off and journals the repair', () => {
    const { dir, file } = journalWith(3);
    const text = readFileSync(file, 'utf8');
    // A torn fourth write: part of a line, no newline, beyond the recorded head.
    writeFileSync(file, `${text}{"seq":4,"time":"2026-12-04T03:1`);
    const c = readJournal(dir, ID);
    assert.deepEqual(
      c.problems.map((p) => [p.line, p.kind]),
      [[4, 'truncated']],
    );
    assert.ok(c.torn);
    const j = Journal.open(dir, ID);
    j.close();
    const after = readJournal(dir, ID);
    assert.deepEqual(after.problems, []);
    assert.equal(after.entries.at(-1)?.type, 'repaired');

    // A last line cut short that the head says was complete is tampering: refused.
    const cut = journalWith(3);
    const full = readFileSync(cut.file, 'utf8');
    writeFileSync(cut.file, full.slice(0, full.length - 20));
    const cc = readJournal(cut.dir, ID);
    assert.equal(cc.problems[0]?.line, 3);
    assert.equal(cc.torn, undefined);
    assert.throws(() => Journal.open(cut.dir, ID), /fails verification/);
  });

  test('a line from another incident does not fit its chain', () => {
    const a = journalWith(2);
    const other = tempDir();
    const j = Journal.create(other, 'inc-20261204-031207-ffff');
    j.append({ type: 'probed', step: 'x', done: false, facts: [] });
    j.close();
    writeFileSync(a.file, readFileSync(join(other, JOURNAL_FILE)));
    writeFileSync(join(a.dir, HEAD_FILE), readFileSync(join(other, HEAD_FILE)));
    assert.equal(readJournal(a.dir, ID).problems[0]?.kind, 'chain');
  });
});

describe('templates', () => {
  const ctx = {
    credential: { id: 'AKIAEXAMPLE', kind: 'aws-access-key' },
    steps: { preflight: { user: 'ci', keys: 2 } },
  };
  const lookup = (ref: string) => {
    let cur: unknown = ctx;
    for (const p of ref.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[p];
    return cur as never;
  };
  test('a whole-string template keeps the value’s type; mixed text interpolates; nested values render', () => {
    assert.equal(render('{{ steps.preflight.keys }}', lookup), 2);
    assert.equal(render('keyspill/{{steps.preflight.user}}/access-key', lookup), 'keyspill/ci/access-key');
    assert.deepEqual(render({ a: ['{{ credential.id }}'] }, lookup), { a: ['AKIAEXAMPLE'] });
    assert.deepEqual(templateRefs({ a: 'x {{ a.b }} {{c}}', b: ['{{ d.e }}'] }), ['a.b', 'c', 'd.e']);
  });
  test('a missing value is an error naming it, or a placeholder in plans', () => {
    assert.throws(() => render('{{ steps.rotate.newAccessKeyId }}', lookup), /steps\.rotate\.newAccessKeyId/);
    assert.equal(render('{{ steps.x.y }}', lookup, { missing: 'placeholder' }), '‹steps.x.y›');
    assert.throws(() => render('{{ credential.id | upper }}', lookup), /not a reference/);
  });
  test('when: values', () => {
    for (const v of ['', 'false', '0', 'no', false, null, 0]) assert.equal(truthy(v), false, String(v));
    for (const v of ['true', 'yes', true, 1, 'x']) assert.equal(truthy(v), true, String(v));
  });
  test('idempotency tokens are stable, distinct per purpose, and fit Secrets Manager (32–64 chars)', () => {
    const t = idempotencyToken(ID, 'rotate', 'store:AKIA1');
    assert.equal(t, idempotencyToken(ID, 'rotate', 'store:AKIA1'));
    assert.notEqual(t, idempotencyToken(ID, 'rotate', 'store:AKIA2'));
    assert.match(t, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

test('--since: dates and durations; anything else is a clear error', () => {
  const now = new Date('2026-12-04T03:00:00Z');
  assert.equal(parseSince('3d', now), '2026-12-01T03:00:00.000Z');
  assert.equal(parseSince('12h', now), '2026-12-03T15:00:00.000Z');
  assert.equal(parseSince('2026-11-30', now), '2026-11-30T00:00:00.000Z');
  assert.equal(parseSince('2026-11-30T08:00:00Z', now), '2026-11-30T08:00:00.000Z');
  assert.throws(() => parseSince('last tuesday', now), /neither a date nor a duration/);
  assert.throws(() => parseSince('2027-01-01', now), /in the future/);
});

test('confirmations: --yes covers reversible steps only; manual and irreversible need --confirm STEP or a TTY', () => {
  const none = { tty: false, yes: false, confirmed: new Set<string>() };
  const yes = { ...none, yes: true };
  const tty = { ...none, tty: true };
  assert.deepEqual(decide('none', 's', none), { kind: 'go', how: undefined });
  assert.deepEqual(decide('reversible', 's', none), { kind: 'stop', flag: '--yes' });
  assert.deepEqual(decide('reversible', 's', yes), { kind: 'go', how: 'yes-flag' });
  assert.deepEqual(decide('reversible', 's', tty), { kind: 'ask' });
  assert.deepEqual(decide('irreversible', 's', yes), { kind: 'stop', flag: '--confirm' });
  assert.deepEqual(decide('irreversible', 's', tty), { kind: 'typed' });
  assert.deepEqual(decide('manual', 's', yes), { kind: 'stop', flag: '--confirm' });
  assert.deepEqual(decide('manual', 's', { ...none, confirmed: new Set(['s']) }), {
    kind: 'go',
    how: 'confirm-flag',
  });
});

test('failpoints fire on the Nth call of their kind only', () => {
  let killed = 0;
  const f = failpoints('kill-after-effect:2, kill-after-checkpoint:1, bogus:3', () => killed++);
  f.afterEffect();
  assert.equal(killed, 0);
  f.afterCheckpoint();
  assert.equal(killed, 1);
  f.afterEffect();
  assert.equal(killed, 2);
  f.afterEffect();
  assert.equal(killed, 2);
  const off = failpoints(undefined, () => killed++);
  off.afterEffect();
  assert.equal(killed, 2);
});

describe('RDS wait loop against injected DescribeDBInstances answers (moto never shows PendingModifiedValues)', () => {
  const db = (pending: boolean, status = 'available') => ({
    id: 'orders',
    arn: 'arn:aws:rds:us-east-1:123456789012:db:orders',
    engine: 'postgres',
    status,
    masterUsername: 'admin',
    host: undefined,
    port: undefined,
    dbName: undefined,
    passwordPending: pending,
    managedSecretArn: undefined,
  });
  const input = {
    dbInstance: 'orders',
    secretId: 's',
    versionId: 'v',
    field: 'password',
    timeoutSeconds: 60,
    pollSeconds: 10,
  };
  function fake(answers: ReturnType<typeof db>[]) {
    let t = 0;
    const notes: string[] = [];
    const ctx = {
      aws: { rds: { describe: async () => (answers.length > 1 ? answers.shift() : answers[0]) } },
      signal: new AbortController().signal,
      note: (m: string) => notes.push(m),
      incident: { id: ID },
    } as never;
    return { ctx, notes, now: () => t, sleep: async (ms: number) => void (t += ms) };
  }
  test('polls while the change is pending or the instance is modifying, then returns', async () => {
    const seq = [
      db(true, 'modifying'),
      db(true, 'modifying'),
      db(false, 'resetting-master-credentials'),
      db(false),
    ];
    const f = fake(seq);
    const polls = await waitForPassword(input, f.ctx, { now: f.now, sleep: f.sleep });
    assert.equal(polls, 4);
    assert.match(f.notes[0]!, /still pending \(status modifying\)/);
  });
  test('gives up after timeoutSeconds with a message naming what is pending and what to run', async () => {
    const f = fake([db(true, 'modifying')]);
    await assert.rejects(
      waitForPassword(input, f.ctx, { now: f.now, sleep: f.sleep }),
      (e: Error) =>
        e instanceof ScanError &&
        /master password change of orders did not finish within 60 s/.test(e.message) &&
        /still pending/.test(e.message) &&
        /respond resume inc-/.test(e.hint ?? ''),
    );
  });
});

describe('audit summary and pacing', () => {
  const ev = (name: string, region: string, ip: string, t: string, extra: Record<string, string> = {}) => ({
    region,
    event: {
      EventId: `${name}-${region}-${t}`,
      EventName: name,
      EventTime: t,
      CloudTrailEvent: JSON.stringify({ sourceIPAddress: ip, userAgent: 'ua/1', ...extra }),
    },
  });
  test('counts, first and last use, and flags: persistence, escalation, unused regions, unknown addresses', async () => {
    const { summarize } = await import('../../src/respond/audit/summary.ts');
    const s = summarize(
      [
        ev('ListBuckets', 'us-east-1', '10.0.0.5', '2026-12-01T10:00:00Z'),
        ev('CreateUser', 'us-east-1', '203.0.113.9', '2026-12-01T11:00:00Z'),
        ev('PutRolePolicy', 'us-east-1', '203.0.113.9', '2026-12-01T11:05:00Z', {
          errorCode: 'AccessDenied',
        }),
        ev('RunInstances', 'sa-east-1', '2001:db8::1', '2026-12-01T12:00:00Z'),
        ev('RunInstances', 'us-east-1', 'ec2.amazonaws.com', '2026-12-01T09:00:00Z'),
      ],
      { knownCidrs: ['10.0.0.0/8', '2001:db8:1::/48', 'not-a-cidr'], usedRegions: ['us-east-1'] },
    );
    assert.equal(s.events, 5);
    assert.equal(s.firstUse, '2026-12-01T09:00:00Z');
    assert.equal(s.lastUse, '2026-12-01T12:00:00Z');
    assert.deepEqual(
      s.flags.map((f) => `${f.kind}:${f.what}:${f.count}`),
      [
        'persistence:CreateUser:1',
        'escalation:PutRolePolicy:1',
        'unused-region:RunInstances in sa-east-1:1',
        'unknown-ip:203.0.113.9:2',
        'unknown-ip:2001:db8::1:1',
      ],
    );
    assert.deepEqual(s.errorCodes, [{ key: 'AccessDenied', count: 1 }]);
    assert.equal(s.sourceIps.find((x) => x.key === 'ec2.amazonaws.com')?.known, 'aws-service');
    assert.equal(s.sourceIps.find((x) => x.key === '10.0.0.5')?.known, true);
    assert.match(s.notes.join(), /not-a-cidr/);
    const none = summarize([ev('ListBuckets', 'us-east-1', '198.51.100.1', '2026-12-01T10:00:00Z')], {
      knownCidrs: [],
      usedRegions: [],
    });
    assert.deepEqual(none.flags, [], 'no known ranges configured: addresses are listed, not flagged');
    assert.match(none.notes.join(), /respond.knownCidrs/);
  });

  test('the token bucket lets `burst` calls through, then one per 1/perSecond', async () => {
    const { tokenBucket, backoffMs } = await import('../../src/respond/audit/token-bucket.ts');
    let t = 0;
    const times: number[] = [];
    const b = tokenBucket(2, 2, { now: () => t, sleep: async (ms) => void (t += ms) });
    for (let i = 0; i < 6; i++) {
      await b.take();
      times.push(t);
    }
    assert.deepEqual(times, [0, 0, 500, 1000, 1500, 2000]);
    for (let a = 0; a < 10; a++) {
      const ms = backoffMs(a, 500, 8000, () => 0.999);
      assert.ok(ms < Math.min(8000, 500 * 2 ** a));
    }
  });
});
