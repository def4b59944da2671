// Remediation advice: what to do about a leaked secret of each kind, shared by the text and SARIF reporters.
import { INLINE_ALLOW } from '../findings/pipeline.ts';
import type { Finding } from '../model/match.ts';
import type { ScanSummary } from '../model/result.ts';
import { exposure } from '../provenance/registry.ts';

/** The ignore file the scan reads by default (kept here so this folder imports nothing with I/O). */
export const IGNORE_FILE = '.keyspillignore';

/** How to rotate or revoke a secret, by rule kind. Kinds not listed get the generic advice. */
const ROTATE_BY_KIND: Readonly<Record<string, string>> = {
  'aws-access-key':
    'Deactivate the access key in IAM (aws iam update-access-key --status Inactive), create a replacement and roll it out, then delete the old key. Review CloudTrail for calls made with the key since it leaked.',
  'github-token':
    'Revoke the token in GitHub (Settings → Developer settings, or the organisation’s token list), issue a new one with the least scope needed, and review the audit log for its use.',
  'gitlab-token':
    'Revoke the token in GitLab (User or Project settings → Access tokens), issue a replacement, and review the audit events for its use.',
  'slack-token':
    'Revoke the token at api.slack.com (or rotate it in the app’s OAuth settings), reinstall the app for a new token, and review the workspace access logs.',
  'slack-webhook': 'Delete the incoming webhook in the Slack app’s settings and create a new one.',
  'stripe-key':
    'Roll the key in the Stripe dashboard (Developers → API keys), update its users, and review the request logs for its use.',
  'private-key':
    'Treat the key pair as compromised: generate a new key pair, replace the public key wherever it is trusted (authorized_keys, certificates, deploy keys), and revoke any certificate issued for the old key.',
  password:
    'Change the password at its service, update the systems that use it, and check the service’s sign-in logs for use since it leaked.',
};

const GENERIC_ROTATE =
  'Revoke the credential at its issuer, issue a replacement, update the systems that use it, and check the issuer’s logs for use since it leaked.';

/** Rotate/revoke advice for a kind of secret. */
export function rotateAdvice(kind: string): string {
  return ROTATE_BY_KIND[kind] ?? GENERIC_ROTATE;
}

/** The command that opens an incident for a finding (from the last saved scan holding it). */
export function incidentCommand(fingerprint: string): string {
  return `keyspill respond incident --finding ${fingerprint}`;
}

/** How to silence a false positive. */
export function ignoreAdvice(fingerprint: string): string {
  return `If this is a false positive, add ${fingerprint} to ${IGNORE_FILE}, or put ${INLINE_ALLOW} in a comment on the line.`;
}

/** The notes the finding's places call for (e.g. "deleting it does not remove it from history"), each once. */
export function exposureNotes(finding: Finding): string[] {
  const notes = new Set<string>();
  for (const l of finding.locations) {
    const note = exposure(l.provenance).note;
    if (note !== undefined) notes.add(note);
  }
  return [...notes];
}

/** Why a finding fired, in words: its rule, the field it was assigned to, its entropy, and what lowered it. */
export function whyItFired(f: Finding): string {
  const parts = [`rule ${f.ruleId}`];
  if (f.field !== undefined) parts.push(`field ${f.field}`);
  parts.push(`entropy ${f.entropy.toFixed(2)} bits/char`);
  return parts.join(', ');
}

/** The confidence and, when it was lowered, why: `medium (lowered: test or fixture path)`. */
export function confidenceText(f: Finding): string {
  return f.lowered === undefined || f.lowered.length === 0
    ? f.confidence
    : `${f.confidence} (lowered: ${f.lowered.join('; ')})`;
}

/** What each suppression mechanism removed, in words (none when nothing was suppressed). */
export function suppressionParts(s: ScanSummary): string[] {
  const x = s.suppressed;
  const parts: [number, string][] = [
    [x.configAllowlist, 'by the allowlist in .keyspill.yaml'],
    [x.ruleAllowlists, "by rules' own allowlists"],
    [x.inlineAllow, 'by inline keyspill:allow'],
    [x.ignoreFile, 'by .keyspillignore'],
    [x.baseline, 'in the baseline'],
    [x.lowConfidence, `below --min-confidence ${s.minConfidence ?? 'medium'}`],
  ];
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
}
