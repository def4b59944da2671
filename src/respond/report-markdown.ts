// The incident report as Markdown (pure): what gets pasted into the post-mortem.
import type { AuditFlag, AuditSummary, Count } from './audit/summary.ts';
import type { IncidentReport } from './report.ts';

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const utc = (t: string | undefined): string =>
  t === undefined ? '' : t.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** `42 s`, `3 min 12 s`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

function span(d: IncidentReport['timeToContain']): string {
  if (d === undefined) return 'not yet';
  const parts = [];
  if (d.fromDetection !== undefined) parts.push(`${duration(d.fromDetection)} from detection`);
  if (d.fromStart !== undefined) parts.push(`${duration(d.fromStart)} from the incident’s start`);
  return parts.join(', ');
}

function counts(title: string, rows: readonly Count[], limit = 15): string[] {
  if (rows.length === 0) return [];
  const out = [`**${title}**`, '', '| | count |', '| --- | ---: |'];
  for (const r of rows.slice(0, limit)) out.push(`| ${cell(r.key)} | ${r.count} |`);
  if (rows.length > limit) out.push(`| … ${rows.length - limit} more | |`);
  out.push('');
  return out;
}

function flagLine(f: AuditFlag): string {
  return `- **${f.kind}** — ${cell(f.what)} ×${f.count} in ${f.regions.join(', ')} (${utc(f.first)}${f.first !== f.last ? ` → ${utc(f.last)}` : ''}): ${f.detail}`;
}

export function reportMarkdown(r: IncidentReport): string {
  const c = r.credential;
  const out: string[] = [
    `# Incident ${r.id}: leaked ${c.kind} ${c.redacted ?? c.id}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Status | ${r.status} |`,
    `| Credential | ${cell(c.kind)} \`${cell(c.id)}\`${c.redacted !== undefined ? ` (secret ${cell(c.redacted)})` : ''}${c.fingerprint ? `, fingerprint \`${c.fingerprint}\`` : ''} |`,
    `| Runbook | ${cell(r.runbook)} |`,
    `| Responders | ${r.responders.map(cell).join(', ')} |`,
    `| Time to contain | ${span(r.timeToContain)} |`,
    `| Time to recover | ${span(r.timeToRecover)} |`,
    '',
    '## Timeline (UTC)',
    '',
    '| Time (UTC) | Event |',
    '| --- | --- |',
    ...r.timeline.map((t) => `| ${utc(t.time)} | ${cell(t.what)} |`),
    '',
    '## Steps',
    '',
    '| # | Step | Outcome | Finished (UTC) | Confirmed by | Side effects |',
    '| ---: | --- | --- | --- | --- | --- |',
  ];
  r.steps.forEach((s, i) => {
    const calls = s.calls
      .map((x) => `${x.call}${x.ok === true ? '' : x.ok === false ? ' (failed)' : ' (no answer recorded)'}`)
      .join('; ');
    out.push(
      `| ${i + 1} | ${s.section === 'finish' ? '(finish) ' : ''}${cell(s.title)} | ${s.status} | ${utc(s.finishedAt)} | ${s.confirmedBy ? `${cell(s.confirmedBy)} (${s.confirmedHow ?? ''})` : ''} | ${cell(calls)} |`,
    );
  });
  out.push('');
  for (const s of r.steps) {
    const notes = [
      ...s.facts.map((f) => `- ${f}`),
      ...s.warnings.map((w) => `- ⚠ ${w}`),
      ...(s.error ? [`- ✖ ${s.error}`] : []),
    ];
    if (notes.length === 0) continue;
    out.push(`**${s.id}**`, '', ...notes, '');
  }
  if (r.audit !== undefined) {
    const a = r.audit as unknown as {
      from: string;
      until: string;
      regionsAudited: string[];
      regionsFailed: { region: string; error: string }[];
      summary: AuditSummary;
      olderEvents: { note: string } | null;
    };
    const s = a.summary;
    out.push(
      '## Audit (CloudTrail)',
      '',
      `Window ${utc(a.from)} → ${utc(a.until)}. Regions audited (${a.regionsAudited.length}): ${[...a.regionsAudited].sort().join(', ') || 'none'}.`,
      ...(a.regionsFailed.length > 0
        ? [
            '',
            `**Not audited** (${a.regionsFailed.length}): ${a.regionsFailed.map((f) => `${f.region} (${cell(f.error)})`).join('; ')}.`,
          ]
        : []),
      ...(a.olderEvents ? ['', `⚠ ${a.olderEvents.note}.`] : []),
      '',
      s.events === 0
        ? 'No events: the credential was not used in the audited regions during the window.'
        : `${s.events} event(s); first use ${utc(s.firstUse)}, last use ${utc(s.lastUse)}.`,
      '',
    );
    out.push('### Flags', '');
    if (s.flags.length === 0) out.push('None.', '');
    else out.push(...s.flags.map(flagLine), '');
    out.push(
      ...counts('Calls', s.byName),
      ...counts('Regions', s.byRegion),
      ...counts(
        'Source IPs',
        s.sourceIps.map((x) => ({
          key: `${x.key}${x.known === 'aws-service' ? ' (AWS service)' : x.known ? ' (known)' : ''}`,
          count: x.count,
        })),
      ),
      ...counts('User agents', s.userAgents, 10),
      ...counts('Error codes', s.errorCodes),
    );
    if (s.notes.length > 0) out.push(...s.notes.map((n) => `_${n}_`), '');
  }
  out.push('## Notifications', '');
  if (r.notifications.length === 0) out.push('None sent.', '');
  else {
    out.push('| Time (UTC) | Target | Event | Message id | Delivered |', '| --- | --- | --- | --- | --- |');
    for (const n of r.notifications)
      out.push(
        `| ${utc(n.time)} | ${cell(n.target)} | ${n.event} | \`${n.messageId}\` | ${n.delivered ? 'yes' : 'no'} |`,
      );
    out.push('');
  }
  out.push('## Evidence', '');
  if (r.evidence.length === 0) out.push('None.', '');
  else {
    out.push('| File | Events | Bytes | SHA-256 | Intact |', '| --- | ---: | ---: | --- | --- |');
    for (const e of r.evidence)
      out.push(
        `| \`${e.file}\` | ${e.records} | ${e.bytes} | \`${e.sha256}\` | ${e.intact ? 'yes' : '**no: changed since recorded**'} |`,
      );
    out.push('');
  }
  out.push(
    '## Journal',
    '',
    r.journal.intact
      ? `${r.journal.entries} entries; hash chain intact (\`keyspill respond verify ${r.id}\`).`
      : `⚠ The journal fails verification: ${r.journal.problems.map((p) => p.message).join('; ')}.`,
    '',
  );
  return out.join('\n');
}
