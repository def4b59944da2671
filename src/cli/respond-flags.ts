// Flags shared by the respond commands: state folder, config, confirmations.
import { Flags } from '@oclif/core';

export const stateFlags = {
  'state-dir': Flags.string({
    summary: 'Where incidents and saved scans live (default: ~/.local/state/keyspill).',
    helpValue: 'DIR',
    env: 'KEYSPILL_STATE_DIR',
  }),
};

export const runFlags = {
  yes: Flags.boolean({
    char: 'y',
    summary: 'Go ahead with reversible changes without asking (non-interactive runs, CI).',
    default: false,
  }),
  confirm: Flags.string({
    summary: 'Confirm a manual or irreversible step by its id (repeatable): a person vouches for it.',
    helpValue: 'STEP',
    multiple: true,
  }),
};

export const settingsFlags = {
  notify: Flags.string({
    summary:
      'Also notify: slack=URL, pagerduty=ROUTING_KEY, webhook=URL (signed with KEYSPILL_WEBHOOK_SECRET). Repeatable.',
    helpValue: 'TYPE=VALUE',
    multiple: true,
  }),
  regions: Flags.string({
    summary:
      'Regions to audit, comma-separated (default: respond.regions, else every region enabled for the account).',
    helpValue: 'LIST',
    multiple: true,
  }),
};

export const configFlag = {
  config: Flags.string({
    char: 'c',
    summary: 'Config file (default: .keyspill.yaml in the current folder).',
    helpValue: 'FILE',
    env: 'KEYSPILL_CONFIG',
  }),
};

export const incidentFlags = {
  finding: Flags.string({
    summary: 'The fingerprint of a finding (from the last scan that saw it, or from --report).',
    helpValue: 'FINGERPRINT',
    exclusive: ['kind'],
  }),
  report: Flags.string({
    summary: 'A keyspill JSON report (scan … -f json) holding the finding.',
    helpValue: 'FILE',
    dependsOn: ['finding'],
  }),
  kind: Flags.string({
    summary:
      'The kind of credential, when there is no finding: aws-access-key, secretsmanager-secret, rds-master-password, generic.',
    helpValue: 'KIND',
  }),
  id: Flags.string({
    summary: 'The credential’s public id (for aws-access-key: the AKIA… access key ID).',
    helpValue: 'ID',
  }),
  'secret-id': Flags.string({
    summary:
      'A Secrets Manager secret name or ARN (the secret to rotate, or for rds-master-password the secret the apps read).',
    helpValue: 'NAME|ARN',
  }),
  'db-instance': Flags.string({
    summary: 'The RDS DB instance identifier (rds-master-password).',
    helpValue: 'ID',
  }),
  name: Flags.string({ summary: 'A name for a credential without an API (generic).', helpValue: 'NAME' }),
  runbook: Flags.string({
    summary: 'Use this runbook (a name from `runbooks list`, or a file) instead of the kind’s.',
    helpValue: 'NAME|FILE',
  }),
  since: Flags.string({
    summary:
      'Start of the leak window when there is no finding: a date or a duration back from now (3d, 12h).',
    helpValue: 'DATE|DURATION',
  }),
  'store-secret-id': Flags.string({
    summary:
      'aws-access-key: the Secrets Manager secret that receives the replacement key (default keyspill/<user>/access-key).',
    helpValue: 'NAME',
  }),
  param: Flags.string({
    summary: 'A runbook parameter (repeatable).',
    helpValue: 'NAME=VALUE',
    multiple: true,
  }),
  config: Flags.string({
    char: 'c',
    summary: 'Config file (default: .keyspill.yaml in the current folder).',
    helpValue: 'FILE',
    env: 'KEYSPILL_CONFIG',
  }),
};
