// The incident report (data): timeline, durations, steps and who confirmed them, audit, notifications, evidence.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { Credential } from '../model/incident.ts';
import type { Json } from '../model/json.ts';
import type { Milestone } from '../model/runbook.ts';
import type { JournalProblem } from './journal-verify.ts';
import { loadIncident, latest, RUNBOOK_COPY, runbookCopy } from './incidents.ts';
import { parseRunbook } from './runbook-schema.ts';

export type TimelineEvent = 'first-seen' | 'detected' | 'started' | Milestone | 'closed';

export interface IncidentReport {
  readonly id: string;
  readonly status: string;
  readonly credential: Credential;
  readonly runbook: string;
  readonly responders: readonly string[];
  readonly timeline: readonly {
    readonly event: TimelineEvent;
    readonly time: string;
    readonly what: string;
  }[];
  /** Milliseconds; `fromDetection` when the detection time is known. */
  readonly timeToContain: { readonly fromStart?: number; readonly fromDetection?: number } | undefined;
  readonly timeToRecover: { readonly fromStart?: number; readonly fromDetection?: number } | undefined;
  readonly steps: readonly {
    readonly id: string;
    readonly title: string;
    readonly section: 'steps' | 'finish';
    readonly status: string;
    readonly startedAt?: string | undefined;
    readonly finishedAt?: string | undefined;
    readonly confirmedBy?: string | undefined;
    readonly confirmedHow?: string | undefined;
    readonly calls: readonly { readonly call: string; readonly ok: boolean | null; readonly time: string }[];
    readonly facts: readonly string[];
    readonly warnings: readonly string[];
    readonly error?: string | undefined;
  }[];
  readonly audit: Json | undefined;
  readonly notifications: readonly {
    readonly target: string;
    readonly event: string;
    readonly messageId: string;
    readonly delivered: boolean;
    readonly time: string;
  }[];
  readonly evidence: readonly {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly records: number;
    readonly intact: boolean;
  }[];
  readonly journal: {
    readonly entries: number;
    readonly intact: boolean;
    readonly problems: readonly JournalProblem[];
  };
}

const WHAT: Record<TimelineEvent, string> = {
  'first-seen': 'First exposed (start of the leak window)',
  detected: 'Detected (the scan that found it)',
  started: 'Incident started',
  contained: 'Contained',
  rotated: 'Replacement in place (rotated)',
  audited: 'Audit finished',
  notified: 'Team notified',
  closed: 'Incident closed',
};

export function incidentReport(stateDir: string, id: string | undefined): IncidentReport {
  const inc = id === undefined ? latest(stateDir) : loadIncident(stateDir, id);
  if (inc === undefined)
    throw new ConfigError('no incidents yet', 'start one: keyspill respond incident --help');
  const st = inc.state;
  if (st === undefined)
    throw new ConfigError(
      `the journal of ${inc.id} cannot be read`,
      `check it: keyspill respond verify ${inc.id}`,
    );
  const rb = parseRunbook(runbookCopy(inc), join(inc.dir, RUNBOOK_COPY)).runbook;
  const specs =
    rb === undefined
      ? []
      : [
          ...rb.steps.map((s) => ({ s, section: 'steps' as const })),
          ...rb.finish.map((s) => ({ s, section: 'finish' as const })),
        ];
  const entries = inc.check.entries;
  const r = st.record;
  const timeline: { event: TimelineEvent; time: string; what: string }[] = [];
  const at = (event: TimelineEvent, time: string | undefined, extra = ''): void => {
    if (time !== undefined && time !== '') timeline.push({ event, time, what: `${WHAT[event]}${extra}` });
  };
  at('first-seen', r.since);
  at('detected', r.detectedAt);
  at('started', r.createdAt, ` by ${r.createdBy}`);
  const milestone = new Map<Milestone, string>();
  for (const { s } of specs) {
    const v = st.steps.get(s.id);
    if (v?.finishedAt === undefined || v.status === 'skipped' || v.status === 'failed') continue;
    for (const m of s.milestones ?? []) if (!milestone.has(m)) milestone.set(m, v.finishedAt);
  }
  for (const m of ['contained', 'rotated', 'audited', 'notified'] as const) at(m, milestone.get(m));
  at('closed', st.closedAt);
  timeline.sort((a, b) => a.time.localeCompare(b.time));
  const since = (t: string | undefined) =>
    t === undefined
      ? undefined
      : {
          fromStart: Date.parse(t) - Date.parse(r.createdAt),
          ...(r.detectedAt === undefined ? {} : { fromDetection: Date.parse(t) - Date.parse(r.detectedAt) }),
        };
  const responders = new Set<string>([r.createdBy]);
  for (const e of entries) if (e.type === 'confirmed' || e.type === 'resumed') responders.add(e.by);
  const notifications = entries
    .filter((e) => e.type === 'intent' && e.call.startsWith('notify:'))
    .map((e) => {
      const a = (e.type === 'intent' ? e.args : {}) as {
        target?: string;
        event?: string;
        messageId?: string;
      };
      const ok = entries.some(
        (o) => o.type === 'outcome' && e.type === 'intent' && o.effect === e.effect && o.ok,
      );
      return {
        target: a.target ?? '',
        event: a.event ?? '',
        messageId: a.messageId ?? '',
        delivered: ok,
        time: e.time,
      };
    });
  const evidence = new Map<string, IncidentReport['evidence'][number]>();
  for (const e of entries)
    if (e.type === 'evidence') {
      const file = join(inc.dir, e.file);
      const intact =
        existsSync(file) && createHash('sha256').update(readFileSync(file)).digest('hex') === e.sha256;
      evidence.set(e.file, { file: e.file, sha256: e.sha256, bytes: e.bytes, records: e.records, intact });
    }
  const auditSpec = specs.find(({ s }) => s.kind === 'aws.cloudtrail.audit');
  const auditOut = auditSpec === undefined ? undefined : st.steps.get(auditSpec.s.id)?.outputs;
  return {
    id: inc.id,
    status: st.status,
    credential: r.credential,
    runbook: r.runbook.name,
    responders: [...responders],
    timeline,
    timeToContain: since(milestone.get('contained')),
    timeToRecover: since(milestone.get('rotated')),
    steps: specs.map(({ s, section }) => {
      const v = st.steps.get(s.id);
      return {
        id: s.id,
        title: s.title,
        section,
        status: v?.status ?? 'pending',
        startedAt: v?.startedAt,
        finishedAt: v?.finishedAt,
        confirmedBy: v?.confirmed?.by,
        confirmedHow: v?.confirmed?.how,
        calls: (v?.effects ?? []).map((x) => ({ call: x.call, ok: x.ok ?? null, time: x.time })),
        facts: v?.facts ?? [],
        warnings: v?.warnings ?? [],
        error: v?.error?.message,
      };
    }),
    audit: auditOut === undefined || Object.keys(auditOut).length === 0 ? undefined : auditOut,
    notifications,
    evidence: [...evidence.values()],
    journal: {
      entries: entries.length,
      intact: inc.check.problems.length === 0,
      problems: inc.check.problems,
    },
  };
}
