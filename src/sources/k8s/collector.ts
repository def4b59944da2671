// Kubernetes objects → source events: each value a fragment through the content policy; the Kubernetes rules'
// matches kept for `resolve`, which also maps every match back to its file line and column.
import { INLINE_ALLOW } from '../../findings/pipeline.ts';
import type { Encoding, Location, Match } from '../../model/match.ts';
import type { K8sProvenance, K8sSource } from '../../model/provenance.ts';
import { k8sPlace, LAST_APPLIED_FIELD } from '../../provenance/k8s.ts';
import { contentEvents, type ContentPolicy } from '../content.ts';
import type { Resolved, SourceEvent } from '../types.ts';
import { understand, type Field, type SecretValue } from './fields.ts';
import type { NodePath } from './json-text.ts';
import type { Obj, ValuePos } from './manifest.ts';
import {
  CONFIGMAP_RULE,
  inLiveSecret,
  isPlaceholder,
  LAST_APPLIED_RULE,
  SECRET_MANIFEST_RULE,
  structuralMatch,
  underRule,
} from './rules.ts';

/** One object to turn into events. */
export interface ObjectInput {
  readonly obj: Obj;
  readonly source: K8sSource;
  /** The fragment path: the file, the stdin name, or `context/namespace/Kind/name` for a cluster object. */
  readonly path: string;
  /** The member of an archive at `path` the manifest was read from. */
  readonly member?: string | undefined;
  /** Positions of the object's nodes in the file (manifests only). */
  readonly locate?: (nodes: readonly NodePath[]) => (ValuePos | undefined)[];
  /** The object's own text and the file line it starts on, to scan whole a kind not taken apart (manifests). */
  readonly text?: () => string;
  /** A line of the file (for inline allow comments on the Kubernetes rules' matches). */
  readonly lineText?: (line: number) => string;
}

/** How a fragment's positions map back: the `NAME: ` prefix on its first line, the value's place in the file. */
interface PositionRecord {
  readonly prefix: number;
  readonly base64: boolean;
  readonly at: ValuePos | undefined;
}

