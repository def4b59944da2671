// Step kind aws.secret.stage: a new value as AWSPENDING (or RotateSecret when a rotation Lambda is configured).
import { z } from 'zod';
import { ConfigError, ScanError } from '../../errors.ts';
import type { Json } from '../../model/json.ts';
import { Secret } from '../../model/secret.ts';
import { waitUntil } from '../wait.ts';
import { defineStep, type StepContext } from './types.ts';

const input = z
  .object({
    secretId: z.string().min(1),
    /** A JSON secret's field to replace (the rest is kept); default `password` when the value is a JSON object holding one. */
    field: z.string().optional(),
    length: z.number().int().min(8).max(4096).default(32),
    /** Characters the new value must not contain (RDS forbids / " @ and space). */
    exclude: z.string().default(''),
    /** Call RotateSecret when the secret has a rotation Lambda (its Lambda then changes the credential itself). */
    useRotationLambda: z.boolean().default(true),
    /** When the secret does not exist: create it with these JSON fields plus the new value (the first version is current). */
    createWith: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    description: z.string().default(''),
    timeoutSeconds: z.number().int().positive().default(300),
  })
  .strict();
type Input = z.infer<typeof input>;

type Mode = 'rotate' | 'stage' | 'create';

const stageOf = (versions: Readonly<Record<string, readonly string[]>>, label: string): string | undefined =>
  Object.entries(versions).find(([, st]) => st.includes(label))?.[0];

/** The new value: the current one with its field replaced (JSON), or the password alone. */
function newValue(current: string | undefined, password: Secret, i: Input): Secret {
  if (current === undefined) {
    if (i.createWith !== undefined)
      return new Secret(JSON.stringify({ ...i.createWith, [i.field ?? 'password']: password.reveal() }));
    return password;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const obj = parsed as Record<string, unknown>;
    const field = i.field ?? ('password' in obj ? 'password' : undefined);
    if (field === undefined)
      throw new ConfigError(
        `secret ${i.secretId} holds a JSON object without a "password" field: keyspill does not know which field to replace`,
        'name it in the runbook (with: { field: NAME }) or with --param field=NAME',
      );
    return new Secret(JSON.stringify({ ...obj, [field]: password.reveal() }));
  }
  if (i.field !== undefined)
    throw new ConfigError(
      `secret ${i.secretId} is not a JSON object, so it has no field "${i.field}"`,
      'drop the field input',
    );
  return password;
}

async function pending(
  i: Input,
  ctx: StepContext,
): Promise<{ versions: Record<string, readonly string[]> } | undefined> {
  const info = await ctx.aws.secrets.describe(i.secretId);
  return info === undefined ? undefined : { versions: { ...info.versions } };
}

