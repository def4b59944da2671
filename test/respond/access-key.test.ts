// `respond` on a leaked AWS access key, end to end through the real CLI against moto: containment, resume, crashes, refusals.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { jsonResult } from '../helpers/cli.ts';
import { startCloudTrailServer, type CloudTrailServer } from '../helpers/cloudtrail-server.ts';
import { freePort, startMoto, type Moto } from '../helpers/moto.ts';
import { assertNoSecrets, ks } from '../helpers/respond.ts';

let moto: Moto;
/** The audit step reads CloudTrail here (moto has no LookupEvents); no events: nothing to flag. */
let trail: CloudTrailServer;
let iam: IAMClient;
let sm: SecretsManagerClient;

before(
  async () => {
    moto = await startMoto();
    trail = await startCloudTrailServer();
    Object.assign(process.env, moto.env, trail.env);
    iam = new IAMClient({});
    sm = new SecretsManagerClient({});
  },
  { timeout: 20 * 60_000 },
);
after(async () => {
  iam?.destroy();
  sm?.destroy();
  await moto?.stop();
  await trail?.close();
});
beforeEach(async () => {
  await moto.setAuth(Infinity);
  await moto.reset();
});

async function leakedKey(user = 'ci-deployer'): Promise<{ id: string; secret: string }> {
  await iam.send(new CreateUserCommand({ UserName: user }));
  const k = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
  return { id: k.AccessKey!.AccessKeyId!, secret: k.AccessKey!.SecretAccessKey! };
}

async function keys(user = 'ci-deployer'): Promise<{ id: string; status: string }[]> {
  const r = await iam.send(new ListAccessKeysCommand({ UserName: user }));
  return (r.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status! }));
}

/** The contained end state: old key Inactive and still there, exactly one replacement, stored as AWSCURRENT. */
async function assertContained(
  oldId: string,
  store = 'keyspill/ci-deployer/access-key',
): Promise<{ newId: string; newSecret: string }> {
  const ks_ = await keys();
  assert.equal(
    ks_.find((k) => k.id === oldId)?.status,
    'Inactive',
    'the leaked key is Inactive and still present',
  );
  const others = ks_.filter((k) => k.id !== oldId);
  assert.equal(others.length, 1, `exactly one replacement (${JSON.stringify(ks_)})`);
  assert.equal(others[0]!.status, 'Active');
  const v = await sm.send(new GetSecretValueCommand({ SecretId: store, VersionStage: 'AWSCURRENT' }));
  const stored = JSON.parse(v.SecretString!) as { AccessKeyId: string; SecretAccessKey: string };
  assert.equal(stored.AccessKeyId, others[0]!.id);
  assert.ok(stored.SecretAccessKey.length >= 20);
  const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: store }));
  assert.equal(versions.Versions?.length, 1, 'one secret version');
  const tags = await iam.send(new ListUserTagsCommand({ UserName: 'ci-deployer' }));
  assert.match(
    tags.Tags?.find((t) => t.Key === others[0]!.id)?.Value ?? '',
    /^keyspill inc-\d{8}-\d{6}-[0-9a-f]{4}: replaces /,
  );
  return { newId: others[0]!.id, newSecret: stored.SecretAccessKey };
}

interface RunJson {
  incidentId: string;
  status: string;
  steps: { id: string; status: string; outputs: Record<string, unknown> }[];
  stopped?: { reason: string; step: string; next: string };
}

