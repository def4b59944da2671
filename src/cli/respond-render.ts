// Text for the respond commands: step lists, plans, status and the "next command" line.
import type { PlanResult } from '../respond/plan.ts';
import type { IncidentRunResult } from '../respond/service.ts';
import type { IncidentState } from '../respond/state.ts';

export function runSummary(r: IncidentRunResult): string[] {
  const lines: string[] = [];
  if (r.nothingToDo !== undefined) {
    lines.push(r.nothingToDo);
    lines.push(
      r.status === 'closed'
        ? `report: keyspill respond status ${r.incidentId}`
        : `next: when the replacement is rolled out, keyspill respond finish ${r.incidentId}`,
    );
    return lines;
  }
  if (r.stopped !== undefined) {
    lines.push(`incident ${r.incidentId} stopped before step ${r.stopped.step} (${r.stopped.reason}).`);
    lines.push(`next: ${r.stopped.next}`);
    return lines;
  }
  lines.push(
    r.status === 'contained'
      ? `incident ${r.incidentId} is contained.`
      : `incident ${r.incidentId} is closed.`,
  );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.after !== undefined) lines.push('', r.after);
  lines.push(
    '',
    r.status === 'contained'
      ? `next: keyspill respond finish ${r.incidentId}   (after the replacement is rolled out)`
      : `status: keyspill respond status ${r.incidentId}`,
  );
  return lines;
}

export function planLines(p: PlanResult): string[] {
  const lines = [
    `Plan (dry run: nothing is changed and no incident is created)`,
    `credential: ${p.credential.kind} ${p.credential.redacted ?? p.credential.id}${p.credential.redacted !== undefined ? ` (${p.credential.id})` : ''}`,
    `runbook: ${p.runbook} (${p.runbookFile})`,
    ...(p.since === undefined ? [] : [`leak window from ${p.since}`]),
    ...(p.incident === undefined
      ? []
      : [`incident ${p.incident} exists for this credential: this is what resuming it would do`]),
  ];
  let section = '';
  p.steps.forEach((s, i) => {
    if (s.section !== section) {
      section = s.section;
      lines.push(
        '',
        section === 'steps' ? 'Containment (respond incident / resume):' : 'Later, with respond finish:',
      );
    }
    const what = { skip: 'skip', unknown: 'run if needed', run: 'run', stop: 'would stop' }[s.expect];
    const effect = {
      none: 'reads only',
      reversible: 'changes things, asks first',
      irreversible: 'irreversible, typed confirmation',
      manual: 'a person does it',
    }[s.effect];
    lines.push(`  ${i + 1}. ${s.id}: ${s.title}  [${what}; ${effect}]`);
    for (const c of s.calls) lines.push(`       ${c.effect ? '→' : '·'} ${c.call} ${JSON.stringify(c.args)}`);
    for (const f of s.facts) lines.push(`       = ${f}`);
    if (s.note !== undefined) lines.push(`       (${s.note})`);
  });
  return lines;
}

export function statusLines(
  id: string,
  st: IncidentState,
  order: readonly { id: string; title: string; section: string }[],
  holder?: string,
): string[] {
  const c = st.record.credential;
  const lines = [
    `incident ${id}: ${st.status}${st.lastStop ? ` (stopped: ${st.lastStop.reason}${st.lastStop.step ? ` at ${st.lastStop.step}` : ''})` : ''}`,
    `credential: ${c.kind} ${c.redacted ?? c.id}${c.redacted !== undefined ? ` (${c.id})` : ''}`,
    `runbook: ${st.record.runbook.name}; started ${st.record.createdAt} by ${st.record.createdBy}; updated ${st.updatedAt}`,
    ...(st.record.since ? [`leak window from ${st.record.since}`] : []),
    ...(holder ? [`locked by ${holder}`] : []),
    '',
  ];
  for (const s of order) {
    const v = st.steps.get(s.id);
    const status = v?.status ?? 'pending';
    lines.push(
      `  ${status.padEnd(8)} ${s.section === 'finish' ? '(finish) ' : ''}${s.id}: ${s.title}${v?.confirmed ? `  [confirmed by ${v.confirmed.by}, ${v.confirmed.how}]` : ''}`,
    );
    if (v?.error) lines.push(`           error: ${v.error.message}`);
    if (v?.recovery) lines.push(`           recovery: ${v.recovery}`);
    for (const w of v?.warnings ?? []) lines.push(`           warning: ${w}`);
  }
  lines.push('');
  if (st.lastStop) lines.push(`next: ${st.lastStop.next}`);
  else if (st.status === 'open') lines.push(`next: keyspill respond resume ${id}`);
  else if (st.status === 'contained')
    lines.push(`next: keyspill respond finish ${id}   (after the replacement is rolled out)`);
  return lines;
}
