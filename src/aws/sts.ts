// STS: who owns an access key (account) and who is calling (the responder's ARN).
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCore } from './core.ts';

export interface StsApi {
  /** The account an access key belongs to (decoded by AWS from the key id). */
  accessKeyAccount(accessKeyId: string): Promise<string>;
  /** The caller's account and ARN (cached; also named in later AccessDenied messages). */
  callerIdentity(): Promise<{ readonly account: string; readonly arn: string }>;
}

export function stsApi(core: AwsCore): StsApi {
  let client: Promise<STSClient> | undefined;
  const sts = () =>
    (client ??= import('@aws-sdk/client-sts').then((m) => new m.STSClient(core.clientConfig())));
  let caller: Promise<{ account: string; arn: string }> | undefined;
  return {
    async accessKeyAccount(accessKeyId) {
      const { GetAccessKeyInfoCommand } = await import('@aws-sdk/client-sts');
      const r = await core.call('sts', 'GetAccessKeyInfo', async () =>
        (await sts()).send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId })),
      );
      return r.Account ?? '';
    },
    callerIdentity() {
      caller ??= (async () => {
        const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
        const r = await core.call('sts', 'GetCallerIdentity', async () =>
          (await sts()).send(new GetCallerIdentityCommand({})),
        );
        const id = { account: r.Account ?? '', arn: r.Arn ?? '' };
        core.principal = id.arn;
        return id;
      })();
      caller.catch(() => (caller = undefined));
      return caller;
    },
  };
}
