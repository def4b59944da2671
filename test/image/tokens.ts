// Test secrets for the image tests: GitHub-token-shaped, distinct per label, so each case is traced to its finding.
import { createHash } from 'node:crypto';

export function token(label: string): string {
  return `ghp_${createHash('sha256')
    .update(label)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 36)}`;
}
