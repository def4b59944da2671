// Test helper: a local receiver for Slack incoming webhooks, PagerDuty Events v2 and generic (Standard Webhooks) posts.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  /** Date.now() when the body was complete. */
  readonly time: number;
  readonly method: string;
  /** Path with query string, as sent. */
  readonly path: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly rawBody: Buffer;
  /** The status this receiver answered. */
  readonly status: number;
}

export interface FailureRule {
  /** Requests whose path starts with this prefix are matched. */
  readonly pathPrefix: string;
  /** How many of the next matching requests fail. */
  readonly count: number;
  /** Default 500. Use 429 with a Retry-After header to imitate Slack's rate limit. */
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** A Slack incoming-webhook URL on this receiver (any /slack/... path answers 200 "ok"). */
  readonly slackUrl: string;
  /** PagerDuty Events API v2 enqueue URL on this receiver. */
  readonly pagerDutyUrl: string;
  /** A generic webhook URL (any other POST path answers 204). */
  readonly webhookUrl: string;
  readonly requests: readonly ReceivedRequest[];
  /** The next `count` requests whose path starts with `pathPrefix` get `status` (default 500). */
  failNext(rule: FailureRule): void;
  /** Resolves with the recorded requests once at least `n` arrived (matching `pathPrefix` if given). */
  waitFor(n: number, opts?: { pathPrefix?: string; timeoutMs?: number }): Promise<ReceivedRequest[]>;
  clear(): void;
  close(): Promise<void>;
}

const PD_ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const PD_SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** Validates an Events API v2 body the way PagerDuty does; returns the problems found. */
function pagerDutyErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['Event object is not JSON'];
  const e = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof e.routing_key !== 'string' || e.routing_key === '')
    errors.push("'routing_key' is missing or blank");
  if (typeof e.event_action !== 'string' || !PD_ACTIONS.has(e.event_action)) {
    errors.push("'event_action' is missing or invalid");
  }
  if (e.event_action === 'trigger') {
    const p = e.payload as Record<string, unknown> | undefined;
    if (typeof p !== 'object' || p === null) errors.push("'payload' is missing");
    else {
      if (typeof p.summary !== 'string' || p.summary === '')
        errors.push("'payload.summary' is missing or blank");
      if (typeof p.source !== 'string' || p.source === '')
        errors.push("'payload.source' is missing or blank");
      if (typeof p.severity !== 'string' || !PD_SEVERITIES.has(p.severity)) {
        errors.push("'payload.severity' is missing or invalid");
      }
    }
  } else if (e.event_action !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key === '')) {
    errors.push("'dedup_key' is required for acknowledge and resolve");
  }
  return errors;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Starts the receiver on 127.0.0.1 (ephemeral port). Always `await receiver.close()` in after(). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const rules: { rule: FailureRule; left: number }[] = [];

  const answer = (req: IncomingMessage, res: ServerResponse, raw: Buffer): void => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
      requests.push({
        time: Date.now(),
        method,
        path,
        headers: headerRecord(req),
        body: raw.toString('utf8'),
        rawBody: raw,
        status,
      });
    };
    const failing = rules.find((r) => r.left > 0 && path.startsWith(r.rule.pathPrefix));
    if (failing !== undefined) {
      failing.left -= 1;
      reply(failing.rule.status ?? 500, failing.rule.body ?? 'internal_error', {
        'content-type': 'text/plain',
        ...failing.rule.headers,
      });
      return;
    }
    if (method !== 'POST') {
      reply(405, 'method not allowed', { 'content-type': 'text/plain' });
      return;
    }
    if (path.startsWith('/slack/')) {
      // Slack answers incoming webhooks with text/html "ok", or 400 "invalid_payload" / "no_text".
      let msg: unknown;
      try {
        msg = JSON.parse(raw.toString('utf8'));
      } catch {
        reply(400, 'invalid_payload', { 'content-type': 'text/html' });
        return;
      }
      const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
      if (typeof m.text !== 'string' && !Array.isArray(m.blocks) && !Array.isArray(m.attachments)) {
        reply(400, 'no_text', { 'content-type': 'text/html' });
        return;
      }
      reply(200, 'ok', { 'content-type': 'text/html' });
      return;
    }
    if (path === '/v2/enqueue' || path.startsWith('/v2/enqueue?')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const errors = pagerDutyErrors(parsed);
      if (errors.length > 0) {
        reply(400, JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }), {
          'content-type': 'application/json',
        });
        return;
      }
      const given = (parsed as { dedup_key?: unknown }).dedup_key;
      const dedupKey = typeof given === 'string' && given !== '' ? given : randomUUID().replaceAll('-', '');
      reply(202, JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }), {
        'content-type': 'application/json',
      });
      return;
    }
    reply(204, '');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    slackUrl: `${url}/slack/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`,
    pagerDutyUrl: `${url}/v2/enqueue`,
    webhookUrl: `${url}/hooks/keyspill`,
    requests,
    failNext: (rule) => void rules.push({ rule, left: rule.count }),
    waitFor: async (n, opts = {}) => {
      const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
      const pick = (): ReceivedRequest[] =>
        requests.filter((r) => opts.pathPrefix === undefined || r.path.startsWith(opts.pathPrefix));
      while (pick().length < n) {
        if (Date.now() > deadline)
          throw new Error(`webhook receiver got ${pick().length} of ${n} requests in time`);
        await sleep(20);
      }
      return pick();
    },
    clear: () => {
      requests.length = 0;
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh Standard Webhooks signing secret ("whsec_" + base64 of 24 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Verifies a received request's Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature)
 * with the `standardwebhooks` package; throws WebhookVerificationError when it does not verify.
 * Returns the parsed JSON payload.
 */
export function verifyStandardWebhook(req: ReceivedRequest, secret: string): unknown {
  return new Webhook(secret).verify(req.rawBody, {
    'webhook-id': req.headers['webhook-id'] ?? '',
    'webhook-timestamp': req.headers['webhook-timestamp'] ?? '',
    'webhook-signature': req.headers['webhook-signature'] ?? '',
  });
}
