// EC2: the regions enabled for the account (DescribeRegions, leaving out regions not opted in).
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCore } from './core.ts';

export interface Ec2Api {
  /** Regions the account can use: opt-in not required, or opted in, in the session's partition. Sorted. */
  enabledRegions(): Promise<string[]>;
}

/** aws, aws-cn or aws-us-gov: a region list may hold other partitions' regions (emulators do), never audited here. */
function partition(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export function ec2Api(core: AwsCore): Ec2Api {
  let client: Promise<EC2Client> | undefined;
  const ec2 = () =>
    (client ??= import('@aws-sdk/client-ec2').then((m) => new m.EC2Client(core.clientConfig())));
  return {
    async enabledRegions() {
      const { DescribeRegionsCommand } = await import('@aws-sdk/client-ec2');
      const r = await core.call('ec2', 'DescribeRegions', async () =>
        (await ec2()).send(new DescribeRegionsCommand({ AllRegions: false })),
      );
      // Some endpoints (emulators, older partitions) list regions not opted in even without AllRegions.
      return (r.Regions ?? [])
        .filter(
          (x) =>
            x.OptInStatus === undefined ||
            x.OptInStatus === 'opt-in-not-required' ||
            x.OptInStatus === 'opted-in',
        )
        .map((x) => x.RegionName ?? '')
        .filter((n) => n !== '' && partition(n) === partition(core.region ?? 'us-east-1'))
        .sort();
    },
  };
}
