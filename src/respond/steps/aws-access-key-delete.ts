// Step kind aws.access-key.delete: delete the old (Inactive) key for good; irreversible, so typed confirmation.
import { z } from 'zod';
import { ScanError } from '../../errors.ts';
import { ACCESS_KEY_ID } from './aws-access-key-preflight.ts';
import { defineStep } from './types.ts';

const input = z
  .object({
    accessKeyId: z.string().regex(ACCESS_KEY_ID, 'an access key ID (AKIA + 16 characters)'),
    userName: z.string().min(1),
    account: z.string().default(''),
  })
  .strict();

export const accessKeyDelete = defineStep<z.infer<typeof input>>({
  kind: 'aws.access-key.delete',
  summary:
    'Delete an Inactive access key for good (refuses an Active one). Irreversible: typed confirmation.',
  effect: 'irreversible',
  input,
  outputs: ['deleted'],
  plan: (i) => [
    { call: 'iam:ListAccessKeys', args: { UserName: i.userName }, effect: false },
    { call: 'iam:DeleteAccessKey', args: { UserName: i.userName, AccessKeyId: i.accessKeyId }, effect: true },
  ],
  confirmText: (i) =>
    `Delete access key ${i.accessKeyId} of IAM user ${i.userName}${i.account ? ` in account ${i.account}` : ''} for good? This cannot be undone.`,
  confirmWord: (i) => i.accessKeyId,
  async probe(i, ctx) {
    const key = (await ctx.aws.iam.listAccessKeys(i.userName)).find((k) => k.id === i.accessKeyId);
    if (key === undefined) return { done: true, facts: [`key ${i.accessKeyId} is already deleted`] };
    if (key.status === 'Active')
      throw new ScanError(
        `key ${i.accessKeyId} is Active again: someone re-enabled it after it was deactivated`,
        `find out who and why before deleting it (CloudTrail: UpdateAccessKey on ${i.accessKeyId}); deactivate it again to go on`,
      );
    return { done: false, facts: [`key ${i.accessKeyId} is ${key.status}`] };
  },
  async act(i, _p, ctx) {
    await ctx.effect(
      { call: 'iam:DeleteAccessKey', args: { UserName: i.userName, AccessKeyId: i.accessKeyId } },
      () => ctx.aws.iam.deleteAccessKey(i.userName, i.accessKeyId),
    );
  },
  async verify(i, ctx) {
    if ((await ctx.aws.iam.listAccessKeys(i.userName)).some((k) => k.id === i.accessKeyId))
      throw new ScanError(`key ${i.accessKeyId} still exists after DeleteAccessKey`);
    return { deleted: i.accessKeyId };
  },
});
