// `respond` on a Secrets Manager secret and an RDS master password, end to end against moto, with crash tests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { jsonResult } from '../helpers/cli.ts';
import { startCloudTrailServer, type CloudTrailServer } from '../helpers/cloudtrail-server.ts';
import { startMoto, type Moto } from '../helpers/moto.ts';
import { assertNoSecrets, ks } from '../helpers/respond.ts';

let moto: Moto;
/** The audit step reads CloudTrail here (moto has no LookupEvents); no events: nothing to flag. */
let trail: CloudTrailServer;
let sm: SecretsManagerClient;
let rds: RDSClient;
const OLD_DB_PASSWORD = 'CANARY-old-db-Pa55word-9f2c';

before(
  async () => {
    process.env['MOTO_RECORDER_FILEPATH'] = join(
      mkdtempSync(join(tmpdir(), 'keyspill-moto-rec-')),
      'recording.jsonl',
    );
    moto = await startMoto();
    trail = await startCloudTrailServer();
    await fetch(`${moto.endpoint}/moto-api/recorder/start-recording`, { method: 'POST' });
    Object.assign(process.env, moto.env, trail.env);
    sm = new SecretsManagerClient({});
    rds = new RDSClient({});
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'admin',
        MasterUserPassword: OLD_DB_PASSWORD,
        AllocatedStorage: 20,
      }),
    );
  },
  { timeout: 20 * 60_000 },
);
after(async () => {
  sm?.destroy();
  rds?.destroy();
  await moto?.stop();
  await trail?.close();
  const rec = process.env['MOTO_RECORDER_FILEPATH'];
  if (rec !== undefined) rmSync(dirname(rec), { recursive: true, force: true });
});

async function stages(secretId: string): Promise<Record<string, string[]>> {
  const d = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(
    Object.entries(d.VersionIdsToStages ?? {}).map(([k, v]) => [k, [...(v ?? [])].sort()]),
  );
}

async function current(secretId: string): Promise<Record<string, unknown>> {
  const v = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  return JSON.parse(v.SecretString!) as Record<string, unknown>;
}

/**
 * The master password the instance was last given. No AWS API (nor moto's data.json) reads a password back, so
 * this reads moto's own request recorder: the last ModifyDBInstance moto received for the instance.
 */
