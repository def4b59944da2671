// Incident and journal entries: what `respond` records (never a secret value), and the state folded from them.
import type { Json } from './json.ts';
import type { Section } from './runbook.ts';

/** The leaked credential, by its public identifier only. */
export interface Credential {
  /** `aws-access-key`, `secretsmanager-secret`, `rds-master-password`, `generic`, or a finding's kind. */
  readonly kind: string;
  /** Public identifier: the access key ID, the secret's name or ARN, the DB instance, or a name. */
  readonly id: string;
  /** The finding's redacted secret (`AKIA…(40)`), when the incident came from a finding. */
  readonly redacted?: string | undefined;
  readonly fingerprint?: string | undefined;
  /** The report the finding came from, and where it was seen (provenance as the report gives it). */
  readonly reportFile?: string | undefined;
  readonly locations?: readonly Json[] | undefined;
}

export interface IncidentRecord {
  readonly id: string;
  readonly credential: Credential;
  readonly runbook: {
    readonly name: string;
    readonly source: string;
    readonly file: string;
    readonly sha256: string;
  };
  /** Start of the leak window (ISO), when known: the finding's first-seen time or --since. */
  readonly since?: string | undefined;
  /** When the leak was detected (the scan's time), when known. */
  readonly detectedAt?: string | undefined;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Runbook parameters given on the command line (secret ids, DB instance: never secrets). */
  readonly params: { readonly [name: string]: string };
}

export type StepStatus = 'done' | 'already' | 'skipped' | 'partial';
export type ConfirmHow = 'prompt' | 'typed' | 'yes-flag' | 'confirm-flag';
export type StopReason = 'confirmation-needed' | 'interrupted' | 'failed';

export interface Holder {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
  readonly nonce: string;
}

export type JournalBody =
  | { readonly type: 'opened'; readonly incident: IncidentRecord }
  | { readonly type: 'resumed'; readonly by: string; readonly section: Section }
  | { readonly type: 'lock-taken-over'; readonly from: Holder; readonly reason: string }
  | { readonly type: 'repaired'; readonly detail: string }
  | { readonly type: 'step-started'; readonly step: string; readonly section: Section; readonly input: Json }
  | {
      readonly type: 'probed';
      readonly step: string;
      readonly done: boolean;
      readonly facts: readonly string[];
    }
  | { readonly type: 'confirmed'; readonly step: string; readonly by: string; readonly how: ConfirmHow }
  | {
      readonly type: 'intent';
      readonly step: string;
      readonly effect: number;
      readonly call: string;
      readonly args: Json;
      /** What the step saw just before acting (e.g. the keys that existed), for a resumed probe. */
      readonly before?: Json;
    }
  | {
      readonly type: 'outcome';
      readonly step: string;
      readonly effect: number;
      readonly call: string;
      readonly ok: boolean;
      readonly result?: Json;
      readonly error?: string;
    }
  | { readonly type: 'checkpoint'; readonly step: string; readonly data: Json }
  | {
      readonly type: 'evidence';
      readonly step: string;
      readonly file: string;
      readonly sha256: string;
      readonly bytes: number;
      readonly records: number;
    }
  | {
      readonly type: 'step-finished';
      readonly step: string;
      readonly status: StepStatus;
      readonly outputs: { readonly [name: string]: Json };
      readonly facts: readonly string[];
      readonly warnings: readonly string[];
    }
  | {
      readonly type: 'step-failed';
      readonly step: string;
      readonly error: { readonly name: string; readonly message: string; readonly hint?: string };
      readonly recovery?: string;
    }
  | { readonly type: 'stopped'; readonly reason: StopReason; readonly step?: string; readonly next: string }
  | { readonly type: 'section-finished'; readonly section: Section };

/** One journal line: a sequence number, the time, the previous line's hash, the body, and its own hash. */
export type JournalEntry = JournalBody & {
  readonly seq: number;
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
};
