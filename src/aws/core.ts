// What every AWS API wrapper shares: region, the endpoint named in messages, the principal, error translation.
import { awsError, isNotFound } from './errors.ts';

export type ServiceName = 'iam' | 'sts' | 'secretsmanager' | 'rds' | 'ec2' | 'cloudtrail';

const ENDPOINT_VARS: Record<
  ServiceName,
  { readonly env: string; readonly label: string; readonly global: boolean }
> = {
  iam: { env: 'AWS_ENDPOINT_URL_IAM', label: 'IAM', global: true },
  sts: { env: 'AWS_ENDPOINT_URL_STS', label: 'STS', global: false },
  secretsmanager: { env: 'AWS_ENDPOINT_URL_SECRETS_MANAGER', label: 'Secrets Manager', global: false },
  rds: { env: 'AWS_ENDPOINT_URL_RDS', label: 'RDS', global: false },
  ec2: { env: 'AWS_ENDPOINT_URL_EC2', label: 'EC2', global: false },
  cloudtrail: { env: 'AWS_ENDPOINT_URL_CLOUDTRAIL', label: 'CloudTrail', global: false },
};

export class AwsCore {
  readonly env: NodeJS.ProcessEnv;
  /** AWS_REGION (or AWS_DEFAULT_REGION); undefined lets the SDK read the profile's region. */
  readonly region: string | undefined;
  /** The caller's ARN, once STS told us (named in AccessDenied messages). */
  principal: string | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.env = env;
    const r = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
    this.region = r === undefined || r === '' ? undefined : r;
  }

  /** Client options: the region (explicit, or the SDK's own resolution), and the attempts. */
  clientConfig(region?: string, maxAttempts?: number): { region?: string; maxAttempts?: number } {
    const r = region ?? this.region;
    return {
      ...(r === undefined ? {} : { region: r }),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    };
  }

  /** How messages name a service endpoint: `IAM (us-east-1)`, or the override URL when one is set. */
  endpoint(service: ServiceName, region?: string): string {
    const v = ENDPOINT_VARS[service];
    const url = this.env[v.env] || this.env['AWS_ENDPOINT_URL'];
    if (url !== undefined && url !== '') return `${v.label} at ${url}`;
    return v.global ? v.label : `${v.label} (${region ?? this.region ?? 'default region'})`;
  }

  /** Runs one SDK call; any failure becomes a KeyspillError naming the permission, principal and endpoint. */
  async call<T>(service: ServiceName, action: string, fn: () => Promise<T>, region?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw awsError(e, {
        service: service === 'secretsmanager' ? 'secretsmanager' : service,
        action,
        endpoint: this.endpoint(service, region),
        principal: this.principal,
      });
    }
  }

  /** Like call, but "no such thing" (NoSuchEntity, ResourceNotFound, DBInstanceNotFound) is undefined, not an error. */
  async find<T>(
    service: ServiceName,
    action: string,
    fn: () => Promise<T>,
    region?: string,
  ): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      return this.call(service, action, () => Promise.reject(e as Error), region);
    }
  }
}
