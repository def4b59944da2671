// Notification targets: from .keyspill.yaml (respond.notify) and --notify TYPE=VALUE, secrets resolved from the env.
import { createHash } from 'node:crypto';
import type { NotifyTargetSpec } from '../config/types.ts';
import { ConfigError } from '../errors.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export type NotifyTarget =
  | { readonly type: 'slack'; readonly id: string; readonly label: string; readonly url: string }
  | {
      readonly type: 'pagerduty';
      readonly id: string;
      readonly label: string;
      readonly url: string;
      readonly routingKey: string;
    }
  | {
      readonly type: 'webhook';
      readonly id: string;
      readonly label: string;
      readonly url: string;
      readonly secret: string;
    };

/** A stable id for a target that reveals nothing (Slack URLs and routing keys are secrets). */
function targetId(type: string, key: string): string {
  return `${type}-${createHash('sha256').update(`${type}\0${key}`).digest('hex').slice(0, 12)}`;
}

/** `https://hooks.slack.com/…(77)`: the host and the length, never the token in the path. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…(${url.length})`;
  } catch {
    return `…(${url.length})`;
  }
}

function checkUrl(url: string, where: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${where}: ${redactUrl(url)} is not a URL`, 'give the full https:// URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new ConfigError(`${where}: ${u.protocol} URLs are not supported`, 'give an https:// URL');
  return url;
}

/** Resolves config entries and `--notify` flags into targets (de-duplicated by id). */
export function notifyTargets(
  specs: readonly NotifyTargetSpec[],
  flags: readonly string[],
  env: NodeJS.ProcessEnv,
): NotifyTarget[] {
  const all: NotifyTargetSpec[] = [...specs];
  for (const f of flags) {
    const m = /^(slack|pagerduty|webhook)=(.+)$/s.exec(f);
    if (!m)
      throw new ConfigError(
        `--notify ${f.replace(/=.*/s, '=…')} is not TYPE=VALUE`,
        'use --notify slack=URL, --notify pagerduty=ROUTING_KEY or --notify webhook=URL',
      );
    const v = m[2]!;
    if (m[1] === 'slack') all.push({ type: 'slack', url: v });
    else if (m[1] === 'pagerduty') all.push({ type: 'pagerduty', routingKey: v });
    else all.push({ type: 'webhook', url: v });
  }
  const out = new Map<string, NotifyTarget>();
  for (const s of all) {
    if (s.type === 'slack') {
      const url = checkUrl(s.url, 'slack');
      out.set(targetId('slack', url), {
        type: 'slack',
        id: targetId('slack', url),
        label: `slack ${redactUrl(url)}`,
        url,
      });
    } else if (s.type === 'pagerduty') {
      const url = checkUrl(s.url ?? env['KEYSPILL_PAGERDUTY_URL'] ?? PAGERDUTY_EVENTS_URL, 'pagerduty url');
      const id = targetId('pagerduty', s.routingKey);
      out.set(id, {
        type: 'pagerduty',
        id,
        label: `pagerduty ${redactUrl(url)} (routing key …${s.routingKey.slice(-4)})`,
        url,
        routingKey: s.routingKey,
      });
    } else {
      const url = checkUrl(s.url, 'webhook');
      const envName = s.secretEnv ?? 'KEYSPILL_WEBHOOK_SECRET';
      const secret = env[envName];
      if (secret === undefined || secret === '')
        throw new ConfigError(
          `the webhook ${redactUrl(url)} needs its signing secret in ${envName}`,
          `export ${envName}=whsec_… (the secret the receiver verifies Standard Webhooks signatures with)`,
        );
      const id = targetId('webhook', url);
      out.set(id, { type: 'webhook', id, label: `webhook ${redactUrl(url)}`, url, secret });
    }
  }
  return [...out.values()];
}
