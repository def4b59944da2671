// Step kind notify: Slack, PagerDuty Events v2 and Standard Webhooks; at least once, one message id per target.
import { z } from 'zod';
import { KeyspillError } from '../../errors.ts';
import { deliver } from '../../notify/deliver.ts';
import type { IncidentMessage } from '../../notify/message.ts';
import type { NotifyTarget } from '../../notify/targets.ts';
import { defineStep, type StepContext } from './types.ts';

const input = z
  .object({
    /** `trigger` (contained: page / post), `resolve` (closed: PagerDuty resolves its alert). */
    event: z.enum(['trigger', 'resolve']).default('trigger'),
    title: z.string().optional(),
    /** Lines of the audit summary (e.g. `{{ steps.audit.digest }}`). */
    audit: z.array(z.string()).default([]),
  })
  .strict();
type Input = z.infer<typeof input>;

const messageId = (ctx: StepContext, i: Input, t: NotifyTarget): string =>
  `msg_${ctx.token(`notify:${i.event}:${t.id}`).replaceAll('-', '')}`;

/** Targets this incident already reached with this event (an outcome journaled as delivered). */
function delivered(ctx: StepContext, i: Input): Set<string> {
  const done = new Set<string>();
  for (const e of ctx.history)
    if (e.type === 'outcome' && e.ok && e.call.startsWith('notify:')) {
      const intent = ctx.history.find((x) => x.type === 'intent' && x.effect === e.effect);
      const a = (intent?.type === 'intent' ? intent.args : {}) as { targetId?: string; event?: string };
      if (a.event === i.event && a.targetId !== undefined) done.add(a.targetId);
    }
  return done;
}

function message(i: Input, ctx: StepContext): IncidentMessage {
  const c = ctx.incident.credential;
  const flagged = i.audit.some((a) => a.startsWith('FLAG'));
  return {
    incidentId: ctx.incident.id,
    event: i.event,
    severity: i.event === 'resolve' ? 'info' : flagged ? 'critical' : 'error',
    title:
      i.title ??
      (i.event === 'resolve'
        ? `keyspill ${ctx.incident.id} closed: ${c.kind} ${c.redacted ?? c.id}`
        : `keyspill ${ctx.incident.id}: leaked ${c.kind} ${c.redacted ?? c.id} contained${flagged ? ' — the audit flagged suspicious calls' : ''}`),
    done: ctx.doneSoFar(),
    audit: i.audit,
    next:
      i.event === 'resolve'
        ? `keyspill respond report ${ctx.incident.id}`
        : `keyspill respond status ${ctx.incident.id}`,
    credential: { kind: c.kind, id: c.id, ...(c.redacted === undefined ? {} : { redacted: c.redacted }) },
  };
}

export const notify = defineStep<Input>({
  kind: 'notify',
  summary:
    'Tell people: Slack incoming webhook, PagerDuty Events v2 (dedup_key = incident id), Standard Webhooks; retried with the same message id, sent once per incident, never blocking containment.',
  effect: 'none',
  notInDryRun: true,
  input,
  outputs: ['delivered', 'failed'],
  plan: (i) => [
    { call: `notify (${i.event}) to each target of respond.notify / --notify`, args: {}, effect: true },
  ],
  async probe(i, ctx) {
    const targets = ctx.settings.notify;
    if (targets.length === 0)
      return {
        done: false,
        facts: ['no notification targets (respond.notify in .keyspill.yaml, or --notify)'],
      };
    const done = delivered(ctx, i);
    const left = targets.filter((t) => !done.has(t.id));
    return {
      done: left.length === 0,
      facts: [
        ...targets.filter((t) => done.has(t.id)).map((t) => `${t.label}: already delivered`),
        ...left.map((t) => `${t.label}: to send`),
      ],
    };
  },
  async act(i, _p, ctx) {
    const done = delivered(ctx, i);
    const m = message(i, ctx);
    for (const t of ctx.settings.notify) {
      if (done.has(t.id)) continue;
      const id = messageId(ctx, i, t);
      try {
        const r = await ctx.effect(
          {
            call: `notify:${t.type}`,
            args: { target: t.label, targetId: t.id, messageId: id, event: i.event },
          },
          () =>
            deliver(t, m, id, {
              signal: ctx.signal,
              // KEYSPILL_NOTIFY_RETRY_MS: the first retry's backoff (doubling from there; default 500 ms).
              ...(Number(ctx.env['KEYSPILL_NOTIFY_RETRY_MS']) > 0
                ? { baseDelayMs: Number(ctx.env['KEYSPILL_NOTIFY_RETRY_MS']) }
                : {}),
              onRetry: (n, why, ms) =>
                ctx.note(`${t.label}: attempt ${n} failed (${why}); again in ${Math.round(ms / 100) / 10} s`),
            }),
          (r) => ({ status: r.status, attempts: r.attempts }),
        );
        ctx.note(
          `${t.label}: delivered (HTTP ${r.status}${r.attempts > 1 ? `, attempt ${r.attempts}` : ''})`,
        );
      } catch (e) {
        ctx.partial(
          `${t.label}: not delivered: ${e instanceof KeyspillError ? e.message : (e as Error).message}; resume sends it again`,
        );
      }
    }
  },
  async verify(i, ctx) {
    const done = delivered(ctx, i);
    return {
      delivered: ctx.settings.notify.filter((t) => done.has(t.id)).map((t) => t.label),
      failed: ctx.settings.notify.filter((t) => !done.has(t.id)).map((t) => t.label),
    };
  },
});
