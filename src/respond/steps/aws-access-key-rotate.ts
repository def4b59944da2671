// Step kind aws.access-key.rotate: one replacement key (within the two-key quota), stored in Secrets Manager.
import { z } from 'zod';
import type { AccessKey } from '../../aws/iam.ts';
import { ScanError } from '../../errors.ts';
import { Secret } from '../../model/secret.ts';
import type { Json } from '../../model/json.ts';
import { ACCESS_KEY_ID } from './aws-access-key-preflight.ts';
import { defineStep, type StepContext } from './types.ts';

const input = z
  .object({
    accessKeyId: z.string().regex(ACCESS_KEY_ID, 'an access key ID (AKIA + 16 characters)'),
    userName: z.string().min(1),
    account: z.string().default(''),
    storeSecretId: z.string().min(1),
  })
  .strict();
type Input = z.infer<typeof input>;

interface Seen {
  readonly keys: readonly AccessKey[];
  /** Replacements this incident made whose secret never reached the store (lost with a crashed run). */
  readonly orphans: readonly string[];
  readonly storeExists: boolean;
}

/** IAM keeps an access key's description as a user tag keyed by the key id (what the console shows). */
const description = (ctx: StepContext, old: string): string => `keyspill ${ctx.incident.id}: replaces ${old}`;

/**
 * Keys this incident created: tagged with its id, named by a journaled CreateAccessKey outcome, or, when a run died
 * before that outcome, absent from the key list journaled before the create and created within minutes of it.
 */
function ourKeys(
  keys: readonly AccessKey[],
  tags: Record<string, string>,
  i: Input,
  ctx: StepContext,
): string[] {
  const mine = new Set<string>();
  for (const e of ctx.history) {
    if (e.type !== 'intent' || e.call !== 'iam:CreateAccessKey') continue;
    const outcome = ctx.history.find((o) => o.type === 'outcome' && o.effect === e.effect);
    const id =
      outcome?.type === 'outcome'
        ? (outcome.result as { AccessKeyId?: string } | undefined)?.AccessKeyId
        : undefined;
    if (id !== undefined) {
      mine.add(id);
      continue;
    }
    const before = new Set((e.before as { keys?: string[] } | undefined)?.keys ?? []);
    const t = Date.parse(e.time);
    for (const k of keys) {
      const created = k.created === undefined ? NaN : Date.parse(k.created);
      if (!before.has(k.id) && Math.abs(created - t) < 5 * 60_000) mine.add(k.id);
    }
  }
  return keys
    .map((k) => k.id)
    .filter((id) => id !== i.accessKeyId && (mine.has(id) || (tags[id] ?? '').includes(ctx.incident.id)));
}

async function storedKeyId(i: Input, ctx: StepContext, keyId: string): Promise<string | undefined> {
  const info = await ctx.aws.secrets.describe(i.storeSecretId);
  const token = ctx.token(`store:${keyId}`);
  if (!info?.versions[token]?.includes('AWSCURRENT')) return undefined;
  const v = await ctx.aws.secrets.getValue(i.storeSecretId, { versionId: token });
  if (v === undefined) return undefined;
  try {
    return (JSON.parse(v.value.reveal()) as { AccessKeyId?: string }).AccessKeyId;
  } catch {
    return undefined;
  }
}

