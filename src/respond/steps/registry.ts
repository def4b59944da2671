// The step-kind registry: the one list of kinds runbooks may use (drives validation, `runbooks list` and docs).
import { accessKeyDeactivate } from './aws-access-key-deactivate.ts';
import { accessKeyDelete } from './aws-access-key-delete.ts';
import { accessKeyPreflight } from './aws-access-key-preflight.ts';
import { accessKeyRotate } from './aws-access-key-rotate.ts';
import { rdsPreflight } from './aws-rds-preflight.ts';
import { rdsSetPassword } from './aws-rds-set-password.ts';
import { secretPreflight } from './aws-secret-preflight.ts';
import { secretPromote } from './aws-secret-promote.ts';
import { secretStage } from './aws-secret-stage.ts';
import { cloudTrailAudit } from './aws-cloudtrail-audit.ts';
import { exec } from './exec.ts';
import { manual } from './manual.ts';
import { notify } from './notify.ts';
import type { AnyStepKind } from './types.ts';

export const STEP_KINDS: ReadonlyMap<string, AnyStepKind> = new Map(
  [
    accessKeyPreflight,
    accessKeyDeactivate,
    accessKeyRotate,
    accessKeyDelete,
    secretPreflight,
    secretStage,
    secretPromote,
    rdsPreflight,
    rdsSetPassword,
    cloudTrailAudit,
    notify,
    manual,
    exec,
  ].map((k) => [k.kind, k]),
);

export function stepKind(kind: string): AnyStepKind | undefined {
  return STEP_KINDS.get(kind);
}
