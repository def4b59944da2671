// Fingerprint: identifies a secret under a rule, independent of where it was seen.
import { createHash } from 'node:crypto';

export function fingerprint(ruleId: string, secret: string): string {
  const h = createHash('sha256').update(ruleId).update('\0').update(secret).digest('hex');
  return `${ruleId}:${h.slice(0, 16)}`;
}
