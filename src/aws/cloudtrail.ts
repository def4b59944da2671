// CloudTrail: one LookupEvents page in one region (no SDK retries: the caller paces and retries), DescribeTrails.
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { AwsCore } from './core.ts';
import { awsErrorCode } from './errors.ts';

export type LookupKey =
  'AccessKeyId' | 'Username' | 'ResourceName' | 'EventName' | 'EventSource' | 'ResourceType';

export interface LookupPage {
  /** Each event as LookupEvents returns it (EventTime as an ISO string), ready to be written as evidence. */
  readonly events: readonly TrailEvent[];
  readonly nextToken: string | undefined;
}

export interface TrailEvent {
  readonly EventId: string;
  readonly EventName: string;
  readonly EventTime: string;
  readonly EventSource?: string | undefined;
  readonly Username?: string | undefined;
  readonly AccessKeyId?: string | undefined;
  readonly ReadOnly?: string | undefined;
  readonly Resources?: readonly {
    readonly ResourceType?: string | undefined;
    readonly ResourceName?: string | undefined;
  }[];
  /** The full record (a JSON string): sourceIPAddress, userAgent, errorCode, awsRegion… */
  readonly CloudTrailEvent?: string | undefined;
}

export interface TrailInfo {
  readonly name: string;
  readonly homeRegion: string;
  readonly s3Bucket: string | undefined;
  readonly multiRegion: boolean;
}

export interface CloudTrailApi {
  lookupPage(
    region: string,
    q: {
      readonly key: LookupKey;
      readonly value: string;
      readonly start: Date;
      readonly end: Date;
      readonly nextToken?: string | undefined;
    },
  ): Promise<LookupPage>;
  describeTrails(region: string): Promise<TrailInfo[]>;
}

/** Whether CloudTrail throttled the call (LookupEvents allows 2 requests per second per account and region). */
export function isThrottled(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 3 && cur !== undefined && cur !== null; i++) {
    const code = awsErrorCode(cur);
    if (
      code === 'ThrottlingException' ||
      code === 'TooManyRequestsException' ||
      code === 'RequestLimitExceeded'
    )
      return true;
    cur = (cur as Error).cause;
  }
  return false;
}

export function cloudTrailApi(core: AwsCore): CloudTrailApi {
  const clients = new Map<string, Promise<CloudTrailClient>>();
  const client = (region: string): Promise<CloudTrailClient> => {
    let c = clients.get(region);
    if (c === undefined) {
      c = import('@aws-sdk/client-cloudtrail').then(
        (m) => new m.CloudTrailClient(core.clientConfig(region, 1)),
      );
      clients.set(region, c);
    }
    return c;
  };
  return {
    async lookupPage(region, q) {
      const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
      const r = await core.call(
        'cloudtrail',
        'LookupEvents',
        async () =>
          (await client(region)).send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: q.key, AttributeValue: q.value }],
              StartTime: q.start,
              EndTime: q.end,
              MaxResults: 50,
              ...(q.nextToken === undefined ? {} : { NextToken: q.nextToken }),
            }),
          ),
        region,
      );
      return {
        events: (r.Events ?? []).map((e) => ({
          EventId: e.EventId ?? '',
          EventName: e.EventName ?? '',
          EventTime: e.EventTime?.toISOString() ?? '',
          EventSource: e.EventSource,
          Username: e.Username,
          AccessKeyId: e.AccessKeyId,
          ReadOnly: e.ReadOnly,
          Resources: (e.Resources ?? []).map((x) => ({
            ResourceType: x.ResourceType,
            ResourceName: x.ResourceName,
          })),
          CloudTrailEvent: e.CloudTrailEvent,
        })),
        nextToken: r.NextToken || undefined,
      };
    },
    async describeTrails(region) {
      const { DescribeTrailsCommand } = await import('@aws-sdk/client-cloudtrail');
      const r = await core.call(
        'cloudtrail',
        'DescribeTrails',
        async () => (await client(region)).send(new DescribeTrailsCommand({})),
        region,
      );
      return (r.trailList ?? []).map((t) => ({
        name: t.Name ?? '',
        homeRegion: t.HomeRegion ?? region,
        s3Bucket: t.S3BucketName,
        multiRegion: t.IsMultiRegionTrail === true,
      }));
    },
  };
}
