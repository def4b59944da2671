// An AWS session: the standard SDK configuration (profiles, SSO, env, AWS_ENDPOINT_URL*), clients loaded on first use.
import { cloudTrailApi, type CloudTrailApi } from './cloudtrail.ts';
import { AwsCore } from './core.ts';
import { ec2Api, type Ec2Api } from './ec2.ts';
import { iamApi, type IamApi } from './iam.ts';
import { rdsApi, type RdsApi } from './rds.ts';
import { secretsApi, type SecretsApi } from './secrets.ts';
import { stsApi, type StsApi } from './sts.ts';

export interface AwsSession {
  readonly core: AwsCore;
  readonly sts: StsApi;
  readonly iam: IamApi;
  readonly secrets: SecretsApi;
  readonly rds: RdsApi;
  readonly ec2: Ec2Api;
  readonly cloudtrail: CloudTrailApi;
}

/** Nothing is loaded or sent until a step calls an API (the SDK stays off every scan's start-up path). */
export function createAwsSession(env: NodeJS.ProcessEnv = process.env): AwsSession {
  const core = new AwsCore(env);
  return {
    core,
    sts: stsApi(core),
    iam: iamApi(core),
    secrets: secretsApi(core),
    rds: rdsApi(core),
    ec2: ec2Api(core),
    cloudtrail: cloudTrailApi(core),
  };
}
