// Kubernetes objects understood: which values of an object to scan, under which field path, decoded how.
import { LAST_APPLIED, LAST_APPLIED_FIELD } from '../../provenance/k8s.ts';
import type { NodePath } from './json-text.ts';

/** One value of an object to hand to the engine. */
export interface Field {
  /** The field path shown in reports: `data[DB_PASSWORD]`, `spec.containers[api].env[TOKEN]`. */
  readonly field: string;
  /** The name the value is assigned to (a data key, an env var), shown to the rules as `NAME: value`. */
  readonly name: string | undefined;
  /** The value: text, or the bytes base64 decoded from the object. */
  readonly value: string | Uint8Array;
  /** The object held the value in base64 (Secret data, binaryData): locations say "decoded from base64". */
  readonly base64: boolean;
  /** Where the value's text is in the object, for line numbers. */
  readonly node: NodePath;
  /** The value is inside the text of `node` (the last-applied JSON, a decoded docker config): no exact column. */
  readonly embedded: boolean;
}

/** One key of a Secret's data or stringData: a Secret value, whatever rule matches it or not. */
export interface SecretValue {
  readonly field: string;
  /** The value as text (UTF-8), or undefined when it is binary. */
  readonly text: string | undefined;
  /** The value as written in the object (base64 for data), used as the secret when it is binary. */
  readonly raw: string;
  readonly base64: boolean;
  readonly node: NodePath;
  /** Read from the last-applied annotation rather than the object's own data. */
  readonly lastApplied: boolean;
}

