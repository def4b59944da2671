// Provenance view of a value in a Kubernetes object (`scan k8s`): object, field, where it was read, what it exposes.
import type { Json, JsonObject } from '../model/json.ts';
import type { K8sProvenance, K8sSource } from '../model/provenance.ts';
import type { ProvenanceView, Styled, StyledLine } from './view.ts';

/** The annotation `kubectl apply` (client-side) writes: the whole object as last applied, in clear. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The field path of that annotation; fields inside it are `${LAST_APPLIED_FIELD}.data[KEY]`. */
export const LAST_APPLIED_FIELD = `metadata.annotations[${LAST_APPLIED}]`;

/** What kind of place in an object a field is, for advice and for the Kubernetes rules. */
export type K8sPlace =
  /** ConfigMap data or binaryData (also their copy in the last-applied annotation). */
  | 'configmap'
  /** A Secret's data or stringData copied into the last-applied annotation. */
  | 'secret-last-applied'
  /** A Secret's data or stringData in a manifest (a file or standard input). */
  | 'secret-manifest'
  /** A Secret's data or stringData read from a live cluster (where a secret belongs). */
  | 'secret'
  /** A literal `env[].value` of a container. */
  | 'env'
  | 'other';

const DATA = /^(?:data|binaryData|stringData)\[/;

/** Classifies a field from the object kind and field path alone (the same answer for every source). */
export function k8sPlace(p: K8sProvenance): K8sPlace {
  const lastApplied = p.field.startsWith(`${LAST_APPLIED_FIELD}.`);
  const inner = lastApplied ? p.field.slice(LAST_APPLIED_FIELD.length + 1) : p.field;
  if (p.objectKind === 'ConfigMap' && DATA.test(inner) && !inner.startsWith('stringData['))
    return 'configmap';
  if (p.objectKind === 'Secret' && DATA.test(inner) && !inner.startsWith('binaryData[')) {
    if (lastApplied) return 'secret-last-applied';
    return p.source.type === 'cluster' ? 'secret' : 'secret-manifest';
  }
  if (/\.env\[[^\]]*\]$/.test(inner)) return 'env';
  return 'other';
}

export const CONFIGMAP_NOTE =
  'ConfigMaps are readable by far more people and service accounts than Secrets, and `kubectl describe` prints them: move the value to a Secret or an external secret store, then rotate it.';
export const LAST_APPLIED_NOTE =
  '`kubectl apply` copied this Secret, in clear, into its kubectl.kubernetes.io/last-applied-configuration annotation, which anyone who can read the object’s metadata sees: rotate the value, remove the annotation (kubectl annotate secret NAME kubectl.kubernetes.io/last-applied-configuration-), and apply Secrets with --server-side or create them with kubectl create.';
export const MANIFEST_NOTE =
  'This Secret manifest carries real data (base64 is an encoding, not encryption): rotate the values, then keep only an encrypted form (SealedSecret, SOPS) or a reference to an external store (ExternalSecret) in the repository.';
export const SECRET_NOTE =
  'Stored in a Kubernetes Secret, where a credential belongs: listed so the same fingerprint found anywhere else leads here; rotate it if it leaked.';
export const ENV_NOTE =
  'A literal env value is stored in the workload object: anyone who can read the object (or its pods) sees it. Reference a Secret (valueFrom.secretKeyRef) instead, then rotate the value.';

const NOTES: Readonly<Record<K8sPlace, string | undefined>> = {
  configmap: CONFIGMAP_NOTE,
  'secret-last-applied': LAST_APPLIED_NOTE,
  'secret-manifest': MANIFEST_NOTE,
  secret: SECRET_NOTE,
  env: ENV_NOTE,
  other: undefined,
};

function objectName(p: K8sProvenance): string {
  return `${p.objectKind} ${p.namespace === undefined ? '' : `${p.namespace}/`}${p.name}`;
}

function sourceLabel(s: K8sSource): string {
  switch (s.type) {
    case 'file':
      return `${s.path}:${s.line}`;
    case 'stdin':
      return `${s.name}:${s.line}`;
    case 'cluster':
      return `context ${s.context}`;
  }
}

function tags(p: K8sProvenance): readonly Styled[] {
  switch (p.source.type) {
    case 'cluster':
      return [{ text: `live cluster: ${p.source.context}`, style: 'alert' }];
    case 'stdin':
      return ['stdin manifest'];
    case 'file':
      return ['manifest'];
  }
}

