// Step kind aws.secret.preflight: the secret (ARN, current version, rotation set-up) and who is responding.
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { defineStep } from './types.ts';

const input = z.object({ secretId: z.string().min(1) }).strict();

export const secretPreflight = defineStep<z.infer<typeof input>>({
  kind: 'aws.secret.preflight',
  summary: 'Describe a Secrets Manager secret (ARN, versions and stages, rotation) and who is responding.',
  effect: 'none',
  input,
  outputs: [
    'arn',
    'name',
    'account',
    'responder',
    'currentVersionId',
    'rotationEnabled',
    'rotationLambdaArn',
  ],
  plan: (i) => [
    { call: 'sts:GetCallerIdentity', args: {}, effect: false },
    { call: 'secretsmanager:DescribeSecret', args: { SecretId: i.secretId }, effect: false },
  ],
  async probe(i, ctx) {
    const me = await ctx.aws.sts.callerIdentity();
    const info = await ctx.aws.secrets.describe(i.secretId);
    if (info === undefined)
      throw new ConfigError(
        `no Secrets Manager secret ${i.secretId} in account ${me.account} (region ${ctx.aws.core.region ?? 'default'}, asked as ${me.arn})`,
        'check the name or ARN and AWS_REGION',
      );
    const current = Object.entries(info.versions).find(([, st]) => st.includes('AWSCURRENT'))?.[0] ?? '';
    const out = {
      arn: info.arn,
      name: info.name,
      account: me.account,
      responder: me.arn,
      currentVersionId: current,
      rotationEnabled: info.rotationEnabled && info.rotationLambdaArn !== undefined,
      rotationLambdaArn: info.rotationLambdaArn ?? '',
    };
    return {
      done: false,
      state: out,
      facts: [
        `secret ${info.name} (${info.arn}), current version ${current || 'none'}`,
        out.rotationEnabled
          ? `rotation is configured (${info.rotationLambdaArn})`
          : 'no rotation Lambda: keyspill stages the new value itself',
        `responding as ${me.arn}`,
      ],
    };
  },
  async act() {
    // Reads only.
  },
  async verify(_i, _ctx, probe) {
    return { ...(probe.state as Record<string, string | boolean>) };
  },
});