/** What keyspill takes apart in an object; `fields` is undefined for a kind it does not know (scanned whole). */
export interface Understood {
  readonly fields: readonly Field[] | undefined;
  readonly secretValues: readonly SecretValue[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The workload kinds and where each keeps its pod template (the path to the pod spec's parent). */
const POD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds whose values keyspill takes apart; others are scanned as a whole. */
export const UNDERSTOOD_KINDS: readonly string[] = ['ConfigMap', 'Secret', ...Object.keys(POD_TEMPLATES)];

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (what the API server accepts in Secret data), or undefined. Line breaks are tolerated. */
export function decodeBase64(s: string): Uint8Array | undefined {
  const compact = s.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text without NUL bytes, or undefined for binary. */
function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A scalar as Kubernetes would read it (YAML may have typed `port: 8080` as a number). */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

interface Ctx {
  readonly fields: Field[];
  readonly secretValues: SecretValue[];
  /** Prefix of field paths (inside last-applied: the annotation's path and a dot). */
  readonly prefix: string;
  /** The node fields point at when embedded (the annotation), else undefined. */
  readonly embeddedIn: NodePath | undefined;
}

function add(
  c: Ctx,
  field: string,
  name: string | undefined,
  value: string | Uint8Array,
  base64: boolean,
  node: NodePath,
  embedded = false,
): void {
  if (value.length === 0) return;
  c.fields.push({
    field: c.prefix + field,
    name,
    value,
    base64,
    node: c.embeddedIn ?? node,
    embedded: embedded || c.embeddedIn !== undefined,
  });
}

/** Annotations and labels; the last-applied annotation is parsed and taken apart like the object itself. */
function metadataFields(c: Ctx, meta: unknown, path: readonly string[], display: string): void {
  if (!isObj(meta)) return;
  for (const which of ['annotations', 'labels'] as const) {
    const map = meta[which];
    if (!isObj(map)) continue;
    for (const [k, v] of Object.entries(map)) {
      const s = scalar(v);
      if (s === undefined) continue;
      const node = [...path, which, k];
      if (which === 'annotations' && k === LAST_APPLIED && c.embeddedIn === undefined) {
        if (lastApplied(c, s, node)) continue;
      }
      add(c, `${display}${which}[${k}]`, k, s, false, node);
    }
  }
}

/** Takes the last-applied JSON apart into fields under the annotation's path; false when it is not JSON. */
function lastApplied(c: Ctx, text: string, node: NodePath): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObj(parsed)) return false;
  const inner: Ctx = {
    fields: c.fields,
    secretValues: c.secretValues,
    prefix: `${LAST_APPLIED_FIELD}.`,
    embeddedIn: node,
  };
  objectFields(inner, parsed);
  return true;
}

function dataFields(c: Ctx, obj: Obj, key: 'data' | 'binaryData' | 'stringData', base64: boolean): void {
  const map = obj[key];
  if (!isObj(map)) return;
  for (const [k, v] of Object.entries(map)) {
    const raw = scalar(v);
    if (raw === undefined || raw === '') continue;
    const node = [key, k];
    const field = `${key}[${k}]`;
    const bytes = base64 ? decodeBase64(raw) : undefined;
    if (base64 && bytes === undefined) {
      // Not valid base64: the API server would refuse it; scan what is written.
      add(c, field, k, raw, false, node);
    } else if (bytes !== undefined) {
      if (!dockerConfig(c, k, bytes, node)) add(c, field, k, bytes, true, node);
    } else {
      add(c, field, k, raw, false, node);
    }
    if (obj['kind'] === 'Secret' && key !== 'binaryData') {
      c.secretValues.push({
        field: c.prefix + field,
        text: bytes === undefined ? raw : asText(bytes),
        raw,
        base64: bytes !== undefined,
        node: c.embeddedIn ?? node,
        lastApplied: c.embeddedIn !== undefined,
      });
    }
  }
}

/**
 * A decoded `.dockerconfigjson` (or legacy `.dockercfg`): one field per registry, each a docker config with that
 * registry's credential alone, so a finding names the registry. False when it is not a docker config.
 */
function dockerConfig(c: Ctx, key: string, bytes: Uint8Array, node: NodePath): boolean {
  if (key !== '.dockerconfigjson' && key !== '.dockercfg') return false;
  const text = asText(bytes);
  if (text === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObj(parsed)) return false;
  const auths = key === '.dockercfg' ? parsed : parsed['auths'];
  if (!isObj(auths)) return false;
  let any = false;
  for (const [registry, entry] of Object.entries(auths)) {
    if (!isObj(entry)) continue;
    const picked: Obj = {};
    for (const k of ['auth', 'identitytoken', 'registrytoken'])
      if (typeof entry[k] === 'string' && entry[k] !== '') picked[k] = entry[k];
    const shown = Object.keys(picked).length > 0 ? picked : entry;
    const json = JSON.stringify({ auths: { [registry]: shown } });
    add(c, `data[${key}].auths[${registry}]`, undefined, Buffer.from(json), true, node, true);
    any = true;
  }
  return any;
}

function containerFields(c: Ctx, spec: unknown, path: readonly string[], display: string): void {
  if (!isObj(spec)) return;
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((ct: unknown, i) => {
      if (!isObj(ct)) return;
      const cname = typeof ct['name'] === 'string' ? ct['name'] : String(i);
      const base = `${display}${list}[${cname}]`;
      const cpath = [...path, list, i];
      const env = ct['env'];
      if (Array.isArray(env)) {
        env.forEach((e: unknown, j) => {
          if (!isObj(e)) return;
          const value = scalar(e['value']);
          if (value === undefined) return;
          const name = typeof e['name'] === 'string' ? e['name'] : String(j);
          add(c, `${base}.env[${name}]`, name, value, false, [...cpath, 'env', j, 'value']);
        });
      }
      for (const k of ['command', 'args'] as const) {
        const argv = ct[k];
        if (!Array.isArray(argv)) continue;
        argv.forEach((a: unknown, j) => {
          const s = scalar(a);
          if (s !== undefined) add(c, `${base}.${k}[${j}]`, undefined, s, false, [...cpath, k, j]);
        });
      }
    });
  }
}

function objectFields(c: Ctx, obj: Obj): void {
  const kind = obj['kind'];
  metadataFields(c, obj['metadata'], ['metadata'], 'metadata.');
  if (kind === 'ConfigMap') {
    dataFields(c, obj, 'data', false);
    dataFields(c, obj, 'binaryData', true);
  } else if (kind === 'Secret') {
    dataFields(c, obj, 'data', true);
    dataFields(c, obj, 'stringData', false);
  } else if (typeof kind === 'string') {
    const template = POD_TEMPLATES[kind];
    if (template === undefined) return;
    let at: unknown = obj;
    for (const k of template) at = isObj(at) ? at[k] : undefined;
    const display = template.length === 0 ? '' : `${template.join('.')}.`;
    if (template.length > 0 && isObj(at))
      metadataFields(c, at['metadata'], [...template, 'metadata'], `${display}metadata.`);
    containerFields(c, isObj(at) ? at['spec'] : undefined, [...template, 'spec'], `${display}spec.`);
  }
}

/** The values of `obj` to scan, and its Secret values (own and last-applied). */
export function understand(obj: Obj): Understood {
  const kind = obj['kind'];
  const c: Ctx = { fields: [], secretValues: [], prefix: '', embeddedIn: undefined };
  if (typeof kind !== 'string' || !UNDERSTOOD_KINDS.includes(kind)) {
    // A kind we do not take apart is scanned whole; its last-applied Secret copy cannot hold a Secret.
    return { fields: undefined, secretValues: [] };
  }
  objectFields(c, obj);
  return { fields: c.fields, secretValues: c.secretValues };
}