describe('respond incident: aws-access-key against moto', () => {
  test('from a scan finding (--finding FP --report scan.json --yes): contained; nothing secret in state or output', async () => {
    const leaked = await leakedKey();
    const k = ks();
    writeFileSync(
      join(k.cwd, 'deploy.env'),
      `AWS_ACCESS_KEY_ID=${leaked.id}\nAWS_SECRET_ACCESS_KEY=${leaked.secret}\n`,
    );
    const scan = await k.run(['scan', 'dir', '.', '-f', 'json', '-o', 'scan.json']);
    assert.equal(scan.code, 1, scan.stderr);
    const report = JSON.parse((await import('node:fs')).readFileSync(join(k.cwd, 'scan.json'), 'utf8')) as {
      findings: { fingerprint: string; kind: string; identifier?: string }[];
    };
    const finding = report.findings.find((f) => f.kind === 'aws-access-key')!;
    assert.equal(finding.identifier, leaked.id);
    const r = await k.run([
      'respond',
      'incident',
      '--finding',
      finding.fingerprint,
      '--report',
      'scan.json',
      '--yes',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = jsonResult<RunJson>(r);
    assert.equal(res.status, 'contained');
    assert.match(r.stderr.split('\n')[0]!, /^incident inc-/, 'the incident id comes first');
    const { newId, newSecret } = await assertContained(leaked.id);
    assert.equal(res.steps.find((s) => s.id === 'rotate')?.outputs['newAccessKeyId'], newId);
    assertNoSecrets(k.state, [leaked.secret, newSecret], [r.stdout, r.stderr, scan.stdout]);
  });

  test('--finding FP alone (the command the text report prints) uses the saved scan', async () => {
    const leaked = await leakedKey();
    const k = ks();
    writeFileSync(
      join(k.cwd, 'ci.sh'),
      `export AWS_ACCESS_KEY_ID=${leaked.id}\nexport AWS_SECRET_ACCESS_KEY=${leaked.secret}\n`,
    );
    const scan = await k.run(['scan', 'dir', '.']);
    assert.equal(scan.code, 1);
    const cmd = /keyspill respond incident --finding (\S+)/.exec(scan.stdout);
    assert.ok(cmd, 'the text report recommends the command');
    const r = await k.run(['respond', 'incident', '--finding', cmd[1]!, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^incident inc-\d{8}-\d{6}-[0-9a-f]{4}\n/);
    assert.match(r.stdout, /is contained/);
    assert.match(r.stdout, /next: keyspill respond finish inc-/);
    await assertContained(leaked.id);
  });

  test('--dry-run and respond plan change nothing and create no incident; after containment the plan says what is already true', async () => {
    const leaked = await leakedKey();
    const k = ks();
    const dry = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      leaked.id,
      '--dry-run',
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /iam:UpdateAccessKey \{"UserName":"ci-deployer","AccessKeyId":"AKIA/);
    assert.match(dry.stdout, /key .* belongs to IAM user ci-deployer in account 123456789012/);
    const plan = jsonResult<{ steps: { id: string; expect: string; calls: { call: string }[] }[] }>(
      await k.run(['respond', 'plan', '--kind', 'aws-access-key', '--id', leaked.id, '--json']),
    );
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.expect]),
      [
        ['preflight', 'run'],
        ['revoke', 'run'],
        ['rotate', 'run'],
        ['audit', 'run'],
        ['notify', 'unknown'],
        ['delete-old-key', 'unknown'],
        ['notify-closed', 'unknown'],
      ],
    );
    assert.deepEqual(k.incidents(), []);
    assert.deepEqual(await keys(), [{ id: leaked.id, status: 'Active' }]);
    assert.equal(
      (await k.run(['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes'])).code,
      0,
    );
    const again = jsonResult<{ steps: { id: string; expect: string; facts: string[] }[] }>(
      await k.run(['respond', 'plan', '--kind', 'aws-access-key', '--id', leaked.id, '--json']),
    );
    const revoke = again.steps.find((s) => s.id === 'revoke')!;
    assert.equal(revoke.expect, 'skip');
    assert.match(revoke.facts.join(), /already Inactive/);
    assert.equal(again.steps.find((s) => s.id === 'rotate')!.expect, 'skip');
  });

  test('no TTY and no --yes: stops before the first change (exit 2, the exact command); resume, then resume again changes nothing; finish needs --confirm', async () => {
    const leaked = await leakedKey();
    const k = ks();
    const first = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      leaked.id,
      '--json',
    ]);
    assert.equal(first.code, 2, first.stderr);
    const stopped = jsonResult<RunJson>(first);
    assert.equal(stopped.stopped?.step, 'revoke');
    assert.equal(stopped.stopped?.next, `keyspill respond resume ${stopped.incidentId} --yes`);
    assert.deepEqual(await keys(), [{ id: leaked.id, status: 'Active' }], 'nothing changed');
    const dup = await k.run(['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes']);
    assert.equal(dup.code, 2);
    assert.match(
      dup.stderr,
      new RegExp(`incident ${stopped.incidentId} is already open.*\\n.*respond resume ${stopped.incidentId}`),
    );

    const resumed = await k.run(['respond', 'resume', '--yes']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const { newId } = await assertContained(leaked.id);
    const again = await k.run(['respond', 'resume', stopped.incidentId, '--yes', '--json']);
    assert.equal(again.code, 0);
    assert.match(
      jsonResult<{ nothingToDo: string }>(again).nothingToDo,
      /already contained.*nothing was changed/,
    );
    assert.equal((await assertContained(leaked.id)).newId, newId);

    const status = jsonResult<{
      status: string;
      steps: { id: string; status: string; confirmedBy?: string }[];
      next: string;
    }>(await k.run(['respond', 'status', stopped.incidentId, '--json']));
    assert.equal(status.status, 'contained');
    assert.deepEqual(
      status.steps.map((s) => [s.id, s.status]),
      [
        ['preflight', 'done'],
        ['revoke', 'done'],
        ['rotate', 'done'],
        ['audit', 'done'],
        ['notify', 'done'],
        ['delete-old-key', 'pending'],
        ['notify-closed', 'pending'],
      ],
    );
    assert.ok(status.steps.find((s) => s.id === 'revoke')?.confirmedBy);
    assert.equal(status.next, `keyspill respond finish ${stopped.incidentId}`);

    const fin = await k.run(['respond', 'finish', stopped.incidentId, '--yes']);
    assert.equal(fin.code, 2, 'an irreversible step is not covered by --yes');
    assert.match(
      fin.stdout,
      new RegExp(`next: keyspill respond finish ${stopped.incidentId} --confirm delete-old-key`),
    );
    assert.ok((await keys()).some((x) => x.id === leaked.id));
    const done = await k.run(['respond', 'finish', stopped.incidentId, '--confirm', 'delete-old-key']);
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(
      (await keys()).map((x) => x.id),
      [newId],
    );
    const list = jsonResult<{ id: string; status: string }[]>(await k.run(['respond', 'list', '--json']));
    assert.deepEqual(list, [{ ...list[0]!, id: stopped.incidentId, status: 'closed' }]);
    assert.equal((await k.run(['respond', 'verify', stopped.incidentId])).code, 0);
  });

  test('killed right after each side effect (KEYSPILL_FAILPOINT=kill-after-effect:N), resume --yes reaches the clean end state', async () => {
    // A clean run first: how many side effects it makes.
    const clean = await leakedKey();
    const k0 = ks();
    assert.equal(
      (await k0.run(['respond', 'incident', '--kind', 'aws-access-key', '--id', clean.id, '--yes'])).code,
      0,
    );
    const effects = k0.journal(k0.incidents()[0]!).filter((e) => e['type'] === 'intent');
    assert.deepEqual(
      effects.map((e) => e['call']),
      ['iam:UpdateAccessKey', 'iam:CreateAccessKey', 'iam:TagUser', 'secretsmanager:CreateSecret'],
    );
    for (let n = 1; n <= effects.length; n++) {
      await moto.reset();
      const leaked = await leakedKey();
      const k = ks();
      const killed = await k.run(
        ['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes'],
        {
          KEYSPILL_FAILPOINT: `kill-after-effect:${n}`,
        },
      );
      assert.notEqual(killed.code, 0, `run ${n} was killed`);
      const id = k.incidents()[0]!;
      const last = k.journal(id).at(-1)!;
      assert.equal(last['type'], 'intent', `killed after effect ${n}, before its outcome`);
      const r = await k.run(['respond', 'resume', '--yes']);
      assert.equal(r.code, 0, `resume after kill ${n}: ${r.stderr}`);
      const { newSecret } = await assertContained(leaked.id);
      assert.equal((await k.run(['respond', 'verify', id])).code, 0, `journal ${n} verifies`);
      const calls = k
        .journal(id)
        .filter((e) => e['type'] === 'intent')
        .map((e) => e['call']);
      assert.equal(calls.filter((c) => c === 'iam:UpdateAccessKey').length, 1, `UpdateAccessKey once (${n})`);
      assert.ok(
        calls.filter((c) => c === 'secretsmanager:CreateSecret' || c === 'secretsmanager:PutSecretValue')
          .length <= 1,
        `the replacement is stored once (${n}): ${calls.join(', ')}`,
      );
      assertNoSecrets(k.state, [leaked.secret, newSecret], [killed.stdout, r.stdout]);
    }
  });

  test('the user already has two keys: stops naming the key to remove, deletes nothing; resume after removing one finishes', async () => {
    const leaked = await leakedKey();
    const other = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }));
    const k = ks();
    const r = await k.run(['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /already has 2 access keys .*AWS allows two/);
    assert.match(
      r.stderr,
      new RegExp(
        `aws iam delete-access-key --user-name ci-deployer --access-key-id ${other.AccessKey!.AccessKeyId}`,
      ),
    );
    assert.match(r.stderr, /continue with: keyspill respond resume inc-/);
    assert.equal((await keys()).length, 2, 'nothing deleted');
    assert.equal(
      (await keys()).find((x) => x.id === leaked.id)?.status,
      'Inactive',
      'the revocation itself went through',
    );
    const { DeleteAccessKeyCommand } = await import('@aws-sdk/client-iam');
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: 'ci-deployer', AccessKeyId: other.AccessKey!.AccessKeyId! }),
    );
    assert.equal((await k.run(['respond', 'resume', '--yes'])).code, 0);
    await assertContained(leaked.id);
  });

  test('AccessDenied names the permission and the principal, is journaled, and resume continues once allowed', async () => {
    const leaked = await leakedKey();
    await iam.send(new CreateUserCommand({ UserName: 'oncall' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'oncall',
        PolicyName: 'no-update',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:UpdateAccessKey', Resource: '*' },
          ],
        }),
      }),
    );
    const oncall = await iam.send(new CreateAccessKeyCommand({ UserName: 'oncall' }));
    const creds = {
      AWS_ACCESS_KEY_ID: oncall.AccessKey!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: oncall.AccessKey!.SecretAccessKey!,
    };
    await moto.setAuth(0);
    const k = ks();
    const r = await k.run(
      ['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes', '--json'],
      creds,
    );
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const err = (JSON.parse(r.stdout) as { error: Record<string, string> }).error;
    assert.equal(err['name'], 'RemoteError');
    assert.match(
      err['message']!,
      /^AccessDenied on iam:UpdateAccessKey for arn:aws:iam::123456789012:user\/oncall/,
    );
    assert.equal(err['permission'], 'iam:UpdateAccessKey');
    assert.match(err['hint']!, /grant iam:UpdateAccessKey .*continue with: keyspill respond resume inc-/);
    const j = k.journal(k.incidents()[0]!);
    assert.ok(
      j.some((e) => e['type'] === 'outcome' && e['call'] === 'iam:UpdateAccessKey' && e['ok'] === false),
    );
    assert.ok(j.some((e) => e['type'] === 'step-failed' && e['step'] === 'revoke'));
    await moto.setAuth(Infinity);
    assert.equal((await k.run(['respond', 'resume', '--yes'])).code, 0);
    await assertContained(leaked.id);
  });

  test('AWS unreachable (connection refused): exit 3 naming the endpoint, journaled, nothing half-done', async () => {
    const leaked = await leakedKey();
    const k = ks();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await k.run(['respond', 'incident', '--kind', 'aws-access-key', '--id', leaked.id, '--yes'], {
      AWS_ENDPOINT_URL: dead,
      AWS_MAX_ATTEMPTS: '1',
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`cannot reach STS at ${dead} for sts:GetAccessKeyInfo \\(ECONNREFUSED\\)`),
    );
    const status = jsonResult<{ status: string; steps: { id: string; status: string }[]; next: string }>(
      await k.run(['respond', 'status', '--json']),
    );
    assert.equal(status.steps[0]?.status, 'failed');
    assert.match(status.next, /keyspill respond resume inc-/);
    assert.deepEqual(await keys(), [{ id: leaked.id, status: 'Active' }]);
    assert.equal((await k.run(['respond', 'resume', '--yes'])).code, 0);
    await assertContained(leaked.id);
  });

  test('--store-secret-id into an existing secret: PutSecretValue, a new AWSCURRENT version', async () => {
    const leaked = await leakedKey();
    const { CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
    await sm.send(new CreateSecretCommand({ Name: 'prod/ci/aws', SecretString: '{"AccessKeyId":"old"}' }));
    const k = ks();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      leaked.id,
      '--yes',
      '--store-secret-id',
      'prod/ci/aws',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/ci/aws' }));
    assert.equal(Object.keys(d.VersionIdsToStages ?? {}).length, 2);
    const v = await sm.send(
      new GetSecretValueCommand({ SecretId: 'prod/ci/aws', VersionStage: 'AWSCURRENT' }),
    );
    const others = (await keys()).filter((x) => x.id !== leaked.id);
    assert.equal((JSON.parse(v.SecretString!) as { AccessKeyId: string }).AccessKeyId, others[0]!.id);
  });
});
