// Step kind aws.access-key.deactivate: UpdateAccessKey to Inactive (the key stays, so the change can be undone).
import { z } from 'zod';
import { ConfigError, ScanError } from '../../errors.ts';
import { ACCESS_KEY_ID } from './aws-access-key-preflight.ts';
import { defineStep } from './types.ts';

const input = z
  .object({
    accessKeyId: z.string().regex(ACCESS_KEY_ID, 'an access key ID (AKIA + 16 characters)'),
    userName: z.string().min(1),
    account: z.string().default(''),
  })
  .strict();

export const accessKeyDeactivate = defineStep<z.infer<typeof input>>({
  kind: 'aws.access-key.deactivate',
  summary:
    'Deactivate an access key (UpdateAccessKey → Inactive); it is not deleted, so it can be re-enabled.',
  effect: 'reversible',
  input,
  outputs: ['status'],
  plan: (i) => [
    { call: 'iam:ListAccessKeys', args: { UserName: i.userName }, effect: false },
    {
      call: 'iam:UpdateAccessKey',
      args: { UserName: i.userName, AccessKeyId: i.accessKeyId, Status: 'Inactive' },
      effect: true,
    },
  ],
  confirmText: (i) =>
    `Deactivate access key ${i.accessKeyId} of IAM user ${i.userName}${i.account ? ` in account ${i.account}` : ''}? Anything still using it starts failing at once.`,
  async probe(i, ctx) {
    const key = (await ctx.aws.iam.listAccessKeys(i.userName)).find((k) => k.id === i.accessKeyId);
    if (key === undefined)
      throw new ConfigError(
        `IAM user ${i.userName} has no access key ${i.accessKeyId} any more (deleted?)`,
        'nothing left to deactivate: check the user’s keys (aws iam list-access-keys --user-name ' +
          i.userName +
          ')',
      );
    return key.status === 'Inactive'
      ? { done: true, facts: [`key ${i.accessKeyId} is already Inactive`] }
      : { done: false, facts: [`key ${i.accessKeyId} is ${key.status}`] };
  },
  async act(i, _p, ctx) {
    await ctx.effect(
      {
        call: 'iam:UpdateAccessKey',
        args: { UserName: i.userName, AccessKeyId: i.accessKeyId, Status: 'Inactive' },
      },
      () => ctx.aws.iam.updateAccessKey(i.userName, i.accessKeyId, 'Inactive'),
    );
  },
  async verify(i, ctx) {
    const key = (await ctx.aws.iam.listAccessKeys(i.userName)).find((k) => k.id === i.accessKeyId);
    if (key?.status !== 'Inactive')
      throw new ScanError(`key ${i.accessKeyId} is still ${key?.status ?? 'missing'} after UpdateAccessKey`);
    ctx.note(
      `key ${i.accessKeyId} is Inactive (not deleted: re-enable with aws iam update-access-key --status Active)`,
    );
    return { status: 'Inactive' };
  },
  recovery: (i) =>
    `deactivate it by hand: aws iam update-access-key --user-name ${i.userName} --access-key-id ${i.accessKeyId} --status Inactive`,
});
