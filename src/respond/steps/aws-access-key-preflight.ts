// Step kind aws.access-key.preflight: whose key (account, IAM user), who is responding, its status and last use.
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { defineStep } from './types.ts';

export const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;

const input = z
  .object({ accessKeyId: z.string().regex(ACCESS_KEY_ID, 'an access key ID (AKIA + 16 characters)') })
  .strict();

interface Seen {
  readonly account: string;
  readonly responder: string;
  readonly user: string;
  readonly status: string;
  readonly lastUsed: string;
  readonly lastUsedService: string;
  readonly lastUsedRegion: string;
  readonly keys: number;
}

export const accessKeyPreflight = defineStep<z.infer<typeof input>>({
  kind: 'aws.access-key.preflight',
  summary:
    'Find the account and IAM user that own an access key, who is responding, and the key’s status and last use.',
  effect: 'none',
  input,
  outputs: [
    'account',
    'responder',
    'user',
    'status',
    'lastUsed',
    'lastUsedService',
    'lastUsedRegion',
    'keys',
  ],
  plan: (i) => [
    { call: 'sts:GetAccessKeyInfo', args: { AccessKeyId: i.accessKeyId }, effect: false },
    { call: 'sts:GetCallerIdentity', args: {}, effect: false },
    { call: 'iam:GetAccessKeyLastUsed', args: { AccessKeyId: i.accessKeyId }, effect: false },
    { call: 'iam:ListAccessKeys', args: { UserName: '‹owner›' }, effect: false },
  ],
  async probe(i, ctx) {
    const account = await ctx.aws.sts.accessKeyAccount(i.accessKeyId);
    const me = await ctx.aws.sts.callerIdentity();
    if (account !== '' && me.account !== '' && account !== me.account)
      throw new ConfigError(
        `access key ${i.accessKeyId} belongs to AWS account ${account}, but the credentials in use are ${me.arn} in account ${me.account}`,
        `use credentials for account ${account} (e.g. AWS_PROFILE=<a profile of ${account}>) and run the same command again`,
      );
    const use = await ctx.aws.iam.accessKeyLastUsed(i.accessKeyId);
    if (use === undefined || use.userName === '')
      throw new ConfigError(
        `no access key ${i.accessKeyId} in account ${me.account || account} (asked as ${me.arn})`,
        'check the key id; if it was already deleted there is nothing left to revoke (audit its use in CloudTrail)',
      );
    const keys = await ctx.aws.iam.listAccessKeys(use.userName);
    const key = keys.find((k) => k.id === i.accessKeyId);
    const seen: Seen = {
      account: account || me.account,
      responder: me.arn,
      user: use.userName,
      status: key?.status ?? 'unknown',
      lastUsed: use.date ?? '',
      lastUsedService: use.service ?? '',
      lastUsedRegion: use.region ?? '',
      keys: keys.length,
    };
    return {
      done: false,
      state: seen,
      facts: [
        `key ${i.accessKeyId} belongs to IAM user ${seen.user} in account ${seen.account}`,
        `responding as ${seen.responder}`,
        `key is ${seen.status}; ${
          use.date === undefined
            ? 'never used'
            : `last used ${use.date}${use.service ? ` by ${use.service}` : ''}${use.region ? ` in ${use.region}` : ''}`
        }`,
        `user ${seen.user} has ${keys.length} access key(s): ${keys.map((k) => `${k.id} (${k.status})`).join(', ')}`,
      ],
    };
  },
  async act() {
    // Reads only.
  },
  async verify(_i, _ctx, probe) {
    return { ...(probe.state as Seen) };
  },
});