function details(p: K8sProvenance): StyledLine[] {
  const lines: StyledLine[] = [
    [{ text: objectName(p), style: 'bold' }, ...(p.field === '' ? [] : ['  ', p.field])],
  ];
  const s = p.source;
  const where =
    s.type === 'cluster'
      ? `context ${s.context} (${s.server}), kubeconfig user ${s.user}`
      : `object at line ${s.line}`;
  lines.push([{ text: p.created === undefined ? where : `${where}; created ${p.created}`, style: 'dim' }]);
  return lines;
}

function sourceJson(s: K8sSource): Json {
  switch (s.type) {
    case 'file':
      return { type: s.type, path: s.path, line: s.line };
    case 'stdin':
      return { type: s.type, name: s.name, line: s.line };
    case 'cluster':
      return { type: s.type, context: s.context, server: s.server, user: s.user };
  }
}

function json(p: K8sProvenance): Json {
  return {
    kind: p.kind,
    source: sourceJson(p.source),
    namespace: p.namespace ?? null,
    objectKind: p.objectKind,
    apiVersion: p.apiVersion,
    name: p.name,
    field: p.field,
    created: p.created ?? null,
  };
}

function sarifProperties(p: K8sProvenance): JsonObject {
  const s = p.source;
  return {
    ...(p.namespace === undefined ? {} : { namespace: p.namespace }),
    objectKind: p.objectKind,
    name: p.name,
    field: p.field,
    ...(s.type === 'cluster' ? { context: s.context } : {}),
    ...(p.created === undefined ? {} : { created: p.created }),
  };
}

const str = (description: string): JsonObject => ({ type: 'string', description });

const k8sProvenanceSchema: JsonObject = {
  description: 'A value in a Kubernetes object, read from a manifest or a live cluster (`scan k8s`).',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'source', 'namespace', 'objectKind', 'apiVersion', 'name', 'field', 'created'],
  properties: {
    kind: { description: 'Always "k8s".', const: 'k8s' },
    source: { $ref: '#/$defs/k8sSource' },
    namespace: {
      description: "The object's namespace, or null when the manifest names none.",
      type: ['string', 'null'],
    },
    objectKind: str('The object kind, such as ConfigMap or Deployment.'),
    apiVersion: str("The object's apiVersion."),
    name: str("The object's name."),
    field: str(
      'The field holding the value, e.g. data[DB_PASSWORD] or spec.template.spec.containers[api].env[STRIPE_KEY]; empty when the object was scanned whole.',
    ),
    created: {
      description: 'metadata.creationTimestamp (ISO 8601): when the value was first exposed there, if known.',
      type: ['string', 'null'],
    },
  },
};

const k8sSourceSchema: JsonObject = {
  description: 'Where the object was read: a manifest file, standard input, or a cluster through kubectl.',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'path', 'line'],
      properties: {
        type: { description: 'A manifest file.', const: 'file' },
        path: str('Path of the file, relative to the current folder.'),
        line: { type: 'integer', description: 'Line where the object starts.' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'name', 'line'],
      properties: {
        type: { description: 'Manifests on standard input.', const: 'stdin' },
        name: str('The name standard input is reported under.'),
        line: { type: 'integer', description: 'Line where the object starts.' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'context', 'server', 'user'],
      properties: {
        type: { description: 'A live cluster.', const: 'cluster' },
        context: str('The kubeconfig context.'),
        server: str("The API server's URL."),
        user: str("The context's kubeconfig user."),
      },
    },
  ],
};

export const k8sView: ProvenanceView<K8sProvenance> = {
  place: (p) => `${sourceLabel(p.source)} ${objectName(p)}${p.field === '' ? '' : ` ${p.field}`}`,
  tags,
  details,
  // A manifest file lies under the source root; a cluster object or stdin does not.
  sarif: { underSourceRoot: (p) => p.source.type === 'file', properties: sarifProperties },
  csv: () => ({ commit: '' }),
  json,
  schema: { ref: 'k8sProvenance', defs: { k8sProvenance: k8sProvenanceSchema, k8sSource: k8sSourceSchema } },
  exposure: (p) => ({ uncommitted: false, note: NOTES[k8sPlace(p)] }),
  firstSeen: (p) => p.created,
};
