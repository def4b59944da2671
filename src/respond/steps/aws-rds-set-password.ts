// Step kind aws.rds.set-master-password: ModifyDBInstance with a staged secret version's password, then wait for it.
import { z } from 'zod';
import type { DbInstance } from '../../aws/rds.ts';
import { ConfigError, ScanError } from '../../errors.ts';
import { Secret } from '../../model/secret.ts';
import { waitUntil } from '../wait.ts';
import { defineStep, type StepContext } from './types.ts';

const input = z
  .object({
    dbInstance: z.string().min(1),
    /** The secret and version holding the new password (staged first, so it is never only in memory). */
    secretId: z.string().min(1),
    versionId: z.string().min(1),
    field: z.string().default('password'),
    timeoutSeconds: z.number().positive().default(900),
    pollSeconds: z.number().positive().default(10),
  })
  .strict();
type Input = z.infer<typeof input>;

function applied(db: DbInstance | undefined, i: Input): { ready: boolean; detail: string } {
  if (db === undefined) return { ready: false, detail: `DB instance ${i.dbInstance} is gone` };
  if (db.passwordPending)
    return { ready: false, detail: `the password change is still pending (status ${db.status})` };
  if (db.status !== 'available') return { ready: false, detail: `status is ${db.status}` };
  return { ready: true, detail: 'available, nothing pending' };
}

/** Waits until the instance is available with no pending password change (bounded by timeoutSeconds). */
export async function waitForPassword(
  i: Input,
  ctx: Pick<StepContext, 'aws' | 'signal' | 'note' | 'incident'>,
  o: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<number> {
  return waitUntil(async () => applied(await ctx.aws.rds.describe(i.dbInstance), i), {
    timeoutMs: i.timeoutSeconds * 1000,
    intervalMs: i.pollSeconds * 1000,
    what: `the master password change of ${i.dbInstance}`,
    hint: `it may still apply: watch it (aws rds describe-db-instances --db-instance-identifier ${i.dbInstance}), then keyspill respond resume ${ctx.incident.id}`,
    signal: ctx.signal,
    ...(o.now ? { now: o.now } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    onPoll: (c, ms) => {
      if (!c.ready) ctx.note(`waiting for ${i.dbInstance}: ${c.detail} (${Math.round(ms / 1000)} s)`);
    },
  });
}

async function password(i: Input, ctx: StepContext): Promise<Secret> {
  const v = await ctx.aws.secrets.getValue(i.secretId, { versionId: i.versionId });
  if (v === undefined)
    throw new ScanError(`secret ${i.secretId} has no version ${i.versionId} holding the new password`);
  const text = v.value.reveal();
  try {
    const obj = JSON.parse(text) as Record<string, unknown>;
    if (obj !== null && typeof obj === 'object') {
      const pw = obj[i.field];
      if (typeof pw !== 'string' || pw === '')
        throw new ConfigError(
          `version ${i.versionId} of ${i.secretId} has no "${i.field}" field`,
          'set the field input',
        );
      return new Secret(pw);
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
  }
  return new Secret(text);
}

export const rdsSetPassword = defineStep<Input>({
  kind: 'aws.rds.set-master-password',
  summary:
    'Set an RDS master password (ModifyDBInstance, ApplyImmediately) to the password in a staged secret version, then wait until nothing is pending (bounded).',
  effect: 'reversible',
  input,
  outputs: ['appliedAt'],
  plan: (i) => [
    {
      call: 'secretsmanager:GetSecretValue',
      args: { SecretId: i.secretId, VersionId: i.versionId },
      effect: false,
    },
    {
      call: 'rds:ModifyDBInstance',
      args: { DBInstanceIdentifier: i.dbInstance, MasterUserPassword: '[secret]', ApplyImmediately: true },
      effect: true,
    },
    {
      call: 'rds:DescribeDBInstances (until PendingModifiedValues clears)',
      args: { DBInstanceIdentifier: i.dbInstance },
      effect: false,
    },
  ],
  confirmText: (i) =>
    `Change the master password of DB instance ${i.dbInstance} now (ApplyImmediately)? Connections using the old password fail until apps read the new one (the next step makes it current in ${i.secretId}).`,
  async probe(i, ctx) {
    const db = await ctx.aws.rds.describe(i.dbInstance);
    if (db === undefined)
      throw new ConfigError(`no RDS DB instance ${i.dbInstance}`, 'check the identifier and AWS_REGION');
    const done = ctx.history.some((e) => e.type === 'outcome' && e.call === 'rds:ModifyDBInstance' && e.ok);
    if (done) return { done: true, facts: ['the new password was already sent to the instance (journal)'] };
    if (db.passwordPending)
      return { done: false, facts: ['a master password change is pending'], state: 'pending' };
    const crashed = ctx.history.some((e) => e.type === 'intent' && e.call === 'rds:ModifyDBInstance');
    return {
      done: false,
      facts: crashed
        ? [
            'an earlier run sent the change but did not record the answer: RDS cannot say whether it applied, so the same password is sent again (same end state)',
          ]
        : [`${i.dbInstance} is ${db.status}`],
    };
  },
  async act(i, probe, ctx) {
    if (probe.state !== 'pending') {
      const pw = await password(i, ctx);
      await ctx.effect(
        {
          call: 'rds:ModifyDBInstance',
          args: {
            DBInstanceIdentifier: i.dbInstance,
            MasterUserPassword: '[secret]',
            ApplyImmediately: true,
            passwordFrom: `${i.secretId}@${i.versionId}`,
          },
        },
        () => ctx.aws.rds.setMasterPassword(i.dbInstance, pw),
      );
    }
    await waitForPassword(i, ctx);
  },
  async verify(i, ctx) {
    await waitForPassword(i, ctx);
    return { appliedAt: new Date().toISOString() };
  },
  recovery: (i) =>
    `the new password is version ${i.versionId} of ${i.secretId} (AWSPENDING) and the old one is still AWSCURRENT. ` +
    `If the instance took the new password, apps need it now: aws secretsmanager update-secret-version-stage --secret-id ${i.secretId} --version-stage AWSCURRENT --move-to-version-id ${i.versionId} --remove-from-version-id <current version> ` +
    `(or resume, which does exactly that). If it did not, the old password still works: resume to try again`,
});
