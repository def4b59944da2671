// AWS SDK errors → keyspill errors that name the endpoint, the principal in use and the refused permission.
import { ConfigError, KeyspillError, RemoteError } from '../errors.ts';

interface SdkError extends Error {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly code?: string;
  readonly Code?: string;
}

export interface CallSite {
  /** e.g. `iam` */
  readonly service: string;
  /** e.g. `UpdateAccessKey` */
  readonly action: string;
  /** e.g. `IAM (us-east-1)` or `IAM at http://127.0.0.1:5000` */
  readonly endpoint: string;
  /** The caller's ARN when already known. */
  readonly principal?: string | undefined;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'NotAuthorized',
]);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
]);
const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up/;

/** The error's AWS code (`AccessDenied`), its errno for network failures, or its name. */
export function awsErrorCode(e: unknown): string {
  const err = e as SdkError;
  return err?.Code ?? err?.name ?? err?.code ?? 'Error';
}

/** The HTTP status AWS answered, when it answered. */
export function awsStatus(e: unknown): number | undefined {
  return (e as SdkError)?.$metadata?.httpStatusCode;
}

/** Whether AWS said the thing does not exist (so a probe can treat it as absent). */
export function isNotFound(e: unknown): boolean {
  const code = awsErrorCode(e);
  return (
    code === 'NoSuchEntity' ||
    code === 'NoSuchEntityException' ||
    code === 'ResourceNotFoundException' ||
    code === 'DBInstanceNotFound' ||
    code === 'DBInstanceNotFoundFault'
  );
}

function networkCause(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur !== undefined && cur !== null; i++) {
    const err = cur as NodeJS.ErrnoException & { errors?: unknown[] };
    const text = `${err.code ?? ''} ${err.message ?? ''}`;
    const m = NETWORK.exec(text);
    if (m) return m[0];
    if (Array.isArray(err.errors) && err.errors.length > 0) cur = err.errors[0];
    else cur = err.cause;
  }
  return undefined;
}

/** Turns anything an AWS call threw into a KeyspillError naming what was refused, to whom, and where. */
export function awsError(e: unknown, site: CallSite): KeyspillError {
  if (e instanceof KeyspillError) return e;
  const err = e as SdkError;
  const code = awsErrorCode(e);
  const status = awsStatus(e);
  const permission = `${site.service}:${site.action}`;
  const message = (err?.message ?? String(e)).trim();
  const fromMessage = /User: (arn:\S+) is not authori[sz]ed/.exec(message)?.[1];
  const principal = fromMessage ?? site.principal;
  const remote = { endpoint: site.endpoint, principal, permission };
  const who = principal ?? 'the current AWS credentials';
  if (DENIED.has(code) || (status === 403 && !BAD_CREDENTIALS.has(code))) {
    const detail = DENIED.has(code) ? message : `HTTP 403 (${code})`;
    return new RemoteError(
      remote,
      `AccessDenied on ${permission} for ${who}: ${detail}`,
      `grant ${permission} to ${who}, or use credentials that have it (AWS_PROFILE=…)`,
      { cause: e },
    );
  }
  if (BAD_CREDENTIALS.has(code)) {
    return new RemoteError(
      remote,
      `${site.endpoint} rejected the AWS credentials in use (${code}): ${message}`,
      'sign in again (aws sso login, or fresh AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pick a profile: AWS_PROFILE=…',
      { cause: e },
    );
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new ConfigError(
      `no AWS credentials found for ${permission}: ${message}`,
      'configure them the standard way: AWS_PROFILE (with aws sso login), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      { cause: e },
    );
  }
  if (/Region is missing/i.test(message)) {
    return new ConfigError(
      `no AWS region configured for ${permission}`,
      'set AWS_REGION (e.g. AWS_REGION=us-east-1)',
      {
        cause: e,
      },
    );
  }
  const net = networkCause(e);
  if (net !== undefined) {
    return new RemoteError(
      remote,
      `cannot reach ${site.endpoint} for ${permission} (${net})`,
      'check the network, AWS_REGION and any AWS_ENDPOINT_URL* setting',
      { cause: e },
    );
  }
  return new RemoteError(remote, `${permission} failed for ${who}: ${code}: ${message}`, undefined, {
    cause: e,
  });
}
