// RDS: describe a DB instance (status, pending changes, master user) and set its master password.
import type { Secret } from '../model/secret.ts';
import type { RDSClient } from '@aws-sdk/client-rds';
import type * as RdsSdk from '@aws-sdk/client-rds';
import type { AwsCore } from './core.ts';

export interface DbInstance {
  readonly id: string;
  readonly arn: string;
  readonly engine: string;
  readonly status: string;
  readonly masterUsername: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly dbName: string | undefined;
  /** True while a master password change is still pending (PendingModifiedValues.MasterUserPassword). */
  readonly passwordPending: boolean;
  /** Set when RDS manages the master password in Secrets Manager itself. */
  readonly managedSecretArn: string | undefined;
}

export interface RdsApi {
  describe(dbInstanceId: string): Promise<DbInstance | undefined>;
  setMasterPassword(dbInstanceId: string, password: Secret): Promise<void>;
}

export function rdsApi(core: AwsCore): RdsApi {
  let mod: Promise<typeof RdsSdk> | undefined;
  const sdk = () => (mod ??= import('@aws-sdk/client-rds'));
  let client: Promise<RDSClient> | undefined;
  const rds = () => (client ??= sdk().then((m) => new m.RDSClient(core.clientConfig())));
  return {
    async describe(dbInstanceId) {
      const m = await sdk();
      const r = await core.find('rds', 'DescribeDBInstances', async () =>
        (await rds()).send(new m.DescribeDBInstancesCommand({ DBInstanceIdentifier: dbInstanceId })),
      );
      const db = r?.DBInstances?.[0];
      if (db === undefined) return undefined;
      return {
        id: db.DBInstanceIdentifier ?? dbInstanceId,
        arn: db.DBInstanceArn ?? '',
        engine: db.Engine ?? '',
        status: db.DBInstanceStatus ?? '',
        masterUsername: db.MasterUsername ?? '',
        host: db.Endpoint?.Address,
        port: db.Endpoint?.Port,
        dbName: db.DBName,
        passwordPending: db.PendingModifiedValues?.MasterUserPassword !== undefined,
        managedSecretArn: db.MasterUserSecret?.SecretArn,
      };
    },
    async setMasterPassword(dbInstanceId, password) {
      const m = await sdk();
      await core.call('rds', 'ModifyDBInstance', async () =>
        (await rds()).send(
          new m.ModifyDBInstanceCommand({
            DBInstanceIdentifier: dbInstanceId,
            MasterUserPassword: password.reveal(),
            ApplyImmediately: true,
          }),
        ),
      );
    },
  };
}
