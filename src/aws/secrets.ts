// Secrets Manager: describe (versions and stages), read a version, random passwords, put, create, move stages, rotate.
import { Secret } from '../model/secret.ts';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as SecretsSdk from '@aws-sdk/client-secrets-manager';
import type { AwsCore } from './core.ts';

export interface SecretInfo {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly rotationLambdaArn: string | undefined;
  /** Version id → staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING). */
  readonly versions: Readonly<Record<string, readonly string[]>>;
}

export interface SecretsApi {
  describe(secretId: string): Promise<SecretInfo | undefined>;
  /** One version's value, by stage or id; undefined when there is none. */
  getValue(
    secretId: string,
    which: { readonly stage: string } | { readonly versionId: string },
  ): Promise<{ readonly versionId: string; readonly value: Secret } | undefined>;
  randomPassword(o: { readonly length: number; readonly exclude: string }): Promise<Secret>;
  /** ClientRequestToken = `token`: repeating it with the same value creates nothing new; it becomes the VersionId. */
  putValue(secretId: string, value: Secret, token: string, stages?: readonly string[]): Promise<string>;
  create(
    name: string,
    value: Secret,
    token: string,
    o: { readonly description: string; readonly tags: Record<string, string> },
  ): Promise<{ readonly arn: string; readonly versionId: string }>;
  /** Moves a staging label to `to` (off `from`), or with no `to` only removes it from `from`. */
  moveStage(
    secretId: string,
    stage: string,
    o: { readonly to?: string; readonly from?: string },
  ): Promise<void>;
  rotate(secretId: string, token: string): Promise<string>;
}

export function secretsApi(core: AwsCore): SecretsApi {
  let mod: Promise<typeof SecretsSdk> | undefined;
  const sdk = () => (mod ??= import('@aws-sdk/client-secrets-manager'));
  let client: Promise<SecretsManagerClient> | undefined;
  const sm = () => (client ??= sdk().then((m) => new m.SecretsManagerClient(core.clientConfig())));
  return {
    async describe(secretId) {
      const m = await sdk();
      const r = await core.find('secretsmanager', 'DescribeSecret', async () =>
        (await sm()).send(new m.DescribeSecretCommand({ SecretId: secretId })),
      );
      if (r === undefined) return undefined;
      return {
        arn: r.ARN ?? '',
        name: r.Name ?? secretId,
        rotationEnabled: r.RotationEnabled === true,
        rotationLambdaArn: r.RotationLambdaARN || undefined,
        versions: Object.fromEntries(
          Object.entries(r.VersionIdsToStages ?? {}).map(([k, v]) => [k, [...(v ?? [])]]),
        ),
      };
    },
    async getValue(secretId, which) {
      const m = await sdk();
      const r = await core.find('secretsmanager', 'GetSecretValue', async () =>
        (await sm()).send(
          new m.GetSecretValueCommand({
            SecretId: secretId,
            ...('stage' in which ? { VersionStage: which.stage } : { VersionId: which.versionId }),
          }),
        ),
      );
      if (r?.SecretString === undefined) return undefined;
      return { versionId: r.VersionId ?? '', value: new Secret(r.SecretString) };
    },
    async randomPassword(o) {
      const m = await sdk();
      const r = await core.call('secretsmanager', 'GetRandomPassword', async () =>
        (await sm()).send(
          new m.GetRandomPasswordCommand({
            PasswordLength: o.length,
            ...(o.exclude === '' ? {} : { ExcludeCharacters: o.exclude }),
          }),
        ),
      );
      if (!r.RandomPassword) throw new Error('GetRandomPassword returned no password');
      return new Secret(r.RandomPassword);
    },
    async putValue(secretId, value, token, stages) {
      const m = await sdk();
      const r = await core.call('secretsmanager', 'PutSecretValue', async () =>
        (await sm()).send(
          new m.PutSecretValueCommand({
            SecretId: secretId,
            SecretString: value.reveal(),
            ClientRequestToken: token,
            ...(stages === undefined ? {} : { VersionStages: [...stages] }),
          }),
        ),
      );
      return r.VersionId ?? token;
    },
    async create(name, value, token, o) {
      const m = await sdk();
      const r = await core.call('secretsmanager', 'CreateSecret', async () =>
        (await sm()).send(
          new m.CreateSecretCommand({
            Name: name,
            SecretString: value.reveal(),
            ClientRequestToken: token,
            Description: o.description,
            Tags: Object.entries(o.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
      return { arn: r.ARN ?? '', versionId: r.VersionId ?? token };
    },
    async moveStage(secretId, stage, o) {
      const m = await sdk();
      await core.call('secretsmanager', 'UpdateSecretVersionStage', async () =>
        (await sm()).send(
          new m.UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: stage,
            ...(o.to === undefined ? {} : { MoveToVersionId: o.to }),
            ...(o.from === undefined ? {} : { RemoveFromVersionId: o.from }),
          }),
        ),
      );
    },
    async rotate(secretId, token) {
      const m = await sdk();
      const r = await core.call('secretsmanager', 'RotateSecret', async () =>
        (await sm()).send(new m.RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token })),
      );
      return r.VersionId ?? token;
    },
  };
}
