// Step kind aws.rds.preflight: the DB instance (engine, status, master user, endpoint) and who is responding.
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { defineStep } from './types.ts';

const input = z.object({ dbInstance: z.string().min(1) }).strict();

export const rdsPreflight = defineStep<z.infer<typeof input>>({
  kind: 'aws.rds.preflight',
  summary: 'Describe an RDS DB instance (engine, status, master user, endpoint) and who is responding.',
  effect: 'none',
  input,
  outputs: ['arn', 'engine', 'status', 'masterUsername', 'host', 'port', 'dbName', 'account', 'responder'],
  plan: (i) => [
    { call: 'sts:GetCallerIdentity', args: {}, effect: false },
    { call: 'rds:DescribeDBInstances', args: { DBInstanceIdentifier: i.dbInstance }, effect: false },
  ],
  async probe(i, ctx) {
    const me = await ctx.aws.sts.callerIdentity();
    const db = await ctx.aws.rds.describe(i.dbInstance);
    if (db === undefined)
      throw new ConfigError(
        `no RDS DB instance ${i.dbInstance} in account ${me.account} (region ${ctx.aws.core.region ?? 'default'})`,
        'check the identifier and AWS_REGION',
      );
    if (db.managedSecretArn !== undefined)
      throw new ConfigError(
        `RDS manages the master password of ${i.dbInstance} in Secrets Manager (${db.managedSecretArn})`,
        `rotate that secret instead: keyspill respond incident --kind secretsmanager-secret --secret-id ${db.managedSecretArn}`,
      );
    const out = {
      arn: db.arn,
      engine: db.engine,
      status: db.status,
      masterUsername: db.masterUsername,
      host: db.host ?? '',
      port: db.port ?? 0,
      dbName: db.dbName ?? '',
      account: me.account,
      responder: me.arn,
    };
    return {
      done: false,
      state: out,
      facts: [
        `DB instance ${db.id} (${db.engine}) is ${db.status}; master user ${db.masterUsername}`,
        ...(db.passwordPending ? ['a master password change is already pending'] : []),
        `responding as ${me.arn}`,
      ],
    };
  },
  async act() {
    // Reads only.
  },
  async verify(_i, _ctx, probe) {
    return { ...(probe.state as Record<string, string | number>) };
  },
});
