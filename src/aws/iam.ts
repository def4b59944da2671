// IAM: access keys of a user (list, last use, status, create, delete) and user tags (access key descriptions).
import type { IAMClient } from '@aws-sdk/client-iam';
import type * as IamSdk from '@aws-sdk/client-iam';
import { Secret } from '../model/secret.ts';
import type { AwsCore } from './core.ts';

export interface AccessKey {
  readonly id: string;
  /** Active, Inactive or Expired. */
  readonly status: string;
  readonly created: string | undefined;
}

export interface KeyLastUse {
  readonly userName: string;
  readonly date: string | undefined;
  readonly service: string | undefined;
  readonly region: string | undefined;
}

export interface IamApi {
  /** The owning user and last use of a key; undefined when no such key exists in the account. */
  accessKeyLastUsed(accessKeyId: string): Promise<KeyLastUse | undefined>;
  listAccessKeys(userName: string): Promise<AccessKey[]>;
  updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  /** Never retried by the SDK: a retried create could leave a second key whose secret nobody holds. */
  createAccessKey(userName: string): Promise<{ readonly id: string; readonly secret: Secret }>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  listUserTags(userName: string): Promise<Record<string, string>>;
  tagUser(userName: string, tags: Record<string, string>): Promise<void>;
  untagUser(userName: string, keys: readonly string[]): Promise<void>;
}

export function iamApi(core: AwsCore): IamApi {
  let mod: Promise<typeof IamSdk> | undefined;
  const sdk = () => (mod ??= import('@aws-sdk/client-iam'));
  let client: Promise<IAMClient> | undefined;
  let once: Promise<IAMClient> | undefined;
  const iam = () => (client ??= sdk().then((m) => new m.IAMClient(core.clientConfig())));
  const iamOnce = () => (once ??= sdk().then((m) => new m.IAMClient(core.clientConfig(undefined, 1))));
  return {
    async accessKeyLastUsed(accessKeyId) {
      const m = await sdk();
      const r = await core.find('iam', 'GetAccessKeyLastUsed', async () =>
        (await iam()).send(new m.GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
      );
      if (r === undefined) return undefined;
      const u = r.AccessKeyLastUsed;
      const na = (s: string | undefined) => (s === undefined || s === 'N/A' ? undefined : s);
      return {
        userName: r.UserName ?? '',
        date: u?.LastUsedDate?.toISOString(),
        service: na(u?.ServiceName),
        region: na(u?.Region),
      };
    },
    async listAccessKeys(userName) {
      const m = await sdk();
      const out: AccessKey[] = [];
      let marker: string | undefined;
      do {
        const r = await core.call('iam', 'ListAccessKeys', async () =>
          (await iam()).send(
            new m.ListAccessKeysCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
          ),
        );
        for (const k of r.AccessKeyMetadata ?? [])
          out.push({ id: k.AccessKeyId ?? '', status: k.Status ?? '', created: k.CreateDate?.toISOString() });
        marker = r.IsTruncated ? r.Marker : undefined;
      } while (marker);
      return out;
    },
    async updateAccessKey(userName, accessKeyId, status) {
      const m = await sdk();
      await core.call('iam', 'UpdateAccessKey', async () =>
        (await iam()).send(
          new m.UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
        ),
      );
    },
    async createAccessKey(userName) {
      const m = await sdk();
      const r = await core.call('iam', 'CreateAccessKey', async () =>
        (await iamOnce()).send(new m.CreateAccessKeyCommand({ UserName: userName })),
      );
      const k = r.AccessKey;
      if (!k?.AccessKeyId || !k.SecretAccessKey) throw new Error('CreateAccessKey returned no key');
      return { id: k.AccessKeyId, secret: new Secret(k.SecretAccessKey) };
    },
    async deleteAccessKey(userName, accessKeyId) {
      const m = await sdk();
      await core.call('iam', 'DeleteAccessKey', async () =>
        (await iam()).send(new m.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
      );
    },
    async listUserTags(userName) {
      const m = await sdk();
      const tags: Record<string, string> = {};
      let marker: string | undefined;
      do {
        const r = await core.call('iam', 'ListUserTags', async () =>
          (await iam()).send(
            new m.ListUserTagsCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
          ),
        );
        for (const t of r.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        marker = r.IsTruncated ? r.Marker : undefined;
      } while (marker);
      return tags;
    },
    async tagUser(userName, tags) {
      const m = await sdk();
      await core.call('iam', 'TagUser', async () =>
        (await iam()).send(
          new m.TagUserCommand({
            UserName: userName,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    },
    async untagUser(userName, keys) {
      const m = await sdk();
      await core.call('iam', 'UntagUser', async () =>
        (await iam()).send(new m.UntagUserCommand({ UserName: userName, TagKeys: [...keys] })),
      );
    },
  };
}
