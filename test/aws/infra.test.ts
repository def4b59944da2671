// Smoke tests of the AWS test infrastructure: real SDK v3 clients against moto, the fake CloudTrail and the webhook receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  LookupEventsCommand,
  paginateLookupEvents,
} from '@aws-sdk/client-cloudtrail';
import type { Event as TrailEvent } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetAccessKeyInfoCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Webhook } from 'standardwebhooks';
import {
  cloudTrailEvent,
  startCloudTrailServer,
  type CloudTrailServer,
} from '../helpers/cloudtrail-server.ts';
import { MOTO_ACCOUNT_ID, startMoto, type Moto } from '../helpers/moto.ts';
import {
  newWebhookSecret,
  startWebhookReceiver,
  verifyStandardWebhook,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.ts';

interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const LEAKED = 'AKIAEXAMPLELEAKED001';
const T0 = Math.floor(Date.UTC(2026, 10, 1, 12) / 1000);

describe('AWS test infrastructure (moto + fake CloudTrail + webhook receiver)', () => {
  let moto: Moto | undefined;
  let trail: CloudTrailServer | undefined;
  let hooks: WebhookReceiver | undefined;
  const clients: { destroy(): void }[] = [];
  const client = <C extends { destroy(): void }>(c: C): C => {
    clients.push(c);
    return c;
  };

  before(
    async () => {
      moto = await startMoto();
      trail = await startCloudTrailServer({
        events: Object.fromEntries(
          REGIONS.map((region, r) => [
            region,
            [
              // 7 events of the leaked key per region, one hour apart, plus noise from another key.
              ...Array.from({ length: 7 }, (_, i) =>
                cloudTrailEvent({
                  region,
                  eventName: i % 2 === 0 ? 'ListBuckets' : 'GetCallerIdentity',
                  eventSource: i % 2 === 0 ? 's3.amazonaws.com' : 'sts.amazonaws.com',
                  eventTime: T0 + i * 3600 + r,
                  accessKeyId: LEAKED,
                  username: 'ci-deployer',
                  sourceIPAddress: `198.51.100.${i}`,
                  ...(i === 6 ? { errorCode: 'AccessDenied' } : {}),
                }),
              ),
              cloudTrailEvent({
                region,
                eventName: 'DescribeInstances',
                eventTime: T0,
                accessKeyId: 'AKIAOTHERKEY00000000',
              }),
            ],
          ]),
        ),
        trails: [
          { Name: 'org-trail', HomeRegion: 'us-east-1', IsMultiRegionTrail: true },
          { Name: 'eu-only', HomeRegion: 'eu-west-1' },
        ],
      });
      hooks = await startWebhookReceiver();
      // The standard env-var endpoint overrides: AWS_ENDPOINT_URL (moto) and AWS_ENDPOINT_URL_CLOUDTRAIL (fake), which wins.
      Object.assign(process.env, moto.env, trail.env);
    },
    { timeout: 20 * 60_000 }, // the first run installs moto into the cache venv
  );

  after(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([moto?.stop(), trail?.close(), hooks?.close()]);
  });

  test('moto started quickly and the SDK reaches it through AWS_ENDPOINT_URL alone', async (t) => {
    t.diagnostic(`moto start: ${moto!.startMs} ms on ${moto!.endpoint}`);
    assert.ok(moto!.startMs < 20_000);
    const sts = client(new STSClient({}));
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, MOTO_ACCOUNT_ID);
    assert.equal(me.Arn, `arn:aws:sts::${MOTO_ACCOUNT_ID}:user/moto`);
    assert.match(moto!.logTail(), /"POST \/ HTTP\/1\.1" 200/);
  });

  test('IAM: key quota, deactivation, last-used; STS identity of a moto-made key', async () => {
    const iam = client(new IAMClient({}));
    const iamNoRetry = client(new IAMClient({ maxAttempts: 1 }));
    await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
    const k1 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }))).AccessKey!;
    const k2 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }))).AccessKey!;
    assert.match(k1.AccessKeyId!, /^AKIA[A-Z0-9]{16}$/);

    const third = await rejection(iamNoRetry.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' })));
    assert.equal(third.name, 'LimitExceededException');
    assert.equal(third.message, 'Cannot exceed quota for AccessKeysPerUser: 2');
    assert.equal(third.$metadata?.httpStatusCode, 409);
    assert.equal(third.$metadata?.attempts, 1);
    // The SDK lists LimitExceededException among its THROTTLING codes: with default settings it retries a
    // non-transient quota error (3 attempts, 1 s-based backoff) before failing.
    const retried = await rejection(iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' })));
    assert.equal(retried.$metadata?.attempts, 3);

    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'ci-deployer',
        AccessKeyId: k1.AccessKeyId,
        Status: 'Inactive',
      }),
    );
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'ci-deployer' }));
    assert.deepEqual(
      listed.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]),
      [
        [k1.AccessKeyId, 'Inactive'],
        [k2.AccessKeyId, 'Active'],
      ],
    );

    const unused = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k2.AccessKeyId }));
    assert.equal(unused.UserName, 'ci-deployer');
    assert.deepEqual(unused.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });

    // Calls signed with a moto-made key are attributed to its user, and moto records the key's last use.
    const asLeaked = client(
      new STSClient({ credentials: { accessKeyId: k2.AccessKeyId!, secretAccessKey: k2.SecretAccessKey! } }),
    );
    const who = await asLeaked.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/ci-deployer`);
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k2.AccessKeyId }));
    assert.equal(used.AccessKeyLastUsed?.ServiceName, 'sts');
    assert.equal(used.AccessKeyLastUsed?.Region, 'us-east-1');
    assert.ok(used.AccessKeyLastUsed?.LastUsedDate instanceof Date);

    // GetAccessKeyInfo answers moto's account for any key id, moto-made or not (real AWS decodes the key's account).
    const sts = client(new STSClient({}));
    assert.equal(
      (await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: k1.AccessKeyId }))).Account,
      MOTO_ACCOUNT_ID,
    );
    assert.equal(
      (await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: LEAKED }))).Account,
      MOTO_ACCOUNT_ID,
    );
    const unknown = await rejection(iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: LEAKED })));
    assert.equal(unknown.name, 'NoSuchEntityException');
  });

  test('Secrets Manager: idempotency tokens, random password, staging labels, RotateSecret without Lambda', async () => {
    const sm = client(new SecretsManagerClient({}));
    const v1 = '11111111-1111-4111-8111-111111111111';
    const v2 = '22222222-2222-4222-8222-222222222222';
    const v3 = '33333333-3333-4333-8333-333333333333';
    await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'old', ClientRequestToken: v1 }));
    const put1 = await sm.send(
      new PutSecretValueCommand({ SecretId: 'prod/db', SecretString: 'new', ClientRequestToken: v2 }),
    );
    const put2 = await sm.send(
      new PutSecretValueCommand({ SecretId: 'prod/db', SecretString: 'new', ClientRequestToken: v2 }),
    );
    assert.equal(put1.VersionId, v2);
    assert.equal(put2.VersionId, v2);
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'prod/db' }));
    assert.equal(versions.Versions?.length, 2, 'the repeated token made no second version');
    const clash = await rejection(
      sm.send(
        new PutSecretValueCommand({ SecretId: 'prod/db', SecretString: 'other', ClientRequestToken: v2 }),
      ),
    );
    assert.equal(clash.name, 'ResourceExistsException');

    const exclude = `/@"'\\ `;
    const pw = (
      await sm.send(new GetRandomPasswordCommand({ PasswordLength: 64, ExcludeCharacters: exclude }))
    ).RandomPassword!;
    assert.equal(pw.length, 64);
    assert.ok(![...exclude].some((c) => pw.includes(c)), pw);

    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'prod/db',
        SecretString: pw,
        ClientRequestToken: v3,
        VersionStages: ['AWSPENDING'],
      }),
    );
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'prod/db',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: v3,
        RemoveFromVersionId: v2,
      }),
    );
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    assert.deepEqual(described.VersionIdsToStages, {
      [v1]: [],
      [v2]: ['AWSPREVIOUS'],
      [v3]: ['AWSPENDING', 'AWSCURRENT'],
    });
    const current = await sm.send(
      new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSCURRENT' }),
    );
    assert.equal(current.SecretString, pw);
    // moto quirk: UpdateSecretVersionStage does not move the secret's default version, so GetSecretValue
    // without VersionStage still returns the old AWSCURRENT (real AWS returns the new one).
    const unstaged = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
    assert.equal(unstaged.VersionId, v2);
    // moto quirk: AWSPENDING on the AWSCURRENT version counts as "rotation in progress" (inverted from AWS docs).
    const busy = await rejection(sm.send(new RotateSecretCommand({ SecretId: 'prod/db' })));
    assert.equal(busy.name, 'InvalidRequestException');
    assert.equal(busy.message, 'Previous rotation request is still in progress.');

    // RotateSecret with no rotation Lambda (real AWS refuses): moto moves AWSCURRENT to a new version anyway.
    // With the default RotateImmediately the new version has NO value, so reading the secret then fails.
    await sm.send(new CreateSecretCommand({ Name: 'prod/api', SecretString: 'api-1' }));
    const rotated = await sm.send(new RotateSecretCommand({ SecretId: 'prod/api' }));
    const stages =
      (await sm.send(new DescribeSecretCommand({ SecretId: 'prod/api' }))).VersionIdsToStages ?? {};
    assert.deepEqual(stages[rotated.VersionId!], ['AWSCURRENT']);
    const empty = await rejection(sm.send(new GetSecretValueCommand({ SecretId: 'prod/api' })));
    assert.equal(empty.name, 'ResourceNotFoundException');
    // With RotateImmediately: false the new AWSCURRENT version carries the old value.
    await sm.send(new CreateSecretCommand({ Name: 'prod/web', SecretString: 'web-1' }));
    const later = await sm.send(new RotateSecretCommand({ SecretId: 'prod/web', RotateImmediately: false }));
    const web = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/web' }));
    assert.equal(web.VersionId, later.VersionId);
    assert.equal(web.SecretString, 'web-1');
  });

  test('RDS: ModifyDBInstance MasterUserPassword applies at once (no PendingModifiedValues)', async () => {
    const rds = client(new RDSClient({}));
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'prod-db',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        MasterUsername: 'app',
        MasterUserPassword: 'old-password-1',
        AllocatedStorage: 20,
      }),
    );
    const modified = await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'prod-db',
        MasterUserPassword: 'new-password-2',
        ApplyImmediately: true,
      }),
    );
    assert.equal(modified.DBInstance?.DBInstanceStatus, 'available');
    assert.equal(modified.DBInstance?.PendingModifiedValues, undefined);
    const deferred = await rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'prod-db', MasterUserPassword: 'new-password-3' }),
    );
    assert.equal(deferred.DBInstance?.PendingModifiedValues, undefined);
    const d = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'prod-db' }));
    assert.equal(d.DBInstances?.[0]?.DBInstanceStatus, 'available');
  });

  test('EC2 DescribeRegions is served (not-opted-in regions included even without AllRegions)', async () => {
    const ec2 = client(new EC2Client({}));
    const regions = (await ec2.send(new DescribeRegionsCommand({}))).Regions ?? [];
    const names = regions.map((r) => r.RegionName);
    for (const r of REGIONS) assert.ok(names.includes(r), r);
    assert.ok(
      regions.some((r) => r.OptInStatus === 'not-opted-in'),
      'moto lists opt-in regions by default',
    );
  });

  test('IAM enforcement after INITIAL_NO_AUTH_ACTION_COUNT gives a real AccessDenied', async () => {
    const iam = client(new IAMClient({ maxAttempts: 1 }));
    await moto!.setAuth(2); // the next 2 requests are free, then every request is authorised against IAM
    try {
      await iam.send(new CreateUserCommand({ UserName: 'no-perms' }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-perms' }))).AccessKey!;
      const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      const asNoPerms = client(new IAMClient({ credentials, maxAttempts: 1 }));
      const denied = await rejection(
        asNoPerms.send(
          new UpdateAccessKeyCommand({
            UserName: 'no-perms',
            AccessKeyId: key.AccessKeyId,
            Status: 'Inactive',
          }),
        ),
      );
      assert.equal(denied.name, 'AccessDenied');
      assert.equal(denied.$metadata?.httpStatusCode, 403);
      assert.equal(
        denied.message,
        `User: arn:aws:iam::${MOTO_ACCOUNT_ID}:user/no-perms is not authorized to perform: iam:UpdateAccessKey`,
      );
      // The default 'testing' key is not an IAM key, so once enforcement starts it is rejected outright.
      const invalid = await rejection(iam.send(new ListUsersCommand({})));
      assert.equal(invalid.name, 'InvalidClientTokenId');
      // moto quirk: JSON-protocol services answer the denial in XML, so the SDK reports a deserialization
      // SyntaxError carrying the 403 (real AWS: AccessDeniedException).
      const sm = client(new SecretsManagerClient({ credentials, maxAttempts: 1 }));
      const smDenied = await rejection(sm.send(new CreateSecretCommand({ Name: 'x', SecretString: 'y' })));
      assert.equal(smDenied.name, 'SyntaxError');
      assert.equal(smDenied.$metadata?.httpStatusCode, 403);
    } finally {
      await moto!.setAuth(Infinity);
    }
  });

  test('startMoto({ initialNoAuthActionCount: 0 }) enforces IAM from the first request', async () => {
    const strict = await startMoto({ initialNoAuthActionCount: 0 });
    try {
      const iam = client(new IAMClient({ endpoint: strict.endpoint, maxAttempts: 1 }));
      const err = await rejection(iam.send(new ListUsersCommand({})));
      assert.equal(err.name, 'InvalidClientTokenId');
      assert.equal(err.message, 'The security token included in the request is invalid.');
      assert.equal(err.$metadata?.httpStatusCode, 403);
    } finally {
      await strict.stop();
    }
  });

  test('CloudTrail LookupEvents in 3 regions: pagination, filters, and a throttle the SDK retry absorbs', async () => {
    trail!.clearRequests();
    trail!.setThrottle({ firstPerRegion: 1 });
    const start = new Date((T0 + 3600) * 1000);
    const perRegion = await Promise.all(
      REGIONS.map(async (region) => {
        const ct = client(new CloudTrailClient({ region }));
        const got: TrailEvent[] = [];
        let pages = 0;
        for await (const page of paginateLookupEvents(
          { client: ct, pageSize: 2 },
          { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: LEAKED }], StartTime: start },
        )) {
          pages += 1;
          got.push(...(page.Events ?? []));
        }
        return { region, got, pages };
      }),
    );
    trail!.setThrottle(undefined);
    for (const { region, got, pages } of perRegion) {
      assert.equal(got.length, 6, region); // 7 events of the key, minus the one before StartTime
      assert.equal(pages, 3, region);
      const times = got.map((e) => e.EventTime!.getTime());
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      assert.ok(got.every((e) => e.AccessKeyId === LEAKED && e.EventTime! >= start));
      const newest = JSON.parse(got[0]!.CloudTrailEvent!) as Record<string, unknown>;
      assert.equal(newest.awsRegion, region);
      assert.equal(newest.errorCode, 'AccessDenied');
      assert.equal(newest.sourceIPAddress, '198.51.100.6');
      const seen = trail!.requests.filter((r) => r.region === region);
      assert.deepEqual(
        seen.map((r) => [r.status, r.error ?? '', r.nextToken === undefined ? 'first' : 'next']),
        [
          [400, 'ThrottlingException', 'first'],
          [200, '', 'first'],
          [200, '', 'next'],
          [200, '', 'next'],
        ],
      );
      assert.ok(seen.every((r) => r.target === 'CloudTrail_20131101.LookupEvents'));
    }
  });

  test('CloudTrail: SDK retries off (maxAttempts 1) surfaces ThrottlingException; the 2/s token bucket', async () => {
    const ct = client(new CloudTrailClient({ region: 'eu-west-1', maxAttempts: 1 }));
    trail!.clearRequests();
    trail!.setThrottle({ firstPerRegion: 1 });
    const thrown = await rejection(ct.send(new LookupEventsCommand({})));
    assert.equal(thrown.name, 'ThrottlingException');
    assert.equal(thrown.message, 'Rate exceeded');
    assert.equal(thrown.$metadata?.httpStatusCode, 400);
    assert.equal(thrown.$metadata?.attempts, 1);
    trail!.setThrottle(undefined);

    trail!.setRateLimit({ perSecond: 2 });
    try {
      const burst = await Promise.all(
        Array.from({ length: 5 }, () =>
          ct.send(new LookupEventsCommand({ MaxResults: 1 })).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        ),
      );
      assert.deepEqual(burst.filter((x) => x === 'ok').length, 2, burst.join());
      assert.ok(burst.filter((x) => x !== 'ok').every((x) => x === 'ThrottlingException'));
      // Another region has its own bucket.
      const us = client(new CloudTrailClient({ region: 'us-east-1', maxAttempts: 1 }));
      await us.send(new LookupEventsCommand({ MaxResults: 1 }));
      await new Promise((r) => setTimeout(r, 600)); // refills one token (2/s)
      await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    } finally {
      trail!.setRateLimit(undefined);
    }

    // A NextToken only resumes the query it came from.
    const first = await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    assert.ok(first.NextToken);
    const wrong = await rejection(
      ct.send(
        new LookupEventsCommand({
          MaxResults: 1,
          NextToken: first.NextToken,
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListBuckets' }],
        }),
      ),
    );
    assert.equal(wrong.name, 'InvalidNextTokenException');
    const tooMany = await rejection(ct.send(new LookupEventsCommand({ MaxResults: 51 })));
    assert.equal(tooMany.name, 'InvalidMaxResultsException');
  });

  test('CloudTrail DescribeTrails: home-region trails plus multi-region shadows', async () => {
    const names = async (region: string): Promise<string[]> =>
      (
        (await client(new CloudTrailClient({ region })).send(new DescribeTrailsCommand({}))).trailList ?? []
      ).map((t) => `${t.Name}@${t.HomeRegion}`);
    assert.deepEqual(await names('eu-west-1'), ['org-trail@us-east-1', 'eu-only@eu-west-1']);
    assert.deepEqual(await names('ap-southeast-2'), ['org-trail@us-east-1']);
  });

  test('webhook receiver: Standard Webhooks signature, retries on 500, Slack and PagerDuty answers', async () => {
    const secret = newWebhookSecret();
    const payload = JSON.stringify({ type: 'keyspill.containment.completed', data: { key: LEAKED } });
    const id = 'msg_2Kx1';
    const now = new Date();
    const signature = new Webhook(secret).sign(id, now, payload);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    const res = await fetch(hooks!.webhookUrl, { method: 'POST', headers, body: payload });
    assert.equal(res.status, 204);
    const [got] = await hooks!.waitFor(1, { pathPrefix: '/hooks/' });
    assert.deepEqual(verifyStandardWebhook(got!, secret), JSON.parse(payload));
    assert.throws(() =>
      verifyStandardWebhook(
        { ...got!, rawBody: Buffer.from(payload.replace('completed', 'failed')) },
        secret,
      ),
    );
    assert.throws(() => verifyStandardWebhook(got!, newWebhookSecret()));

    hooks!.failNext({ pathPrefix: '/slack/', count: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(hooks!.slackUrl, {
        method: 'POST',
        body: JSON.stringify({ text: 'key revoked' }),
      });
      statuses.push(r.status);
      if (r.ok) assert.equal(await r.text(), 'ok');
      else await r.arrayBuffer();
    }
    assert.deepEqual(statuses, [500, 500, 200]);

    const pd = await fetch(hooks!.pagerDutyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        dedup_key: 'keyspill-AKIAEXAMPLE',
        payload: { summary: 'Leaked AWS key', source: 'keyspill', severity: 'critical' },
      }),
    });
    assert.equal(pd.status, 202);
    assert.deepEqual(await pd.json(), {
      status: 'success',
      message: 'Event processed',
      dedup_key: 'keyspill-AKIAEXAMPLE',
    });
    const bad = await fetch(hooks!.pagerDutyUrl, {
      method: 'POST',
      body: JSON.stringify({ event_action: 'trigger' }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { status: string }).status, 'invalid event');
    assert.equal(hooks!.requests.length, 6);
  });

  test('moto reset drops every resource', async () => {
    const iam = client(new IAMClient({}));
    assert.ok(((await iam.send(new ListUsersCommand({}))).Users ?? []).length > 0);
    await moto!.reset();
    assert.deepEqual((await iam.send(new ListUsersCommand({}))).Users, []);
  });
});
