// What a notification says (pure): the incident, the redacted credential, what was done, the audit digest.
export interface IncidentMessage {
  readonly incidentId: string;
  /** `trigger` when containment is done, `resolve` when the incident is closed. */
  readonly event: 'trigger' | 'resolve';
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  readonly title: string;
  /** One line each: what was done. */
  readonly done: readonly string[];
  /** One line each: the audit's summary and flags. */
  readonly audit: readonly string[];
  readonly next: string;
  readonly credential: { readonly kind: string; readonly id: string; readonly redacted?: string | undefined };
}

/** Plain text (Slack mrkdwn-safe): title, what was done, the audit, the next step. */
export function messageText(m: IncidentMessage): string {
  const lines = [`*${m.title}*`, ...m.done.map((d) => `• ${d}`)];
  if (m.audit.length > 0) lines.push('Audit:', ...m.audit.map((a) => `• ${a}`));
  lines.push(`Next: ${m.next}`);
  return lines.join('\n');
}