async function dbPassword(): Promise<string> {
  const text = await (await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`)).text();
  let last: string | undefined;
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const e = JSON.parse(line) as { body: string; body_encoded: boolean };
    const form = new URLSearchParams(
      e.body_encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body,
    );
    if (form.get('Action') === 'ModifyDBInstance' && form.get('DBInstanceIdentifier') === 'orders')
      last = form.get('MasterUserPassword') ?? undefined;
  }
  assert.ok(last !== undefined, 'moto received a ModifyDBInstance with a password');
  return last;
}

let n = 0;
async function appSecret(): Promise<{ name: string; old: string }> {
  const name = `prod/app-${++n}`;
  const old = `CANARY-old-${n}-Zq8v1Lk3`;
  await sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: 'svc', password: old, host: 'db' }),
    }),
  );
  return { name, old };
}

describe('secretsmanager-secret (no rotation Lambda: keyspill drives AWSPENDING → AWSCURRENT)', () => {
  async function assertRotated(name: string, old: string): Promise<string> {
    const st = await stages(name);
    assert.equal(Object.keys(st).length, 2, `one new version: ${JSON.stringify(st)}`);
    assert.deepEqual(Object.values(st).sort(), [['AWSCURRENT'], ['AWSPREVIOUS']]);
    const now = await current(name);
    assert.equal(now['username'], 'svc', 'other fields kept');
    assert.equal(now['host'], 'db');
    assert.notEqual(now['password'], old);
    assert.equal(typeof now['password'], 'string');
    return now['password'] as string;
  }

  test('stages, waits for the manual step (exit 2, the exact command), then promotes; the alternating-users warning', async () => {
    const s = await appSecret();
    const k = ks();
    const first = await k.run([
      'respond',
      'incident',
      '--kind',
      'secretsmanager-secret',
      '--secret-id',
      s.name,
      '--yes',
      '--json',
    ]);
    assert.equal(first.code, 2, first.stderr);
    const r1 = jsonResult<{ incidentId: string; stopped: { step: string; next: string } }>(first);
    assert.equal(r1.stopped.step, 'apply-at-service');
    assert.equal(r1.stopped.next, `keyspill respond resume ${r1.incidentId} --confirm apply-at-service`);
    const st = await stages(s.name);
    assert.deepEqual(
      Object.values(st).sort(),
      [['AWSCURRENT'], ['AWSPENDING']],
      'new value staged, apps still read the old one',
    );
    assert.equal((await current(s.name))['password'], s.old);
    const second = await k.run(['respond', 'resume', '--yes', '--confirm', 'apply-at-service']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /alternating-users/);
    const pw = await assertRotated(s.name, s.old);
    const status = jsonResult<{ steps: { id: string; confirmedBy?: string }[] }>(
      await k.run(['respond', 'status', '--json']),
    );
    assert.ok(
      status.steps.find((x) => x.id === 'apply-at-service')?.confirmedBy,
      'who confirmed the manual step',
    );
    assertNoSecrets(k.state, [s.old, pw], [first.stdout, first.stderr, second.stdout]);
  });

  test('killed after each side effect, resume converges: one new version, AWSCURRENT/AWSPREVIOUS, nothing twice', async () => {
    for (let fx = 1; fx <= 3; fx++) {
      const s = await appSecret();
      const k = ks();
      const args = ['--yes', '--confirm', 'apply-at-service'];
      const killed = await k.run(
        ['respond', 'incident', '--kind', 'secretsmanager-secret', '--secret-id', s.name, ...args],
        {
          KEYSPILL_FAILPOINT: `kill-after-effect:${fx}`,
        },
      );
      assert.notEqual(killed.code, 0);
      const r = await k.run(['respond', 'resume', ...args]);
      assert.equal(r.code, 0, `resume after kill ${fx}: ${r.stderr}`);
      const pw = await assertRotated(s.name, s.old);
      const id = k.incidents()[0]!;
      const calls = k
        .journal(id)
        .filter((e) => e['type'] === 'intent')
        .map((e) => e['call']);
      assert.equal(
        calls.filter((c) => c === 'secretsmanager:PutSecretValue').length,
        1,
        `one PutSecretValue (${fx})`,
      );
      assert.ok(!calls.includes('secretsmanager:RotateSecret'));
      assert.equal((await k.run(['respond', 'verify', id])).code, 0);
      assertNoSecrets(k.state, [s.old, pw]);
    }
  });

  test('an unknown secret is a clear error before anything changes', async () => {
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'secretsmanager-secret',
      '--secret-id',
      'no/such/secret',
      '--yes',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no Secrets Manager secret no\/such\/secret in account 123456789012/);
  });
});

describe('rds-master-password (new password stored first, set on the instance, then made current)', () => {
  async function assertChanged(name: string, old: string): Promise<string> {
    const st = await stages(name);
    assert.deepEqual(Object.values(st).sort(), [['AWSCURRENT'], ['AWSPREVIOUS']], JSON.stringify(st));
    const pw = (await current(name))['password'] as string;
    assert.notEqual(pw, old);
    assert.equal(pw.length, 32);
    assert.doesNotMatch(pw, /[/"@ ]/, 'no character RDS forbids');
    assert.equal(await dbPassword(), pw, 'the instance has the password the apps read');
    return pw;
  }

  test('with the apps’ secret: contained in one command; killed after each side effect, resume converges', async () => {
    const s = await appSecret();
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'rds-master-password',
      '--db-instance',
      'orders',
      '--secret-id',
      s.name,
      '--yes',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const pw = await assertChanged(s.name, s.old);
    const calls = k
      .journal(k.incidents()[0]!)
      .filter((e) => e['type'] === 'intent')
      .map((e) => e['call']);
    assert.deepEqual(calls, [
      'secretsmanager:PutSecretValue',
      'rds:ModifyDBInstance',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    assertNoSecrets(k.state, [s.old, pw, OLD_DB_PASSWORD], [r.stdout, r.stderr]);

    for (let fx = 1; fx <= calls.length; fx++) {
      const s2 = await appSecret();
      const k2 = ks();
      const args = [
        'respond',
        'incident',
        '--kind',
        'rds-master-password',
        '--db-instance',
        'orders',
        '--secret-id',
        s2.name,
        '--yes',
      ];
      assert.notEqual((await k2.run(args, { KEYSPILL_FAILPOINT: `kill-after-effect:${fx}` })).code, 0);
      const again = await k2.run(['respond', 'resume', '--yes']);
      assert.equal(again.code, 0, `resume after kill ${fx}: ${again.stderr}`);
      const pw2 = await assertChanged(s2.name, s2.old);
      const c2 = k2
        .journal(k2.incidents()[0]!)
        .filter((e) => e['type'] === 'intent')
        .map((e) => e['call']);
      assert.equal(
        c2.filter((c) => c === 'secretsmanager:PutSecretValue').length,
        1,
        `one new version (${fx})`,
      );
      // ModifyDBInstance is resent only when a run died between sending it and recording the answer (fx 2).
      assert.equal(
        c2.filter((c) => c === 'rds:ModifyDBInstance').length,
        fx === 2 ? 2 : 1,
        `ModifyDBInstance (${fx})`,
      );
      assertNoSecrets(k2.state, [s2.old, pw2]);
    }
  });

  test('without --secret-id: creates keyspill/rds/<id>/master holding the connection details and the new password', async () => {
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'rds-master-password',
      '--db-instance',
      'orders',
      '--yes',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const v = await current('keyspill/rds/orders/master');
    assert.equal(v['username'], 'admin');
    assert.equal(v['engine'], 'postgres');
    assert.equal(v['dbInstanceIdentifier'], 'orders');
    assert.equal(await dbPassword(), v['password']);
  });

  test('an unknown DB instance is a clear error', async () => {
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'rds-master-password',
      '--db-instance',
      'nope',
      '--yes',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no RDS DB instance nope in account 123456789012/);
  });
});
