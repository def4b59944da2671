// Which credential an incident is about: from a finding (a report or the saved scans) or given by hand.
import { statSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { Credential } from '../model/incident.ts';
import { findFinding } from '../state/scans.ts';
import { ACCESS_KEY_ID } from './steps/aws-access-key-preflight.ts';

export interface CredentialInput {
  readonly finding?: string | undefined;
  readonly report?: string | undefined;
  readonly kind?: string | undefined;
  readonly id?: string | undefined;
  readonly secretId?: string | undefined;
  readonly dbInstance?: string | undefined;
  readonly name?: string | undefined;
}

export interface ResolvedCredential {
  readonly credential: Credential;
  /** From the finding: the first time it was exposed. */
  readonly firstSeen: string | undefined;
  /** When the scan that found it ran (the report's time). */
  readonly detectedAt: string | undefined;
  /** Parameters implied by the flags (e.g. rds-master-password's --secret-id). */
  readonly params: Record<string, string>;
  /** Whether an unknown kind may fall back to the generic runbook (findings of any kind). */
  readonly fallback: boolean;
}

function checkAccessKeyId(id: string, flag: string): void {
  if (/^ASIA[A-Z0-9]{16}$/.test(id))
    throw new ConfigError(
      `${flag} ${id} is a temporary (STS) key: it cannot be deactivated, it expires with its session`,
      'revoke the sessions of the role that issued it (IAM console: Revoke active sessions), and find the long-term key or role that minted it',
    );
  if (!ACCESS_KEY_ID.test(id))
    throw new ConfigError(
      `${flag} ${id} is not an AWS access key ID (AKIA followed by 16 upper-case letters or digits)`,
      'pass the access key ID (AKIA…), not the secret access key',
    );
}

export function resolveCredential(i: CredentialInput, stateDir: string): ResolvedCredential {
  if (i.finding !== undefined) {
    const { finding, reportFile } = findFinding(i.finding, { reportFile: i.report, stateDir });
    let id = finding.identifier;
    if (finding.kind === 'aws-access-key') {
      if (id === undefined)
        throw new ConfigError(
          `finding ${i.finding} is an AWS secret access key without its access key ID, so keyspill cannot tell which key to revoke`,
          'find the key ID (the AKIA… next to it, or IAM → Users → Security credentials) and run: keyspill respond incident --kind aws-access-key --id AKIA…',
        );
      checkAccessKeyId(id, `finding ${i.finding}: identifier`);
    }
    id ??= finding.fingerprint;
    let detectedAt: string | undefined;
    try {
      detectedAt = statSync(reportFile).mtime.toISOString();
    } catch {
      detectedAt = undefined;
    }
    return {
      credential: {
        kind: finding.kind,
        id,
        redacted: finding.redacted,
        fingerprint: finding.fingerprint,
        reportFile,
        locations: finding.locations.map((l) => ({ path: l.path, line: l.line, provenance: l.provenance })),
      },
      firstSeen: finding.firstSeen,
      detectedAt,
      params: {},
      fallback: true,
    };
  }
  const kind = i.kind;
  if (kind === undefined)
    throw new ConfigError(
      'say which credential leaked: --finding FINGERPRINT (from a scan), or --kind KIND with its id',
      'e.g. keyspill respond incident --kind aws-access-key --id AKIA…',
    );
  const need = (v: string | undefined, flag: string): string => {
    if (v === undefined || v === '')
      throw new ConfigError(
        `--kind ${kind} needs ${flag}`,
        `e.g. keyspill respond incident --kind ${kind} ${flag} …`,
      );
    return v;
  };
  const base = { firstSeen: undefined, detectedAt: undefined, fallback: false };
  switch (kind) {
    case 'aws-access-key': {
      const id = need(i.id, '--id');
      checkAccessKeyId(id, '--id');
      return { ...base, credential: { kind, id }, params: {} };
    }
    case 'secretsmanager-secret':
      return { ...base, credential: { kind, id: need(i.secretId ?? i.id, '--secret-id') }, params: {} };
    case 'rds-master-password':
      return {
        ...base,
        credential: { kind, id: need(i.dbInstance ?? i.id, '--db-instance') },
        params: i.secretId === undefined ? {} : { secretId: i.secretId },
      };
    case 'generic':
      return { ...base, credential: { kind, id: need(i.name ?? i.id, '--name') }, params: {} };
    default:
      return { ...base, credential: { kind, id: need(i.id ?? i.name, '--id (or --name)') }, params: {} };
  }
}
