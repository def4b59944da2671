// One responder per incident: a proper-lockfile lock plus who holds it, since when, and a nonce for take-over.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError, LockedError } from '../errors.ts';
import type { Holder } from '../model/incident.ts';

const LOCK_DIR = 'lock';
const HOLDER_FILE = 'lock-holder.json';
/** A holder on another host is stale once its lock has had no heartbeat for this long. */
export const STALE_MS = 30_000;

export interface IncidentLock {
  readonly holder: Holder;
  /** The holder before us when we took over a lock that was not released (a crash, or --take-over). */
  readonly tookOver: { readonly from: Holder; readonly reason: string } | undefined;
  /** Set when the lock was lost while we held it (its folder removed or its heartbeat failed). */
  compromised(): boolean;
  release(): Promise<void>;
}

/** `user@host`, or KEYSPILL_RESPONDER when set. */
export function responderName(env: NodeJS.ProcessEnv = process.env): string {
  const named = env['KEYSPILL_RESPONDER'];
  if (named !== undefined && named !== '') return named;
  let user = env['USER'] ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

function readHolder(dir: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(h: Holder): string {
  return `${h.user} on ${h.host} (pid ${h.pid}) since ${h.since}`;
}

/**
 * Locks an incident for this process. A lock whose holder died on this host is taken over at once; one on another
 * host after STALE_MS without a heartbeat; otherwise only with `--take-over NONCE` naming the current holder.
 */
export async function lockIncident(
  dir: string,
  incidentId: string,
  o: {
    readonly takeOver?: string | undefined;
    readonly env?: NodeJS.ProcessEnv;
    readonly now?: () => Date;
  } = {},
): Promise<IncidentLock> {
  const lockfile = await import('proper-lockfile');
  const env = o.env ?? process.env;
  const before = readHolder(dir);
  let reason: string | undefined;
  let lost = false;
  const opts = {
    lockfilePath: join(dir, LOCK_DIR),
    realpath: false,
    stale: STALE_MS,
    update: STALE_MS / 3,
    retries: 0,
    onCompromised: () => {
      lost = true;
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, opts);
    if (before !== undefined) reason = `the previous run's lock had no heartbeat for ${STALE_MS / 1000} s`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    // The holder writes its file right after taking the lock: give it a moment before saying "another run".
    let h = readHolder(dir);
    for (let i = 0; i < 20 && h === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      h = readHolder(dir);
    }
    const sameHost = h !== undefined && h.host === hostname();
    if (o.takeOver !== undefined) {
      if (h === undefined || h.nonce !== o.takeOver)
        throw new ConfigError(
          `--take-over ${o.takeOver} does not name the current holder of incident ${incidentId}` +
            (h === undefined ? '' : ` (${describe(h)}, nonce ${h.nonce})`),
          `check who holds it: keyspill respond status ${incidentId}`,
        );
      reason = `taken over with --take-over ${o.takeOver}`;
    } else if (sameHost && h !== undefined && !pidAlive(h.pid)) {
      reason = `its holder (pid ${h.pid} on this host) is gone`;
    } else {
      const who = h === undefined ? 'another run' : describe(h);
      throw new LockedError(
        `incident ${incidentId} is locked by ${who}: another keyspill respond run is working on it`,
        h === undefined
          ? `wait for it to finish; if no run is working on it, remove ${join(dir, LOCK_DIR)}`
          : `wait for it to finish (keyspill respond status ${incidentId}); if that run is gone: keyspill respond resume ${incidentId} --take-over ${h.nonce}`,
        h === undefined
          ? {}
          : { holder: h.user, host: h.host, pid: String(h.pid), since: h.since, nonce: h.nonce },
      );
    }
    rmSync(join(dir, LOCK_DIR), { recursive: true, force: true });
    release = await lockfile.lock(dir, opts);
  }
  const holder: Holder = {
    user: responderName(env),
    host: hostname(),
    pid: process.pid,
    since: (o.now ?? (() => new Date()))().toISOString(),
    nonce: randomBytes(4).toString('hex'),
  };
  writeFileSync(join(dir, HOLDER_FILE), `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  return {
    holder,
    tookOver: before !== undefined && reason !== undefined ? { from: before, reason } : undefined,
    compromised: () => lost,
    release: async () => {
      rmSync(join(dir, HOLDER_FILE), { force: true });
      await release().catch(() => undefined);
    },
  };
}

/** Who holds an incident's lock now, if anyone (for status). */
export function currentHolder(dir: string): Holder | undefined {
  return readHolder(dir);
}