export const secretStage = defineStep<Input>({
  kind: 'aws.secret.stage',
  summary:
    'Put a new random value in a secret as AWSPENDING (idempotent by ClientRequestToken), or RotateSecret when a rotation Lambda is configured.',
  effect: 'reversible',
  input,
  outputs: ['versionId', 'previousVersionId', 'staged', 'mode', 'secretArn', 'secretName'],
  plan: (i) => [
    { call: 'secretsmanager:DescribeSecret', args: { SecretId: i.secretId }, effect: false },
    {
      call: 'secretsmanager:GetRandomPassword',
      args: { PasswordLength: i.length, ExcludeCharacters: i.exclude },
      effect: false,
    },
    {
      call: 'secretsmanager:PutSecretValue (RotateSecret with a rotation Lambda; CreateSecret when missing)',
      args: {
        SecretId: i.secretId,
        SecretString: '[secret]',
        VersionStages: ['AWSPENDING'],
        ClientRequestToken: '‹derived›',
      },
      effect: true,
    },
  ],
  confirmText: (i) =>
    `Generate a new value for secret ${i.secretId} and stage it (AWSPENDING: apps keep reading the current one)?`,
  async probe(i, ctx) {
    const token = ctx.token('stage');
    const info = await ctx.aws.secrets.describe(i.secretId);
    if (info === undefined) {
      if (i.createWith === undefined)
        throw new ConfigError(
          `no Secrets Manager secret ${i.secretId}`,
          'check the name or ARN and AWS_REGION',
        );
      return {
        done: false,
        facts: [`secret ${i.secretId} does not exist yet: it will be created`],
        state: 'create' satisfies Mode,
      };
    }
    const mine = info.versions[token];
    if (mine !== undefined)
      return {
        done: true,
        facts: [`new version ${token} already staged (${mine.join(', ') || 'no stage'})`],
      };
    const mode: Mode =
      i.useRotationLambda && info.rotationEnabled && info.rotationLambdaArn ? 'rotate' : 'stage';
    return {
      done: false,
      state: mode,
      facts: [
        `current version ${stageOf(info.versions, 'AWSCURRENT') ?? 'none'}`,
        mode === 'rotate'
          ? `rotation Lambda ${info.rotationLambdaArn} will set the new value`
          : 'keyspill stages the new value itself',
      ],
    };
  },
  async act(i, probe, ctx) {
    const token = ctx.token('stage');
    const mode = probe.state as Mode;
    if (mode === 'rotate') {
      await ctx.effect(
        { call: 'secretsmanager:RotateSecret', args: { SecretId: i.secretId, ClientRequestToken: token } },
        () => ctx.aws.secrets.rotate(i.secretId, token),
      );
      await waitUntil(
        async () => {
          const v = (await pending(i, ctx))?.versions[token] ?? [];
          return {
            ready: v.includes('AWSCURRENT'),
            detail: `version ${token} is ${v.join(', ') || 'not there yet'}`,
          };
        },
        {
          timeoutMs: i.timeoutSeconds * 1000,
          intervalMs: 2000,
          what: `the rotation of ${i.secretId}`,
          hint: `check the rotation Lambda's logs; resume when it finished`,
          signal: ctx.signal,
        },
      );
      return;
    }
    const password = await ctx.aws.secrets.randomPassword({ length: i.length, exclude: i.exclude });
    if (mode === 'create') {
      const value = newValue(undefined, password, i);
      await ctx.effect(
        {
          call: 'secretsmanager:CreateSecret',
          args: { Name: i.secretId, SecretString: '[secret]', ClientRequestToken: token },
        },
        () =>
          ctx.aws.secrets.create(i.secretId, value, token, {
            description: i.description || `created by keyspill incident ${ctx.incident.id}`,
            tags: { 'keyspill:incident': ctx.incident.id },
          }),
        (r): Json => ({ ARN: r.arn, VersionId: r.versionId }),
      );
      return;
    }
    const current = await ctx.aws.secrets.getValue(i.secretId, { stage: 'AWSCURRENT' });
    const value = newValue(current?.value.reveal(), password, i);
    await ctx.effect(
      {
        call: 'secretsmanager:PutSecretValue',
        args: {
          SecretId: i.secretId,
          SecretString: '[secret]',
          VersionStages: ['AWSPENDING'],
          ClientRequestToken: token,
        },
      },
      () => ctx.aws.secrets.putValue(i.secretId, value, token, ['AWSPENDING']),
      (v): Json => ({ VersionId: v }),
    );
  },
  async verify(i, ctx) {
    const token = ctx.token('stage');
    const info = await ctx.aws.secrets.describe(i.secretId);
    const stages = info?.versions[token];
    if (info === undefined || stages === undefined)
      throw new ScanError(`secret ${i.secretId} has no version ${token} after staging it`);
    const v = await ctx.aws.secrets.getValue(i.secretId, { versionId: token });
    if (v === undefined || v.value.reveal() === '')
      throw new ScanError(`version ${token} of ${i.secretId} has no value`);
    const current = stageOf(info.versions, 'AWSCURRENT');
    const rotated =
      stages.includes('AWSCURRENT') &&
      !stages.includes('AWSPENDING') &&
      ctx.history.some((e) => e.type === 'intent' && e.call === 'secretsmanager:RotateSecret');
    const previous = current === token ? (stageOf(info.versions, 'AWSPREVIOUS') ?? '') : (current ?? '');
    return {
      versionId: token,
      previousVersionId: previous,
      // true: the new value still has to be set where it is checked (and promoted); false: a rotation Lambda did it all.
      staged: !rotated,
      mode: rotated ? 'rotation-lambda' : 'keyspill',
      secretArn: info.arn,
      secretName: info.name,
    };
  },
  recovery: (i) =>
    `the new value (if any) is a version of ${i.secretId} labelled AWSPENDING; apps still read AWSCURRENT, so nothing is broken: resume to go on`,
});
