// Delivery: one message to one target, retried with backoff (the same message id every time), built-in fetch.
import { setTimeout as sleepMs } from 'node:timers/promises';
import { ScanError } from '../errors.ts';
import { messageText, type IncidentMessage } from './message.ts';
import type { NotifyTarget } from './targets.ts';

export interface Delivery {
  readonly status: number;
  readonly attempts: number;
}

interface Request {
  readonly body: string;
  readonly headers: Record<string, string>;
}

async function request(t: NotifyTarget, m: IncidentMessage, messageId: string): Promise<Request> {
  if (t.type === 'slack') return { body: JSON.stringify({ text: messageText(m) }), headers: {} };
  if (t.type === 'pagerduty') {
    const body =
      m.event === 'resolve'
        ? { routing_key: t.routingKey, event_action: 'resolve', dedup_key: m.incidentId }
        : {
            routing_key: t.routingKey,
            event_action: 'trigger',
            dedup_key: m.incidentId,
            payload: {
              summary: m.title.slice(0, 1024),
              source: 'keyspill',
              severity: m.severity,
              component: m.credential.kind,
              custom_details: {
                incident: m.incidentId,
                credential: m.credential.redacted ?? m.credential.id,
                done: m.done,
                audit: m.audit,
                next: m.next,
              },
            },
          };
    return { body: JSON.stringify(body), headers: {} };
  }
  const { Webhook } = await import('standardwebhooks');
  const date = new Date();
  const body = JSON.stringify({
    type: m.event === 'resolve' ? 'keyspill.incident.resolved' : 'keyspill.incident.contained',
    timestamp: date.toISOString(),
    data: m,
  });
  return {
    body,
    headers: {
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
      'webhook-signature': new Webhook(t.secret).sign(messageId, date, body),
    },
  };
}

export interface DeliverOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (attempt: number, why: string, waitMs: number) => void;
}

/**
 * Sends the message; 5xx, 429 and network errors are retried with full-jitter backoff (a Retry-After is honoured
 * up to 30 s). Every attempt carries the same message id, so receivers de-duplicate. Throws after the last attempt.
 */
export async function deliver(
  t: NotifyTarget,
  m: IncidentMessage,
  messageId: string,
  o: DeliverOptions = {},
): Promise<Delivery> {
  const attempts = o.attempts ?? 5;
  const base = o.baseDelayMs ?? 500;
  const sleep = o.sleep ?? ((ms: number) => sleepMs(ms));
  let why = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const req = await request(t, m, messageId);
    let wait = Math.floor(Math.random() * Math.min(10_000, base * 2 ** (attempt - 1)));
    try {
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'keyspill', ...req.headers },
        body: req.body,
        signal: AbortSignal.any([
          AbortSignal.timeout(o.timeoutMs ?? 10_000),
          ...(o.signal ? [o.signal] : []),
        ]),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) return { status: res.status, attempts: attempt };
      why = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      if (res.status < 500 && res.status !== 429 && res.status !== 408)
        throw new ScanError(
          `${t.label} refused the notification (${why})`,
          'check the target in respond.notify / --notify',
        );
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after > 0) wait = Math.min(30_000, after * 1000);
    } catch (e) {
      if (e instanceof ScanError) throw e;
      if (o.signal?.aborted) throw e;
      why =
        (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    }
    if (attempt < attempts) {
      o.onRetry?.(attempt, why, wait);
      await sleep(wait);
    }
  }
  throw new ScanError(
    `${t.label} did not take the notification after ${attempts} attempts (${why})`,
    'resume sends it again',
  );
}
