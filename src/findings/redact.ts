// Redaction: a secret shown with just enough of its start to recognise it.

/** `ghp_…(36)`: the first few characters and the length; never more than a quarter of the secret. */
export function redact(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}…(${secret.length})`;
}
