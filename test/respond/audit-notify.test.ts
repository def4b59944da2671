// The audit and notify steps and the incident report, end to end: moto, the fake CloudTrail, a webhook receiver.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { jsonResult } from '../helpers/cli.ts';
import {
  cloudTrailEvent,
  startCloudTrailServer,
  type CloudTrailServer,
} from '../helpers/cloudtrail-server.ts';
import { startMoto, type Moto } from '../helpers/moto.ts';
import { assertNoSecrets, ks, type Ks } from '../helpers/respond.ts';
import {
  newWebhookSecret,
  startWebhookReceiver,
  verifyStandardWebhook,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.ts';
import { writeTree } from '../helpers/tmp.ts';

let moto: Moto;
let trail: CloudTrailServer;
let hooks: WebhookReceiver;
let iam: IAMClient;
let sm: SecretsManagerClient;
const SECRET = newWebhookSecret();
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';
const HOUR = 3600;
const now = Math.floor(Date.now() / 1000);

before(
  async () => {
    moto = await startMoto();
    trail = await startCloudTrailServer();
    hooks = await startWebhookReceiver();
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
  await hooks?.close();
});
beforeEach(async () => {
  await moto.reset();
  hooks.clear();
  trail.clearRequests();
  trail.setThrottle(undefined);
  trail.setRateLimit(undefined);
  trail.setTrails([]);
  for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) trail.setEvents(r, []);
});

interface Fixture {
  readonly key: { id: string; secret: string };
  readonly counts: Record<string, number>;
  readonly ids: Set<string>;
}

/** A leaked key, and what an attacker did with it in three regions (plus noise from another key). */
async function leak(): Promise<Fixture> {
  await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
  const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }));
  const id = k.AccessKey!.AccessKeyId!;
  const ev = (
    region: string,
    eventName: string,
    t: number,
    ip: string,
    extra: Record<string, unknown> = {},
  ) =>
    cloudTrailEvent({
      region,
      eventName,
      eventTime: now - t,
      accessKeyId: id,
      username: 'ci-deployer',
      sourceIPAddress: ip,
      userAgent: 'aws-cli/2.15',
      ...extra,
    });
  const us = [
    ...Array.from({ length: 117 }, (_, i) =>
      ev('us-east-1', i % 3 === 0 ? 'ListBuckets' : 'DescribeInstances', 2 * HOUR + i * 60, '10.1.2.3', {
        eventSource: 'ec2.amazonaws.com',
      }),
    ),
    ev('us-east-1', 'CreateUser', HOUR, '203.0.113.7'),
    ev('us-east-1', 'AttachUserPolicy', HOUR - 30, '203.0.113.7'),
    ev('us-east-1', 'CreateAccessKey', HOUR - 60, '203.0.113.7', { errorCode: 'AccessDenied' }),
    cloudTrailEvent({
      region: 'us-east-1',
      eventName: 'ListBuckets',
      eventTime: now - 100,
      accessKeyId: 'AKIAOTHERKEY00000000',
    }),
  ];
  const eu = Array.from({ length: 5 }, (_, i) =>
    ev('eu-west-1', 'GetCallerIdentity', 3 * HOUR + i, '198.51.100.9', { eventSource: 'sts.amazonaws.com' }),
  );
  const ap = Array.from({ length: 3 }, (_, i) =>
    ev('ap-southeast-2', 'RunInstances', 30 * 60 + i, '203.0.113.7', { eventSource: 'ec2.amazonaws.com' }),
  );
  trail.setEvents('us-east-1', us);
  trail.setEvents('eu-west-1', eu);
  trail.setEvents('ap-southeast-2', ap);
  const mine = [...us, ...eu, ...ap].filter((e) => e.AccessKeyId === id);
  return {
    key: { id, secret: k.AccessKey!.SecretAccessKey! },
    counts: { 'us-east-1': 120, 'eu-west-1': 5, 'ap-southeast-2': 3 },
    ids: new Set(mine.map((e) => e.EventId)),
  };
}

function responder(): Ks {
  const k = ks({
    KEYSPILL_PAGERDUTY_URL: hooks.pagerDutyUrl,
    KEYSPILL_WEBHOOK_SECRET: SECRET,
    KEYSPILL_NOTIFY_RETRY_MS: '20',
  });
  writeTree(k.cwd, {
    '.keyspill.yaml': [
      'version: 1',
      'respond:',
      '  knownCidrs: [10.0.0.0/8]',
      '  usedRegions: [us-east-1, eu-west-1]',
      '  notify:',
      `    - { type: slack, url: "${hooks.slackUrl}" }`,
      '',
    ].join('\n'),
  });
  return k;
}

const NOTIFY = () => ['--notify', `pagerduty=${ROUTING_KEY}`, '--notify', `webhook=${hooks.webhookUrl}`];

