// Step kind aws.secret.promote: make a staged version AWSCURRENT (the old one becomes AWSPREVIOUS), then drop AWSPENDING.
import { z } from 'zod';
import { ScanError } from '../../errors.ts';
import { defineStep } from './types.ts';

const input = z.object({ secretId: z.string().min(1), versionId: z.string().min(1) }).strict();

const stageOf = (versions: Readonly<Record<string, readonly string[]>>, label: string): string | undefined =>
  Object.entries(versions).find(([, st]) => st.includes(label))?.[0];

export const ALTERNATING_USERS_WARNING =
  'the previous value (AWSPREVIOUS) is not revoked by this: with the alternating-users rotation strategy the previous user keeps a valid password until the next rotation; if that value leaked, rotate once more or change it at the service';

export const secretPromote = defineStep<z.infer<typeof input>>({
  kind: 'aws.secret.promote',
  summary:
    'Move AWSCURRENT to a staged version (old → AWSPREVIOUS) and remove its AWSPENDING label; verifies both stages.',
  effect: 'reversible',
  input,
  outputs: ['currentVersionId', 'previousVersionId'],
  plan: (i) => [
    { call: 'secretsmanager:DescribeSecret', args: { SecretId: i.secretId }, effect: false },
    {
      call: 'secretsmanager:UpdateSecretVersionStage',
      args: {
        SecretId: i.secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: i.versionId,
        RemoveFromVersionId: '‹current›',
      },
      effect: true,
    },
    {
      call: 'secretsmanager:UpdateSecretVersionStage',
      args: { SecretId: i.secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: i.versionId },
      effect: true,
    },
  ],
  confirmText: (i) =>
    `Make version ${i.versionId} the current value of ${i.secretId}? Apps reading AWSCURRENT get the new value.`,
  async probe(i, ctx) {
    const info = await ctx.aws.secrets.describe(i.secretId);
    const stages = info?.versions[i.versionId];
    if (info === undefined || stages === undefined)
      throw new ScanError(`secret ${i.secretId} has no version ${i.versionId} to promote`);
    const current = stages.includes('AWSCURRENT');
    const pendingHere = stages.includes('AWSPENDING');
    if (current && !pendingHere)
      return { done: true, facts: [`version ${i.versionId} is already AWSCURRENT`] };
    return {
      done: false,
      facts: [
        current
          ? `version ${i.versionId} is AWSCURRENT but still labelled AWSPENDING`
          : `AWSCURRENT is ${stageOf(info.versions, 'AWSCURRENT') ?? 'nowhere'}`,
      ],
      state: { current, from: stageOf(info.versions, 'AWSCURRENT') },
    };
  },
  async act(i, probe, ctx) {
    const s = probe.state as { current: boolean; from: string | undefined };
    if (!s.current)
      await ctx.effect(
        {
          call: 'secretsmanager:UpdateSecretVersionStage',
          args: {
            SecretId: i.secretId,
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: i.versionId,
            RemoveFromVersionId: s.from ?? null,
          },
        },
        () =>
          ctx.aws.secrets.moveStage(i.secretId, 'AWSCURRENT', {
            to: i.versionId,
            ...(s.from === undefined ? {} : { from: s.from }),
          }),
      );
    await ctx.effect(
      {
        call: 'secretsmanager:UpdateSecretVersionStage',
        args: { SecretId: i.secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: i.versionId },
      },
      () => ctx.aws.secrets.moveStage(i.secretId, 'AWSPENDING', { from: i.versionId }),
    );
  },
  async verify(i, ctx) {
    const info = await ctx.aws.secrets.describe(i.secretId);
    const stages = info?.versions[i.versionId] ?? [];
    if (!stages.includes('AWSCURRENT') || stages.includes('AWSPENDING'))
      throw new ScanError(
        `version ${i.versionId} of ${i.secretId} is ${stages.join(', ') || 'unlabelled'}, not AWSCURRENT alone`,
      );
    const previous = stageOf(info?.versions ?? {}, 'AWSPREVIOUS') ?? '';
    ctx.warn(ALTERNATING_USERS_WARNING);
    return { currentVersionId: i.versionId, previousVersionId: previous };
  },
  recovery: (i) =>
    `by hand: aws secretsmanager update-secret-version-stage --secret-id ${i.secretId} --version-stage AWSCURRENT --move-to-version-id ${i.versionId} --remove-from-version-id <the current version>`,
});
