// The audit summary (pure but for node:net's address matching): counts by name, region, IP, user agent, error; flags.
import { BlockList, isIP } from 'node:net';
import type { TrailEvent } from '../../aws/cloudtrail.ts';

/** Calls that make a foothold survive the revocation. */
export const PERSISTENCE_CALLS = [
  'CreateUser',
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
] as const;
/** Calls that widen what the attacker can do. */
export const ESCALATION_CALLS = [
  'AttachUserPolicy',
  'AttachRolePolicy',
  'AttachGroupPolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'PutGroupPolicy',
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'AssumeRole',
  'GetSessionToken',
  'GetFederationToken',
] as const;

export type FlagKind = 'persistence' | 'escalation' | 'unused-region' | 'unknown-ip';

export interface AuditFlag {
  readonly kind: FlagKind;
  /** The call, or the source IP for unknown-ip. */
  readonly what: string;
  readonly regions: readonly string[];
  readonly count: number;
  readonly first: string;
  readonly last: string;
  readonly detail: string;
}

export interface Count {
  readonly key: string;
  readonly count: number;
}

export interface AuditSummary {
  readonly events: number;
  readonly firstUse: string | undefined;
  readonly lastUse: string | undefined;
  readonly byName: readonly Count[];
  readonly byRegion: readonly Count[];
  readonly sourceIps: readonly (Count & { readonly known: boolean | 'aws-service' })[];
  readonly userAgents: readonly Count[];
  readonly errorCodes: readonly Count[];
  readonly flags: readonly AuditFlag[];
  readonly notes: readonly string[];
}

/** The event's full record, or {} when it has none or it does not parse. */
function recordOf(e: TrailEvent): Record_ {
  try {
    return JSON.parse(e.CloudTrailEvent ?? '{}') as Record_;
  } catch {
    return {};
  }
}

interface Record_ {
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly awsRegion?: string;
}

const tally = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
const sorted = (m: Map<string, number>, limit = Infinity): Count[] =>
  [...m.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, limit);

/** Builds the CIDR matcher; a bad CIDR is reported by the caller (config validation). */
export function cidrList(cidrs: readonly string[]): { list: BlockList; bad: string[] } {
  const list = new BlockList();
  const bad: string[] = [];
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const family = isIP(addr ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      bad.push(c);
    else list.addSubnet(addr!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { list, bad };
}

/**
 * Summarises the events of one audit. `region` of each event is the region it was looked up in. `usedRegions`:
 * where the account runs things (RunInstances elsewhere is flagged); `knownCidrs`: the organisation's ranges.
 */
export function summarize(
  events: readonly { readonly region: string; readonly event: TrailEvent }[],
  o: { readonly knownCidrs: readonly string[]; readonly usedRegions: readonly string[] },
): AuditSummary {
  const byName = new Map<string, number>();
  const byRegion = new Map<string, number>();
  const ips = new Map<string, number>();
  const agents = new Map<string, number>();
  const errors = new Map<string, number>();
  const flags = new Map<
    string,
    {
      kind: FlagKind;
      what: string;
      regions: Set<string>;
      count: number;
      first: string;
      last: string;
      detail: string;
    }
  >();
  const { list, bad } = cidrList(o.knownCidrs);
  const notes: string[] = [];
  if (bad.length > 0) notes.push(`ignored respond.knownCidrs entries that are not CIDRs: ${bad.join(', ')}`);
  const ipKnown = (ip: string): boolean | 'aws-service' => {
    const fam = isIP(ip);
    if (fam === 0) return 'aws-service';
    return list.check(ip, fam === 6 ? 'ipv6' : 'ipv4');
  };
  let first: string | undefined;
  let last: string | undefined;
  const flag = (kind: FlagKind, what: string, region: string, time: string, detail: string): void => {
    const k = `${kind}\0${what}`;
    const f = flags.get(k) ?? {
      kind,
      what,
      regions: new Set<string>(),
      count: 0,
      first: time,
      last: time,
      detail,
    };
    f.regions.add(region);
    f.count++;
    if (time < f.first) f.first = time;
    if (time > f.last) f.last = time;
    flags.set(k, f);
  };
  const used = new Set(o.usedRegions);
  for (const { region, event } of events) {
    const rec = recordOf(event);
    const time = event.EventTime;
    if (first === undefined || time < first) first = time;
    if (last === undefined || time > last) last = time;
    tally(byName, event.EventName);
    tally(byRegion, region);
    if (rec.sourceIPAddress) tally(ips, rec.sourceIPAddress);
    if (rec.userAgent) tally(agents, rec.userAgent);
    if (rec.errorCode) tally(errors, rec.errorCode);
    const name = event.EventName;
    if ((PERSISTENCE_CALLS as readonly string[]).includes(name))
      flag('persistence', name, region, time, 'creates a way in that outlives the leaked key');
    if ((ESCALATION_CALLS as readonly string[]).includes(name))
      flag('escalation', name, region, time, 'widens what the caller can do, or mints new credentials');
    if (name === 'RunInstances' && !used.has(region))
      flag(
        'unused-region',
        `RunInstances in ${region}`,
        region,
        time,
        `instances started in a region the account does not use (respond.usedRegions: ${[...used].join(', ') || 'none'})`,
      );
  }
  const sourceIps = sorted(ips).map((c) => ({
    ...c,
    known: o.knownCidrs.length === 0 ? false : ipKnown(c.key),
  }));
  if (o.knownCidrs.length === 0)
    notes.push('set respond.knownCidrs in .keyspill.yaml to flag source IPs outside your networks');
  else
    for (const ip of sourceIps)
      if (ip.known === false) {
        for (const { region, event } of events) {
          if (recordOf(event).sourceIPAddress === ip.key)
            flag(
              'unknown-ip',
              ip.key,
              region,
              event.EventTime,
              'a source address outside respond.knownCidrs',
            );
        }
      }
  const order: FlagKind[] = ['persistence', 'escalation', 'unused-region', 'unknown-ip'];
  return {
    events: events.length,
    firstUse: first,
    lastUse: last,
    byName: sorted(byName),
    byRegion: sorted(byRegion),
    sourceIps,
    userAgents: sorted(agents, 20),
    errorCodes: sorted(errors),
    flags: [...flags.values()]
      .map((f) => ({ ...f, regions: [...f.regions].sort() }))
      .sort(
        (a, b) =>
          order.indexOf(a.kind) - order.indexOf(b.kind) || b.count - a.count || a.what.localeCompare(b.what),
      ),
    notes,
  };
}