export interface K8sCollector {
  /** The events for one object's values (fragments and counted skips). */
  object(o: ObjectInput, policy: ContentPolicy): AsyncGenerator<SourceEvent>;
  /** Remembers the lines of a file carrying an inline allow comment (matches there are then dropped as usual). */
  file(path: string, text: string): void;
  /** Maps matches to file positions, moves them under the Kubernetes rules, and adds those rules' own matches. */
  resolve(matches: Match[]): Resolved;
  /** Objects seen so far. */
  readonly objects: () => number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function sourceLine(s: K8sSource): number {
  return s.type === 'cluster' ? 0 : s.line;
}

/** Fragment events moved to start at `line` of a file (a window keeps its own offset on top). */
export async function* atLine(events: AsyncIterable<SourceEvent>, line: number): AsyncGenerator<SourceEvent> {
  for await (const ev of events) {
    if (ev.type !== 'fragment' || line === 1) yield ev;
    else yield { ...ev, fragment: { ...ev.fragment, firstLine: (ev.fragment.firstLine ?? 1) + line - 1 } };
  }
}

/** Names one field of one object of one source (objects of a minified JSON list share a line). */
function recordKey(path: string, p: K8sProvenance): string {
  const at = sourceLine(p.source);
  return `${path}\u0000${at}\u0000${p.objectKind}\u0000${p.namespace ?? ''}\u0000${p.name}\u0000${p.field}`;
}

function provenanceOf(obj: Obj, source: K8sSource, field: string): K8sProvenance {
  const meta = (
    typeof obj['metadata'] === 'object' && obj['metadata'] !== null ? obj['metadata'] : {}
  ) as Obj;
  return {
    kind: 'k8s',
    source,
    namespace: str(meta['namespace']),
    objectKind: str(obj['kind']) ?? '',
    apiVersion: str(obj['apiVersion']) ?? '',
    name: str(meta['name']) ?? str(meta['generateName']) ?? '',
    field,
    created: str(meta['creationTimestamp']),
  };
}

/** Position of an offset range inside a value's own text (1-based), for values not in a file. */
function valueSpan(text: string): { line: number; column: number; endLine: number; endColumn: number } {
  const lines = text.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { line: 1, column: 1, endLine: lines.length, endColumn: last.length + 1 };
}

export function createK8sCollector(): K8sCollector {
  const records = new Map<string, PositionRecord>();
  const structural: Match[] = [];
  const allowLines = new Map<string, Map<number, string>>();
  let objects = 0;

  function secretLocation(
    path: string,
    provenance: K8sProvenance,
    sv: SecretValue,
    at: ValuePos | undefined,
  ): Location {
    const decodedFrom: Encoding[] = sv.base64 ? ['base64'] : [];
    const span = at ?? valueSpan(sv.text ?? sv.raw);
    return {
      provenance,
      path,
      line: span.line,
      column: span.column,
      endLine: span.endLine,
      endColumn: span.endColumn,
      decodedFrom,
    };
  }

  function secretMatches(
    o: ObjectInput,
    values: readonly SecretValue[],
    positions: Map<string, ValuePos>,
  ): void {
    for (const sv of values) {
      const rule = sv.lastApplied
        ? LAST_APPLIED_RULE
        : o.source.type === 'cluster'
          ? undefined
          : SECRET_MANIFEST_RULE;
      if (rule === undefined) continue;
      const secret = sv.text ?? sv.raw;
      if (isPlaceholder(secret)) continue;
      const provenance = provenanceOf(o.obj, o.source, sv.field);
      const at = positions.get(sv.node.join('\u0000'));
      const location = secretLocation(o.path, provenance, sv, at);
      const lineText =
        at !== undefined && o.lineText !== undefined
          ? o.lineText(at.line)
          : ((sv.text ?? sv.raw).split('\n', 1)[0] ?? '');
      structural.push(structuralMatch(rule, secret, location, lineText));
    }
  }

  function fieldEvents(
    o: ObjectInput,
    f: Field,
    at: ValuePos | undefined,
    policy: ContentPolicy,
  ): AsyncGenerator<SourceEvent> {
    const provenance = provenanceOf(o.obj, o.source, f.field);
    const prefix = f.name === undefined ? '' : `${f.name}: `;
    const bytes =
      typeof f.value === 'string'
        ? Buffer.from(prefix + f.value)
        : Buffer.concat([Buffer.from(prefix), f.value]);
    const exact = !f.embedded && !f.base64 && at?.start !== undefined;
    // A live object has no file positions: its record is worked out again from the match (see liveRecord), so
    // memory does not grow with the cluster. A manifest's record holds where the value is in the file.
    if (o.source.type !== 'cluster') {
      records.set(recordKey(o.path, provenance), {
        prefix: prefix.length,
        base64: f.base64,
        at: at === undefined ? undefined : exact ? at : { ...at, start: undefined },
      });
    }
    const label = `${provenance.objectKind} ${provenance.namespace === undefined ? '' : `${provenance.namespace}/`}${provenance.name} ${f.field}`;
    return contentEvents(bytes, policy, { path: o.path, provenance, label, member: o.member });
  }

  return {
    objects: () => objects,

    file(path, text) {
      let lines: Map<number, string> | undefined;
      for (let i = text.indexOf(INLINE_ALLOW); i !== -1; i = text.indexOf(INLINE_ALLOW, i + 1)) {
        const start = text.lastIndexOf('\n', i) + 1;
        const endNl = text.indexOf('\n', i);
        const line = text.slice(0, start).split('\n').length;
        (lines ??= new Map()).set(line, text.slice(start, endNl === -1 ? undefined : endNl));
      }
      if (lines !== undefined) allowLines.set(path, lines);
    },

    async *object(o, policy) {
      objects++;
      const { fields, secretValues } = understand(o.obj);
      if (fields === undefined) {
        // A kind keyspill does not take apart: its own text, at its own lines.
        const provenance = provenanceOf(o.obj, o.source, '');
        const text = o.text?.() ?? JSON.stringify(o.obj, null, 2);
        const events = contentEvents(Buffer.from(text), policy, {
          path: o.path,
          provenance,
          member: o.member,
        });
        yield* o.source.type === 'cluster' ? events : atLine(events, o.source.line);
        return;
      }
      const nodes = new Map<string, NodePath>();
      for (const f of fields) nodes.set(f.node.join('\u0000'), f.node);
      for (const sv of secretValues) nodes.set(sv.node.join('\u0000'), sv.node);
      const positions = new Map<string, ValuePos>();
      if (o.locate !== undefined && nodes.size > 0) {
        const wanted = [...nodes.values()];
        o.locate(wanted).forEach((p, i) => {
          if (p !== undefined) positions.set(wanted[i]!.join('\u0000'), p);
        });
      }
      secretMatches(o, secretValues, positions);
      for (const f of fields) yield* fieldEvents(o, f, positions.get(f.node.join('\u0000')), policy);
    },

    resolve(matches) {
      const out: Match[] = [];
      const moved = new Set<string>();
      for (const m of pairInObjects(matches)) {
        const p = m.location.provenance;
        if (p.kind !== 'k8s') {
          out.push(m);
          continue;
        }
        const rec =
          p.source.type === 'cluster' ? liveRecord(p, m) : records.get(recordKey(m.location.path, p));
        const located = relocate(m, rec, allowLines.get(m.location.path));
        const place = k8sPlace(p);
        if (place === 'configmap') out.push(underRule(CONFIGMAP_RULE, located));
        else if (place === 'secret-last-applied' || place === 'secret-manifest') {
          out.push(
            underRule(place === 'secret-manifest' ? SECRET_MANIFEST_RULE : LAST_APPLIED_RULE, located),
          );
          moved.add(recordKey(m.location.path, { ...p, field: secretKeyField(p.field) }));
        } else out.push(place === 'secret' ? inLiveSecret(located) : located);
      }
      // A Secret value some pattern rule matched is reported under that rule's kind; the others as Secret values.
      for (const s of structural) {
        const p = s.location.provenance;
        if (p.kind === 'k8s' && moved.has(recordKey(s.location.path, p))) continue;
        out.push(s);
      }
      return { matches: out, notes: [] };
    },
  };
}

/**
 * The record of a live object's field, from the field path and the match (as `fields.ts` builds fragments): a
 * keyed field (`data[K]`, `env[K]`, `annotations[K]`…) starts with `K: `; Secret data and binaryData were base64.
 */
function liveRecord(p: K8sProvenance, m: Match): PositionRecord {
  const open = p.field.lastIndexOf('[');
  const key = p.field.endsWith(']') && open >= 0 ? p.field.slice(open + 1, -1) : undefined;
  const keyed =
    key !== undefined &&
    /(?:^|\.)(?:data|binaryData|stringData|annotations|labels|env)$/.test(p.field.slice(0, open));
  const prefix = keyed && m.location.line === 1 && m.lineText.startsWith(`${key}: `) ? key.length + 2 : 0;
  const inner = p.field.startsWith(`${LAST_APPLIED_FIELD}.`)
    ? p.field.slice(LAST_APPLIED_FIELD.length + 1)
    : p.field;
  const base64 = (p.objectKind === 'Secret' && inner.startsWith('data[')) || inner.startsWith('binaryData[');
  return { prefix, base64, at: undefined };
}

/** One object of one source, whatever the field. */
function objectKey(l: Location): string | undefined {
  const p = l.provenance;
  if (p.kind !== 'k8s') return undefined;
  return `${l.path}\u0000${l.member ?? ''}\u0000${sourceLine(p.source)}\u0000${p.objectKind}\u0000${p.namespace ?? ''}\u0000${p.name}`;
}

/**
 * A secret and its identifier in two fields of one object (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in one
 * ConfigMap or one container's env) are one credential: the secret's match takes the identifier, the identifier's
 * own match goes. (The findings pipeline pairs only within one fragment, and each field is its own fragment.)
 */
function pairInObjects(matches: readonly Match[]): readonly Match[] {
  if (!matches.some((m) => m.pairWith !== undefined && m.location.provenance.kind === 'k8s')) return matches;
  const ids = new Map<string, Match[]>();
  for (const m of matches) {
    const key = objectKey(m.location);
    if (key === undefined || m.identifier === undefined || m.pairWith !== undefined) continue;
    const list = ids.get(`${m.ruleId}\u0000${key}`);
    if (list === undefined) ids.set(`${m.ruleId}\u0000${key}`, [m]);
    else list.push(m);
  }
  const consumed = new Set<Match>();
  const paired = new Map<Match, Match>();
  for (const m of matches) {
    const key = objectKey(m.location);
    if (key === undefined || m.pairWith === undefined) continue;
    const candidates = (ids.get(`${m.pairWith}\u0000${key}`) ?? []).filter((c) => !consumed.has(c));
    const field = (x: Match): string =>
      x.location.provenance.kind === 'k8s' ? x.location.provenance.field : '';
    const best = candidates.find((c) => field(c) === field(m)) ?? candidates[0];
    if (best === undefined) continue;
    consumed.add(best);
    paired.set(m, { ...m, identifier: best.identifier });
  }
  return matches.filter((m) => !consumed.has(m)).map((m) => paired.get(m) ?? m);
}

/** The Secret key a field comes from: `data[.dockerconfigjson]` for `data[.dockerconfigjson].auths[ghcr.io]`. */
function secretKeyField(field: string): string {
  const at = field.startsWith(LAST_APPLIED_FIELD) ? LAST_APPLIED_FIELD.length + 1 : 0;
  const end = field.indexOf(']', at);
  return end < 0 ? field : field.slice(0, end + 1);
}

/** A match's location in the fragment (`NAME: value`) → in the value, then in the file when there is one. */
function relocate(m: Match, rec: PositionRecord | undefined, allow: Map<number, string> | undefined): Match {
  if (rec === undefined) return m;
  const l = m.location;
  const col = (line: number, c: number): number => (line === 1 ? Math.max(1, c - rec.prefix) : c);
  let line = l.line;
  let column = col(l.line, l.column);
  let endLine = l.endLine;
  let endColumn = col(l.endLine, l.endColumn);
  const at = rec.at;
  if (at !== undefined) {
    if (at.start !== undefined) {
      column = at.start.column + column - 1;
      endColumn = at.start.column + endColumn - 1;
      line = at.start.line + line - 1;
      endLine = at.start.line + endLine - 1;
    } else {
      ({ line, column, endLine, endColumn } = at);
    }
  }
  const decodedFrom: Encoding[] = rec.base64 ? ['base64', ...l.decodedFrom] : [...l.decodedFrom];
  const lineText = at === undefined ? m.lineText : (allow?.get(line) ?? m.lineText);
  return { ...m, lineText, location: { ...l, line, column, endLine, endColumn, decodedFrom } };
}