export const accessKeyRotate = defineStep<Input>({
  kind: 'aws.access-key.rotate',
  summary:
    'Create one replacement access key (within the two-keys-per-user quota) and store it in Secrets Manager; never prints it.',
  effect: 'reversible',
  input,
  outputs: ['newAccessKeyId', 'storeSecretId', 'storeSecretArn', 'versionId'],
  plan: (i) => [
    { call: 'iam:ListAccessKeys', args: { UserName: i.userName }, effect: false },
    { call: 'iam:CreateAccessKey', args: { UserName: i.userName }, effect: true },
    {
      call: 'iam:TagUser',
      args: {
        UserName: i.userName,
        Tags: { '‹new key id›': 'keyspill ‹incident›: replaces ' + i.accessKeyId },
      },
      effect: true,
    },
    {
      call: 'secretsmanager:PutSecretValue (or CreateSecret)',
      args: {
        SecretId: i.storeSecretId,
        SecretString: '{"AccessKeyId":"‹new›","SecretAccessKey":"[secret]"}',
        ClientRequestToken: '‹derived from incident and key›',
      },
      effect: true,
    },
  ],
  confirmText: (i) =>
    `Create a replacement access key for IAM user ${i.userName}${i.account ? ` in account ${i.account}` : ''} and store it in Secrets Manager secret ${i.storeSecretId}?`,
  async probe(i, ctx) {
    const keys = await ctx.aws.iam.listAccessKeys(i.userName);
    const tags = await ctx.aws.iam.listUserTags(i.userName);
    const ours = ourKeys(keys, tags, i, ctx);
    const storeExists = (await ctx.aws.secrets.describe(i.storeSecretId)) !== undefined;
    const orphans: string[] = [];
    for (const id of ours) {
      if ((await storedKeyId(i, ctx, id)) === id)
        return {
          done: true,
          facts: [`replacement ${id} exists and is stored in ${i.storeSecretId} (AWSCURRENT)`],
        };
      orphans.push(id);
    }
    const left = keys.filter((k) => !orphans.includes(k.id));
    if (left.length >= 2) {
      const others = left.filter((k) => k.id !== i.accessKeyId);
      throw new ScanError(
        `IAM user ${i.userName} already has ${left.length} access keys (${left.map((k) => `${k.id} ${k.status}`).join(', ')}); AWS allows two, so no replacement can be created`,
        `keyspill does not delete keys on its own: delete the one nobody needs, e.g. aws iam delete-access-key --user-name ${i.userName} --access-key-id ${others[0]?.id ?? '…'}, then resume`,
      );
    }
    const facts = [`user ${i.userName} has ${keys.length} key(s): room for a replacement`];
    if (orphans.length > 0)
      facts.push(
        `replacement ${orphans.join(', ')} was created by an interrupted run but never stored: its secret is lost, so it will be deleted and made again`,
      );
    return { done: false, facts, state: { keys, orphans, storeExists } satisfies Seen };
  },
  async act(i, probe, ctx) {
    const seen = probe.state as Seen;
    for (const id of seen.orphans) {
      await ctx.effect(
        {
          call: 'iam:DeleteAccessKey',
          args: { UserName: i.userName, AccessKeyId: id, why: 'replacement never stored' },
        },
        () => ctx.aws.iam.deleteAccessKey(i.userName, id),
      );
      await ctx.effect({ call: 'iam:UntagUser', args: { UserName: i.userName, TagKeys: [id] } }, () =>
        ctx.aws.iam.untagUser(i.userName, [id]),
      );
    }
    const before = seen.keys.map((k) => k.id).filter((id) => !seen.orphans.includes(id));
    const created = await ctx.effect(
      { call: 'iam:CreateAccessKey', args: { UserName: i.userName }, before: { keys: before } },
      () => ctx.aws.iam.createAccessKey(i.userName),
      (k): Json => ({ AccessKeyId: k.id }),
    );
    ctx.note(`created replacement key ${created.id}`);
    await ctx.effect(
      {
        call: 'iam:TagUser',
        args: { UserName: i.userName, Tags: { [created.id]: description(ctx, i.accessKeyId) } },
      },
      () => ctx.aws.iam.tagUser(i.userName, { [created.id]: description(ctx, i.accessKeyId) }),
    );
    const value = new Secret(
      JSON.stringify({ AccessKeyId: created.id, SecretAccessKey: created.secret.reveal() }),
    );
    const token = ctx.token(`store:${created.id}`);
    const args = { SecretId: i.storeSecretId, SecretString: '[secret]', ClientRequestToken: token };
    if (seen.storeExists)
      await ctx.effect(
        { call: 'secretsmanager:PutSecretValue', args },
        () => ctx.aws.secrets.putValue(i.storeSecretId, value, token),
        (v): Json => ({ VersionId: v }),
      );
    else
      await ctx.effect(
        { call: 'secretsmanager:CreateSecret', args: { ...args, Name: i.storeSecretId } },
        () =>
          ctx.aws.secrets.create(i.storeSecretId, value, token, {
            description: `Access key of IAM user ${i.userName} (keyspill ${ctx.incident.id} replaced ${i.accessKeyId})`,
            tags: { 'keyspill:incident': ctx.incident.id },
          }),
        (r): Json => ({ ARN: r.arn, VersionId: r.versionId }),
      );
    ctx.note(`stored it in ${i.storeSecretId} (the secret key was never printed)`);
  },
  async verify(i, ctx) {
    const keys = await ctx.aws.iam.listAccessKeys(i.userName);
    const ours = ourKeys(keys, await ctx.aws.iam.listUserTags(i.userName), i, ctx);
    if (ours.length !== 1)
      throw new ScanError(
        `expected one replacement key for ${i.userName}, found ${ours.length}: ${ours.join(', ') || 'none'}`,
      );
    const id = ours[0]!;
    if ((await storedKeyId(i, ctx, id)) !== id)
      throw new ScanError(`replacement ${id} is not the current value of ${i.storeSecretId}`);
    const info = await ctx.aws.secrets.describe(i.storeSecretId);
    return {
      newAccessKeyId: id,
      storeSecretId: info?.name ?? i.storeSecretId,
      storeSecretArn: info?.arn ?? '',
      versionId: ctx.token(`store:${id}`),
    };
  },
  recovery: (i) =>
    `resume: a replacement that exists but is not stored in ${i.storeSecretId} lost its secret, so it is deleted and made again; keys you made yourself are never touched`,
});
