// Step kind aws.cloudtrail.audit: LookupEvents over the leak window in every region, checkpointed, as evidence.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { z } from 'zod';
import { isThrottled, type TrailEvent } from '../../aws/cloudtrail.ts';
import { InterruptedError, KeyspillError } from '../../errors.ts';
import type { Json } from '../../model/json.ts';
import { backoffMs, tokenBucket } from '../audit/token-bucket.ts';
import { summarize, type AuditSummary } from '../audit/summary.ts';
import { defineStep, type StepContext } from './types.ts';

const DAY = 86_400_000;
/** CloudTrail event history keeps 90 days. */
export const HISTORY_DAYS = 90;
const MAX_THROTTLE_RETRIES = 8;

const input = z
  .object({
    attribute: z.enum([
      'AccessKeyId',
      'Username',
      'ResourceName',
      'EventName',
      'EventSource',
      'ResourceType',
    ]),
    value: z.string().min(1),
    /** Start of the window (ISO); default the incident's leak window, else 90 days. */
    since: z.string().default(''),
    /** Regions; default respond.regions / --regions, else every region enabled for the account. */
    regions: z.array(z.string()).default([]),
    /** Requests per second per region (CloudTrail allows 2). */
    ratePerSecond: z.number().positive().max(2).default(2),
  })
  .strict();
type Input = z.infer<typeof input>;

interface Plan {
  readonly from: string;
  readonly until: string;
  readonly regions: readonly string[];
  readonly clamped: boolean;
}

interface RegionProgress {
  region: string;
  nextToken: string | undefined;
  events: number;
  bytes: number;
  done: boolean;
  error?: string | undefined;
}

const evidenceFile = (region: string): string => join('evidence', `cloudtrail-${region}.jsonl`);

/** The window and regions fixed by the first run (a resumed audit asks exactly the same question: tokens stay valid). */
function plannedOf(ctx: StepContext): Plan | undefined {
  for (const e of ctx.history)
    if (e.type === 'checkpoint' && (e.data as unknown as { plan?: Plan }).plan)
      return (e.data as unknown as { plan: Plan }).plan;
  return undefined;
}

/** The last checkpoint of each region. */
function progressOf(ctx: StepContext, plan: Plan): Map<string, RegionProgress> {
  const m = new Map<string, RegionProgress>(
    plan.regions.map((r) => [r, { region: r, nextToken: undefined, events: 0, bytes: 0, done: false }]),
  );
  for (const e of ctx.history)
    if (e.type === 'checkpoint') {
      const d = e.data as {
        region?: string;
        nextToken?: string | null;
        events?: number;
        bytes?: number;
        done?: boolean;
        error?: string;
      };
      if (d.region !== undefined && m.has(d.region))
        m.set(d.region, {
          region: d.region,
          nextToken: d.nextToken ?? undefined,
          events: d.events ?? 0,
          bytes: d.bytes ?? 0,
          done: d.done === true,
          error: d.error,
        });
    }
  return m;
}

function readEvidence(dir: string, region: string): TrailEvent[] {
  const file = join(dir, evidenceFile(region));
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TrailEvent);
}

async function auditRegion(i: Input, plan: Plan, p: RegionProgress, ctx: StepContext): Promise<void> {
  const file = join(ctx.incident.dir, evidenceFile(p.region));
  // Events written after the last checkpoint are dropped and fetched again from its token: none is counted twice.
  if (existsSync(file) && statSync(file).size > p.bytes) truncateSync(file, p.bytes);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const seen = new Set(readEvidence(ctx.incident.dir, p.region).map((e) => e.EventId));
  const bucket = tokenBucket(i.ratePerSecond);
  let token = p.nextToken;
  let events = p.events;
  let bytes = p.bytes;
  for (;;) {
    if (ctx.signal.aborted) throw new InterruptedError('interrupted during the audit');
    let page;
    for (let attempt = 0; ; attempt++) {
      await bucket.take();
      try {
        page = await ctx.aws.cloudtrail.lookupPage(p.region, {
          key: i.attribute,
          value: i.value,
          start: new Date(plan.from),
          end: new Date(plan.until),
          nextToken: token,
        });
        break;
      } catch (e) {
        if (!isThrottled(e) || attempt >= MAX_THROTTLE_RETRIES) throw e;
        await sleepMs(backoffMs(attempt));
      }
    }
    const lines: string[] = [];
    for (const ev of page.events) {
      if (seen.has(ev.EventId)) continue;
      seen.add(ev.EventId);
      lines.push(JSON.stringify(ev));
    }
    if (lines.length > 0) {
      const chunk = `${lines.join('\n')}\n`;
      appendFileSync(file, chunk, { mode: 0o600 });
      bytes += Buffer.byteLength(chunk);
      events += lines.length;
    }
    token = page.nextToken;
    ctx.checkpoint({ region: p.region, nextToken: token ?? null, events, bytes, done: token === undefined });
    if (token === undefined) break;
  }
  const content = readFileSync(file);
  ctx.evidence({
    file: evidenceFile(p.region),
    sha256: createHash('sha256').update(content).digest('hex'),
    bytes: content.length,
    records: events,
  });
}