function evidence(k: Ks, id: string, region: string): { EventId: string }[] {
  const text = readFileSync(join(k.state, 'incidents', id, 'evidence', `cloudtrail-${region}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { EventId: string });
}

function assertEvidenceExact(k: Ks, id: string, f: Fixture): void {
  const seen = new Set<string>();
  for (const [region, n] of Object.entries(f.counts)) {
    const evs = evidence(k, id, region);
    assert.equal(evs.length, n, `${region}: every event once`);
    for (const e of evs) {
      assert.ok(f.ids.has(e.EventId), 'only the leaked key’s events');
      assert.ok(!seen.has(e.EventId), `event ${e.EventId} counted twice`);
      seen.add(e.EventId);
    }
  }
  assert.equal(seen.size, f.ids.size);
}

describe('audit, notify and report (aws-access-key)', () => {
  test('one command: contained, every enabled region audited with flags, the team notified once, a report ready', async () => {
    const f = await leak();
    const k = responder();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      f.key.id,
      '--since',
      '7d',
      '--yes',
      ...NOTIFY(),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = jsonResult<{
      incidentId: string;
      status: string;
      steps: { id: string; outputs: Record<string, unknown> }[];
    }>(r);
    const id = res.incidentId;
    assert.equal(res.status, 'contained');
    const audit = res.steps.find((s) => s.id === 'audit')!.outputs as {
      regionsAudited: string[];
      regionsFailed: unknown[];
      events: number;
      flags: { kind: string; what: string; count: number; regions: string[] }[];
    };
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2'])
      assert.ok(audit.regionsAudited.includes(region), region);
    for (const left of ['ap-east-1', 'me-south-1', 'cn-north-1', 'us-gov-west-1'])
      assert.ok(!audit.regionsAudited.includes(left), `${left}: not opted in, or another partition`);
    assert.ok(audit.regionsAudited.length > 10, 'every enabled region');
    assert.deepEqual(audit.regionsFailed, []);
    assert.equal(audit.events, 128);
    const flags = audit.flags.map((x) => `${x.kind}:${x.what}:${x.count}`);
    for (const want of [
      'persistence:CreateUser:1',
      'persistence:CreateAccessKey:1',
      'escalation:AttachUserPolicy:1',
      'unused-region:RunInstances in ap-southeast-2:3',
      'unknown-ip:203.0.113.7:6',
      'unknown-ip:198.51.100.9:5',
    ])
      assert.ok(flags.includes(want), `${want} in ${flags.join(', ')}`);
    assert.ok(!flags.some((x) => x.includes('10.1.2.3')), 'a known address is not flagged');
    assertEvidenceExact(k, id, f);
    // Every page of every region asked with the same window; us-east-1 took three pages of 50.
    const us = trail.requests.filter((q) => q.region === 'us-east-1' && q.operation === 'LookupEvents');
    assert.equal(us.length, 3);

    // Notified once per target.
    assert.equal(hooks.requests.filter((q) => q.path.startsWith('/slack')).length, 1);
    const pd = hooks.requests.filter((q) => q.path.startsWith('/v2/enqueue'));
    assert.equal(pd.length, 1);
    const pdBody = JSON.parse(pd[0]!.body) as {
      dedup_key: string;
      event_action: string;
      payload: { severity: string };
    };
    assert.equal(pdBody.dedup_key, id);
    assert.equal(pdBody.event_action, 'trigger');
    assert.equal(pdBody.payload.severity, 'critical');
    const wh = hooks.requests.filter((q) => q.path.startsWith(new URL(hooks.webhookUrl).pathname));
    assert.equal(wh.length, 1);
    const payload = verifyStandardWebhook(wh[0]!, SECRET) as {
      type: string;
      data: { incidentId: string; audit: string[] };
    };
    assert.equal(payload.type, 'keyspill.incident.contained');
    assert.equal(payload.data.incidentId, id);
    assert.ok(payload.data.audit.some((l) => l.startsWith('FLAG persistence: CreateUser')));
    const stored = await sm.send(
      new GetSecretValueCommand({ SecretId: 'keyspill/ci-deployer/access-key', VersionStage: 'AWSCURRENT' }),
    );
    const newSecret = (JSON.parse(stored.SecretString!) as { SecretAccessKey: string }).SecretAccessKey;
    assertNoSecrets(
      k.state,
      [f.key.secret, newSecret, ROUTING_KEY, SECRET, hooks.slackUrl],
      [r.stdout, r.stderr],
    );
    // Messages carry no secret either (PagerDuty's body holds its own routing key, as the API wants).
    for (const q of hooks.requests)
      for (const s of [f.key.secret, newSecret, SECRET, hooks.slackUrl]) assert.ok(!q.body.includes(s));

    // The report.
    const md = await k.run(['respond', 'report', id]);
    assert.equal(md.code, 0, md.stderr);
    for (const want of [
      `# Incident ${id}: leaked aws-access-key ${f.key.id}`,
      '## Timeline (UTC)',
      '| Contained |',
      'Replacement in place',
      '| Audit finished |',
      '| Team notified |',
      '| Time to contain |',
      '**persistence** — CreateUser ×1 in us-east-1',
      '**unused-region** — RunInstances in ap-southeast-2 ×3',
      '`evidence/cloudtrail-us-east-1.jsonl` | 120 |',
      'hash chain intact',
    ])
      assert.ok(md.stdout.includes(want), `report has ${want}`);
    assert.match(md.stdout, /\| \d{4}-\d{2}-\d{2} [\d:]+Z \| Incident started by /);
    const rep = jsonResult<{
      timeline: { event: string }[];
      evidence: { intact: boolean }[];
      timeToContain: { fromStart: number };
    }>(await k.run(['respond', 'report', id, '--json']));
    assert.deepEqual(
      rep.timeline.map((t) => t.event),
      ['first-seen', 'started', 'contained', 'rotated', 'audited', 'notified'],
    );
    assert.ok(rep.evidence.every((e) => e.intact));
    assert.ok(rep.timeToContain.fromStart >= 0);
    assert.equal((await k.run(['respond', 'report', id, '--output', 'incident.md'])).code, 0);
    assert.equal(readFileSync(join(k.cwd, 'incident.md'), 'utf8'), md.stdout);

    // Closing resolves the PagerDuty alert with the same dedup key.
    hooks.clear();
    assert.equal(
      (await k.run(['respond', 'finish', id, '--confirm', 'delete-old-key', ...NOTIFY()])).code,
      0,
    );
    const resolve = hooks.requests
      .filter((q) => q.path.startsWith('/v2/enqueue'))
      .map((q) => JSON.parse(q.body) as { event_action: string; dedup_key: string });
    assert.deepEqual(resolve, [{ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: id }]);
    assert.ok((await k.run(['respond', 'report', id])).stdout.includes('| Incident closed |'));
  });

  test('throttling is retried with backoff; 2 requests/s; nothing counted twice; a window past 90 days names the trails', async () => {
    const f = await leak();
    trail.setThrottle({ firstPerRegion: 1 });
    trail.setRateLimit({ perSecond: 2 });
    trail.setTrails([
      { Name: 'org-trail', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, S3BucketName: 'acme-trail' },
    ]);
    const k = responder();
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      f.key.id,
      '--yes',
      '--since',
      '120d',
      '--regions',
      'us-east-1,eu-west-1',
      '--regions',
      'ap-southeast-2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = k.incidents()[0]!;
    assertEvidenceExact(k, id, f);
    const us = trail.requests.filter((q) => q.region === 'us-east-1' && q.operation === 'LookupEvents');
    assert.equal(us[0]!.error, 'ThrottlingException');
    assert.equal(us.filter((q) => q.status === 200).length, 3);
    assert.deepEqual(
      [...new Set(trail.requests.filter((q) => q.operation === 'LookupEvents').map((q) => q.region))].sort(),
      ['ap-southeast-2', 'eu-west-1', 'us-east-1'],
    );
    const report = (await k.run(['respond', 'report', id])).stdout;
    assert.match(report, /Regions audited \(3\): ap-southeast-2, eu-west-1, us-east-1/);
    assert.match(
      report,
      /events before \S+ are only in a trail's S3 logs \(org-trail \(s3:\/\/acme-trail\)\)/,
    );
    assert.match(r.stdout, /more than 90 days ago/);
  });

  test('killed mid-audit: resume continues each region from its checkpoint, re-fetches no finished region, duplicates nothing', async () => {
    const f = await leak();
    trail.setRateLimit({ perSecond: 2 });
    const k = responder();
    const killed = await k.run(
      [
        'respond',
        'incident',
        '--kind',
        'aws-access-key',
        '--id',
        f.key.id,
        '--yes',
        '--regions',
        'us-east-1,eu-west-1,ap-southeast-2',
      ],
      { KEYSPILL_FAILPOINT: 'kill-after-checkpoint:3' },
    );
    assert.notEqual(killed.code, 0);
    const id = k.incidents()[0]!;
    const checkpoints = k
      .journal(id)
      .filter((e) => e['type'] === 'checkpoint')
      .map((e) => e['data'] as { region?: string; nextToken?: string | null; done?: boolean });
    assert.equal(checkpoints.length, 3, 'plan + two pages');
    const finished = checkpoints.filter((c) => c.done === true).map((c) => c.region!);
    // The last checkpoint of each region counts (both pages may be from one region, whichever answered first).
    const last = new Map(checkpoints.filter((c) => c.region !== undefined).map((c) => [c.region!, c]));
    const midway = [...last.values()].filter((c) => c.done === false);
    const cut = Date.now();
    const r = await k.run(['respond', 'resume', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    const after = trail.requests.filter((q) => q.time >= cut && q.operation === 'LookupEvents');
    for (const region of finished)
      assert.ok(!after.some((q) => q.region === region), `${region} was finished: not fetched again`);
    for (const c of midway) {
      const first = after.find((q) => q.region === c.region)!;
      assert.equal(first.nextToken, c.nextToken, `${c.region} continues from its token`);
    }
    assertEvidenceExact(k, id, f);
    assert.equal((await k.run(['respond', 'verify', id])).code, 0);
  });

  test('a failing target is retried with the same id, reported, never blocks containment; resume sends only what was not delivered', async () => {
    const f = await leak();
    const k = responder();
    hooks.failNext({ pathPrefix: new URL(hooks.webhookUrl).pathname, count: 2, status: 500 });
    hooks.failNext({ pathPrefix: '/slack', count: 5, status: 503 });
    const r = await k.run([
      'respond',
      'incident',
      '--kind',
      'aws-access-key',
      '--id',
      f.key.id,
      '--yes',
      '--regions',
      'us-east-1',
      ...NOTIFY(),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /slack https:\/\/|slack http:\/\/127\.0\.0\.1:\d+\/…\(\d+\): not delivered/);
    const wh = hooks.requests.filter((q) => q.path.startsWith(new URL(hooks.webhookUrl).pathname));
    assert.deepEqual(
      wh.map((q) => q.status),
      [500, 500, 204],
    );
    assert.equal(new Set(wh.map((q) => q.headers['webhook-id'])).size, 1, 'every retry carries the same id');
    verifyStandardWebhook(wh[2]!, SECRET);
    const st = jsonResult<{ status: string; steps: { id: string; status: string }[] }>(
      await k.run(['respond', 'status', '--json']),
    );
    assert.equal(st.status, 'contained', 'containment stands');
    assert.equal(st.steps.find((s) => s.id === 'notify')!.status, 'partial');
    hooks.clear();
    const again = await k.run(['respond', 'resume', '--yes', ...NOTIFY()]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      hooks.requests.map((q) => q.path.split('/')[1]),
      ['slack'],
      'only the undelivered target',
    );
    assert.equal(
      jsonResult<{ steps: { id: string; status: string }[] }>(
        await k.run(['respond', 'status', '--json']),
      ).steps.find((s) => s.id === 'notify')!.status,
      'done',
    );
  });

  test('killed right after a delivery: resume sends no message with a new id, and nothing already recorded', async () => {
    const f = await leak();
    const k0 = responder();
    // Which side effect is the webhook delivery, in a clean run.
    assert.equal(
      (
        await k0.run([
          'respond',
          'incident',
          '--kind',
          'aws-access-key',
          '--id',
          f.key.id,
          '--yes',
          '--regions',
          'us-east-1',
          ...NOTIFY(),
        ])
      ).code,
      0,
    );
    const calls = k0
      .journal(k0.incidents()[0]!)
      .filter((e) => e['type'] === 'intent')
      .map((e) => e['call'] as string);
    assert.deepEqual(calls.slice(-3), ['notify:slack', 'notify:pagerduty', 'notify:webhook']);
    for (const target of ['notify:pagerduty', 'notify:webhook']) {
      await moto.reset();
      const g = await leak();
      hooks.clear();
      const k = responder();
      const n = calls.indexOf(target) + 1;
      const killed = await k.run(
        [
          'respond',
          'incident',
          '--kind',
          'aws-access-key',
          '--id',
          g.key.id,
          '--yes',
          '--regions',
          'us-east-1',
          ...NOTIFY(),
        ],
        {
          KEYSPILL_FAILPOINT: `kill-after-effect:${n}`,
        },
      );
      assert.notEqual(killed.code, 0);
      assert.equal((await k.run(['respond', 'resume', '--yes', ...NOTIFY()])).code, 0);
      const by = (p: string) => hooks.requests.filter((q) => q.path.startsWith(p));
      assert.equal(by('/slack').length, 1, `${target}: slack once`);
      if (target === 'notify:pagerduty') {
        const pd = by('/v2/enqueue').map((q) => (JSON.parse(q.body) as { dedup_key: string }).dedup_key);
        assert.equal(pd.length, 2, 'at least once: sent again after the crash');
        assert.equal(new Set(pd).size, 1, 'with the same dedup key');
        assert.equal(by(new URL(hooks.webhookUrl).pathname).length, 1);
      } else {
        const ids = by(new URL(hooks.webhookUrl).pathname).map((q) => q.headers['webhook-id']);
        assert.equal(ids.length, 2);
        assert.equal(new Set(ids).size, 1, 'the same webhook-id: receivers de-duplicate');
        assert.equal(by('/v2/enqueue').length, 1);
      }
    }
  });
});
