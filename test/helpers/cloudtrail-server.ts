// Test helper: a fake CloudTrail endpoint (LookupEvents, DescribeTrails) speaking the real AWS JSON 1.1 wire format.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Wire format (confirmed against @aws-sdk/client-cloudtrail 3.1137.0 and the Smithy awsJson1_1 spec, see notes/aws.md):
// POST / ; Content-Type: application/x-amz-json-1.1 ; X-Amz-Target: CloudTrail_20131101.<Op> (botocore sends the
// legacy prefix com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>; both are accepted); timestamps are epoch
// seconds; errors are HTTP 4xx with body {"__type": "<ShapeName>", "Message": "..."}.
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIXES = ['CloudTrail_20131101.', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.'];

export const LOOKUP_ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export interface TrailResource {
  readonly ResourceType?: string;
  readonly ResourceName?: string;
}

/** One `Events` item exactly as LookupEvents returns it (EventTime in epoch seconds). */
export interface CloudTrailEventItem {
  readonly EventId: string;
  readonly EventName: string;
  readonly ReadOnly?: string;
  readonly AccessKeyId?: string;
  readonly EventTime: number;
  readonly EventSource: string;
  readonly Username?: string;
  readonly Resources?: readonly TrailResource[];
  /** The full event record, a JSON string (sourceIPAddress, userAgent, errorCode, awsRegion, …). */
  readonly CloudTrailEvent: string;
}

export interface Trail {
  readonly Name: string;
  readonly HomeRegion: string;
  readonly TrailARN?: string;
  readonly S3BucketName?: string;
  readonly IsMultiRegionTrail?: boolean;
  readonly IncludeGlobalServiceEvents?: boolean;
  readonly LogFileValidationEnabled?: boolean;
  readonly IsOrganizationTrail?: boolean;
  readonly HasCustomEventSelectors?: boolean;
  readonly HasInsightSelectors?: boolean;
}

export interface EventFixture {
  readonly eventName: string;
  /** Epoch seconds, or a Date. */
  readonly eventTime: number | Date;
  readonly region: string;
  readonly eventSource?: string;
  readonly eventId?: string;
  readonly accessKeyId?: string;
  readonly username?: string;
  readonly accountId?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly readOnly?: boolean;
  readonly resources?: readonly TrailResource[];
  readonly requestParameters?: Record<string, unknown>;
}

/** Builds a realistic `Events` item (and its CloudTrailEvent JSON record) from a few fields. */
export function cloudTrailEvent(f: EventFixture): CloudTrailEventItem {
  const seconds = f.eventTime instanceof Date ? Math.floor(f.eventTime.getTime() / 1000) : f.eventTime;
  const eventId = f.eventId ?? randomUUID();
  const eventSource = f.eventSource ?? 'iam.amazonaws.com';
  const accountId = f.accountId ?? '123456789012';
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL',
      arn: `arn:aws:iam::${accountId}:user/${f.username ?? 'unknown'}`,
      accountId,
      ...(f.accessKeyId === undefined ? {} : { accessKeyId: f.accessKeyId }),
      ...(f.username === undefined ? {} : { userName: f.username }),
    },
    eventTime: new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource,
    eventName: f.eventName,
    awsRegion: f.region,
    sourceIPAddress: f.sourceIPAddress ?? '203.0.113.10',
    userAgent: f.userAgent ?? 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    ...(f.errorCode === undefined
      ? {}
      : { errorCode: f.errorCode, errorMessage: f.errorMessage ?? f.errorCode }),
    requestParameters: f.requestParameters ?? null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: eventId,
    readOnly: f.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
  return {
    EventId: eventId,
    EventName: f.eventName,
    ReadOnly: String(f.readOnly ?? false),
    ...(f.accessKeyId === undefined ? {} : { AccessKeyId: f.accessKeyId }),
    EventTime: seconds,
    EventSource: eventSource,
    ...(f.username === undefined ? {} : { Username: f.username }),
    Resources: f.resources ?? [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

export interface ThrottleInjection {
  /** Throttle every Nth LookupEvents request (counted over all regions, 1-based: N, 2N, …). */
  readonly everyNth?: number;
  /** Throttle the first K LookupEvents requests of each region. */
  readonly firstPerRegion?: number;
}

export interface RateLimit {
  /** Tokens added per second, per region (CloudTrail's documented LookupEvents quota is 2/s per account per region). */
  readonly perSecond: number;
  /** Bucket size (default: perSecond). */
  readonly burst?: number;
}

export interface CloudTrailServerOptions {
  /** Events per region. */
  readonly events?: Readonly<Record<string, readonly CloudTrailEventItem[]>>;
  readonly trails?: readonly Trail[];
  readonly throttle?: ThrottleInjection;
  readonly rateLimit?: RateLimit;
}

export interface CloudTrailRequestRecord {
  /** Date.now() when the request arrived. */
  readonly time: number;
  readonly operation: string;
  /** From the SigV4 credential scope; '' when the Authorization header was missing or unparsable. */
  readonly region: string;
  readonly accessKeyId: string;
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly nextToken?: string;
  readonly status: number;
  /** The error `__type` answered, if any. */
  readonly error?: string;
}

export interface CloudTrailServer {
  readonly endpoint: string;
  /** { AWS_ENDPOINT_URL_CLOUDTRAIL } — wins over AWS_ENDPOINT_URL, so moto can serve every other service. */
  readonly env: Readonly<Record<string, string>>;
  readonly requests: readonly CloudTrailRequestRecord[];
  setEvents(region: string, events: readonly CloudTrailEventItem[]): void;
  setTrails(trails: readonly Trail[]): void;
  setThrottle(t: ThrottleInjection | undefined): void;
  setRateLimit(r: RateLimit | undefined): void;
  /** Forgets recorded requests, throttle counters and buckets. */
  clearRequests(): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

const SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

interface PageToken {
  readonly r: string;
  readonly o: number;
  readonly q: string;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(s: string): PageToken | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<PageToken>;
    if (typeof v.r === 'string' && typeof v.o === 'number' && typeof v.q === 'string') {
      return { r: v.r, o: v.o, q: v.q };
    }
  } catch {
    // fall through
  }
  return undefined;
}

function toSeconds(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new ApiError('SerializationException', `${name} must be an epoch-seconds number`);
}

function matches(e: CloudTrailEventItem, key: LookupAttributeKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return e.EventId === value;
    case 'EventName':
      return e.EventName === value;
    case 'ReadOnly':
      return (e.ReadOnly ?? 'false') === value;
    case 'Username':
      return e.Username === value;
    case 'EventSource':
      return e.EventSource === value;
    case 'AccessKeyId':
      return e.AccessKeyId === value;
    case 'ResourceType':
      return (e.Resources ?? []).some((r) => r.ResourceType === value);
    case 'ResourceName':
      return (e.Resources ?? []).some((r) => r.ResourceName === value);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Starts the fake CloudTrail on 127.0.0.1 (ephemeral port). Always `await server.close()` in after(). */
export async function startCloudTrailServer(opts: CloudTrailServerOptions = {}): Promise<CloudTrailServer> {
  const events = new Map<string, CloudTrailEventItem[]>();
  for (const [region, list] of Object.entries(opts.events ?? {})) events.set(region, [...list]);
  let trails: readonly Trail[] = opts.trails ?? [];
  let throttle = opts.throttle;
  let rateLimit = opts.rateLimit;
  const requests: CloudTrailRequestRecord[] = [];
  let lookupCount = 0;
  const perRegionCount = new Map<string, number>();
  const buckets = new Map<string, Bucket>();

  const takeToken = (region: string): boolean => {
    if (rateLimit === undefined) return true;
    const cap = rateLimit.burst ?? rateLimit.perSecond;
    const now = performance.now();
    const b = buckets.get(region) ?? { tokens: cap, at: now };
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * rateLimit.perSecond);
    b.at = now;
    buckets.set(region, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const lookupEvents = (region: string, body: Record<string, unknown>): Record<string, unknown> => {
    lookupCount += 1;
    const nth = (perRegionCount.get(region) ?? 0) + 1;
    perRegionCount.set(region, nth);
    const injected =
      (throttle?.everyNth !== undefined && lookupCount % throttle.everyNth === 0) ||
      (throttle?.firstPerRegion !== undefined && nth <= throttle.firstPerRegion);
    if (injected || !takeToken(region)) throw new ApiError('ThrottlingException', 'Rate exceeded');

    const attrs = body.LookupAttributes;
    let filter: { key: LookupAttributeKey; value: string } | undefined;
    if (attrs !== undefined && attrs !== null) {
      if (!Array.isArray(attrs))
        throw new ApiError('InvalidLookupAttributesException', 'LookupAttributes must be a list');
      if (attrs.length > 1) {
        throw new ApiError(
          'InvalidLookupAttributesException',
          'You cannot specify more than one lookup attribute.',
        );
      }
      const a = attrs[0] as { AttributeKey?: unknown; AttributeValue?: unknown } | undefined;
      if (a !== undefined) {
        const key = a.AttributeKey;
        if (typeof key !== 'string' || !(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
          throw new ApiError('InvalidLookupAttributesException', `Invalid attribute key: ${String(key)}`);
        }
        if (typeof a.AttributeValue !== 'string' || a.AttributeValue === '') {
          throw new ApiError('InvalidLookupAttributesException', 'AttributeValue is required');
        }
        filter = { key: key as LookupAttributeKey, value: a.AttributeValue };
      }
    }
    const start = toSeconds(body.StartTime, 'StartTime');
    const end = toSeconds(body.EndTime, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) {
      throw new ApiError('InvalidTimeRangeException', 'Start time must be before end time.');
    }
    const max = body.MaxResults ?? 50;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) {
      throw new ApiError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    }
    const query = JSON.stringify([filter?.key, filter?.value, start, end]);
    let offset = 0;
    if (body.NextToken !== undefined && body.NextToken !== null) {
      const t = typeof body.NextToken === 'string' ? decodeToken(body.NextToken) : undefined;
      if (t === undefined || t.r !== region || t.q !== query) {
        throw new ApiError('InvalidNextTokenException', 'Invalid NextToken.');
      }
      offset = t.o;
    }
    const found = (events.get(region) ?? [])
      .filter((e) => filter === undefined || matches(e, filter.key, filter.value))
      .filter(
        (e) => (start === undefined || e.EventTime >= start) && (end === undefined || e.EventTime <= end),
      )
      .sort((a, b) => b.EventTime - a.EventTime || a.EventId.localeCompare(b.EventId));
    const page = found.slice(offset, offset + max);
    const next =
      offset + max < found.length ? encodeToken({ r: region, o: offset + max, q: query }) : undefined;
    return { Events: page, ...(next === undefined ? {} : { NextToken: next }) };
  };

  const describeTrails = (region: string, body: Record<string, unknown>): Record<string, unknown> => {
    const names = Array.isArray(body.trailNameList) ? (body.trailNameList as unknown[]) : [];
    const shadows = body.includeShadowTrails !== false;
    const list = trails
      .filter((t) => t.HomeRegion === region || (shadows && t.IsMultiRegionTrail === true))
      .filter((t) => names.length === 0 || names.includes(t.Name) || names.includes(t.TrailARN))
      .map((t) => ({
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: false,
        LogFileValidationEnabled: false,
        HasCustomEventSelectors: false,
        HasInsightSelectors: false,
        IsOrganizationTrail: false,
        S3BucketName: `aws-cloudtrail-logs-123456789012-${t.Name}`,
        TrailARN: `arn:aws:cloudtrail:${t.HomeRegion}:123456789012:trail/${t.Name}`,
        ...t,
      }));
    return { trailList: list };
  };

  const send = (res: ServerResponse, status: number, payload: unknown): void => {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': randomUUID(),
      date: new Date().toUTCString(),
    });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const time = Date.now();
    const targetHeader = req.headers['x-amz-target'];
    const target = typeof targetHeader === 'string' ? targetHeader : '';
    const prefix = TARGET_PREFIXES.find((p) => target.startsWith(p));
    const operation = prefix === undefined ? '' : target.slice(prefix.length);
    const scope = SCOPE.exec(req.headers.authorization ?? '');
    const region = scope?.[3] ?? '';
    let body: Record<string, unknown> = {};
    const record = (status: number, error?: string): void => {
      const nextToken = typeof body.NextToken === 'string' ? body.NextToken : undefined;
      requests.push({
        time,
        operation,
        region,
        accessKeyId: scope?.[1] ?? '',
        target,
        body,
        ...(nextToken === undefined ? {} : { nextToken }),
        status,
        ...(error === undefined ? {} : { error }),
      });
    };
    try {
      if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
        throw new ApiError(
          'UnknownOperationException',
          `${req.method ?? '?'} ${req.url ?? ''} is not an operation`,
          404,
        );
      }
      if (!(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) {
        throw new ApiError('SerializationException', `Content-Type must be ${CONTENT_TYPE}`);
      }
      if (scope === null || scope[4] !== 'cloudtrail') {
        throw new ApiError(
          'IncompleteSignatureException',
          'Authorization header lacks a SigV4 cloudtrail scope',
          403,
        );
      }
      try {
        const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        throw new ApiError('SerializationException', 'Request body is not a JSON object');
      }
      let out: Record<string, unknown>;
      if (operation === 'LookupEvents') out = lookupEvents(region, body);
      else if (operation === 'DescribeTrails') out = describeTrails(region, body);
      else throw new ApiError('UnknownOperationException', `Unknown operation ${target}`);
      record(200);
      send(res, 200, out);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('InternalFailure', String(e), 500);
      record(err.status, err.type);
      send(res, err.status, { __type: err.type, Message: err.message });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL_CLOUDTRAIL: endpoint },
    requests,
    setEvents: (region, list) => void events.set(region, [...list]),
    setTrails: (t) => void (trails = t),
    setThrottle: (t) => void (throttle = t),
    setRateLimit: (r) => {
      rateLimit = r;
      buckets.clear();
    },
    clearRequests: () => {
      requests.length = 0;
      lookupCount = 0;
      perRegionCount.clear();
      buckets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