export const cloudTrailAudit = defineStep<Input>({
  kind: 'aws.cloudtrail.audit',
  summary:
    'Look the credential up in CloudTrail (LookupEvents) over the leak window in every region, 2 requests/s per region, checkpointed; raw events kept as evidence; summary and flags.',
  effect: 'none',
  notInDryRun: true,
  input,
  outputs: [
    'from',
    'until',
    'regionsAudited',
    'regionsFailed',
    'events',
    'summary',
    'flags',
    'digest',
    'olderEvents',
  ],
  plan: (i) => [
    { call: 'ec2:DescribeRegions', args: {}, effect: false },
    {
      call: 'cloudtrail:LookupEvents (every region, every page)',
      args: { LookupAttributes: [{ AttributeKey: i.attribute, AttributeValue: i.value }], MaxResults: 50 },
      effect: false,
    },
  ],
  async probe(i, ctx) {
    const plan = plannedOf(ctx);
    return {
      done: false,
      facts: plan
        ? [`continuing the audit of ${plan.regions.length} region(s) from its checkpoints`]
        : [
            `${i.attribute} = ${i.value}, from ${i.since || ctx.incident.since || `${HISTORY_DAYS} days ago`}`,
          ],
    };
  },
  async act(i, _p, ctx) {
    let plan = plannedOf(ctx);
    if (plan === undefined) {
      const now = Date.now();
      const oldest = now - HISTORY_DAYS * DAY + 60_000;
      const wanted = Date.parse(i.since || ctx.incident.since || '') || oldest;
      const regions =
        i.regions.length > 0
          ? i.regions
          : ctx.settings.regions.length > 0
            ? ctx.settings.regions
            : await ctx.aws.ec2.enabledRegions();
      plan = {
        from: new Date(Math.max(wanted, oldest)).toISOString(),
        until: new Date(now).toISOString(),
        regions: [...regions],
        clamped: wanted < oldest,
      };
      mkdirSync(join(ctx.incident.dir, 'evidence'), { recursive: true, mode: 0o700 });
      ctx.checkpoint({ plan: plan as unknown as Json });
    }
    const progress = progressOf(ctx, plan);
    const todo = [...progress.values()].filter((p) => !p.done);
    ctx.note(
      `auditing ${todo.length} of ${plan.regions.length} region(s) in parallel, ${plan.from} → ${plan.until}, ${i.ratePerSecond} requests/s each`,
    );
    await Promise.all(
      todo.map(async (p) => {
        try {
          await auditRegion(i, plan, p, ctx);
        } catch (e) {
          if (e instanceof InterruptedError) throw e;
          const msg = e instanceof KeyspillError ? e.message : (e as Error).message;
          const last = progressOf(ctx, plan).get(p.region)!;
          ctx.checkpoint({
            region: p.region,
            nextToken: last.nextToken ?? null,
            events: last.events,
            bytes: last.bytes,
            done: false,
            error: msg,
          });
        }
      }),
    );
  },
  async verify(i, ctx) {
    const plan = plannedOf(ctx)!;
    const progress = progressOf(ctx, plan);
    const failed = [...progress.values()].filter((p) => !p.done);
    const audited = [...progress.values()].filter((p) => p.done).map((p) => p.region);
    const all = plan.regions.flatMap((region) =>
      readEvidence(ctx.incident.dir, region).map((event) => ({ region, event })),
    );
    const summary: AuditSummary = summarize(all, {
      knownCidrs: ctx.settings.knownCidrs,
      usedRegions:
        ctx.settings.usedRegions.length > 0 ? ctx.settings.usedRegions : [ctx.aws.core.region ?? 'us-east-1'],
    });
    let olderEvents: Json = null;
    if (plan.clamped) {
      let trails: string[] = [];
      let why = '';
      try {
        trails = (
          await ctx.aws.cloudtrail.describeTrails(ctx.aws.core.region ?? plan.regions[0] ?? 'us-east-1')
        ).map((t) => `${t.name}${t.s3Bucket ? ` (s3://${t.s3Bucket})` : ''}`);
      } catch (e) {
        why = (e as Error).message;
      }
      olderEvents = {
        before: plan.from,
        trails,
        note:
          `the leak window starts more than ${HISTORY_DAYS} days ago: events before ${plan.from} are only in a trail's S3 logs` +
          (trails.length > 0
            ? ` (${trails.join(', ')})`
            : why
              ? ` (could not list trails: ${why})`
              : ' (no trail is configured)'),
      };
      ctx.warn((olderEvents as { note: string }).note);
    }
    for (const f of failed) ctx.partial(`audit of ${f.region} did not complete: ${f.error ?? 'stopped'}`);
    const digest = [
      `${summary.events} event(s) with ${i.attribute} ${i.value} in ${audited.length} region(s), ${plan.from} → ${plan.until}` +
        (failed.length > 0 ? `; not audited: ${failed.map((f) => f.region).join(', ')}` : ''),
      ...(summary.firstUse ? [`first use ${summary.firstUse}, last use ${summary.lastUse}`] : []),
      ...summary.flags.map((f) => `FLAG ${f.kind}: ${f.what} ×${f.count} (${f.regions.join(', ')})`),
    ];
    for (const d of digest) ctx.note(d);
    return {
      from: plan.from,
      until: plan.until,
      regionsAudited: audited,
      regionsFailed: failed.map((f) => ({ region: f.region, error: f.error ?? 'stopped' })),
      events: summary.events,
      summary: summary as unknown as Json,
      flags: summary.flags as unknown as Json,
      digest,
      olderEvents,
    };
  },
});
