// Provenance view of bytes seen in a container image: the layer (index, digest, instruction) or config field, and visibility.
import type { Json, JsonObject } from '../model/json.ts';
import type { ImageLayerRef, ImageProvenance } from '../model/provenance.ts';
import type { ProvenanceView, Styled, StyledLine } from './view.ts';

export const IMAGE_NOTE =
  'Rebuild the image without the secret and rotate it: deleting the file in a later layer, or deleting the tag, does not remove the layer from registries or from copies already pulled.';

const short = (digest: string): string => {
  const at = digest.indexOf(':');
  return at < 0 ? digest.slice(0, 12) : `${digest.slice(0, at + 1)}${digest.slice(at + 1, at + 13)}`;
};

function shortDate(iso: string | undefined): string | undefined {
  return iso !== undefined && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

function hiddenText(p: ImageProvenance): string | undefined {
  const t = p.target;
  if (t.type !== 'layer' || t.visibility === 'visible') return undefined;
  const by = t.hiddenBy === undefined ? 'a later layer' : `layer ${t.hiddenBy.index}`;
  return `${t.visibility} in ${by} but still recoverable from layer ${t.layer.index}: anyone with the image can read it`;
}

function tags(p: ImageProvenance): Styled[] {
  const t = p.target;
  if (t.type === 'config')
    return [
      {
        text: t.field.startsWith('history') ? 'in the image history (a build step)' : 'in the image config',
        style: 'alert',
      },
    ];
  if (t.visibility === 'visible') return [{ text: 'visible in the final image', style: 'alert' }];
  return [{ text: hiddenText(p)!, style: 'warn' }];
}

function layerLine(prefix: string, l: ImageLayerRef, total: number | undefined): StyledLine {
  const made = [
    ...(l.created === undefined ? [] : [`created ${shortDate(l.created)!}`]),
    ...(l.createdBy === undefined ? [] : [`by: ${l.createdBy}`]),
  ].join(' ');
  return [
    prefix,
    { text: `layer ${l.index}${total === undefined ? '' : ` of ${total}`}`, style: 'bold' },
    ' ',
    { text: short(l.digest), style: 'dim' },
    ...(made === '' ? [] : [', ', made]),
  ];
}

function details(p: ImageProvenance): StyledLine[] {
  const platform = p.platform === undefined ? '' : ` (${p.platform})`;
  const lines: StyledLine[] = [
    [
      'image ',
      { text: p.image, style: 'bold' },
      ' ',
      { text: short(p.manifestDigest), style: 'dim' },
      platform,
    ],
  ];
  const t = p.target;
  if (t.type === 'config') {
    lines.push([
      { text: `config ${short(p.configDigest)}`, style: 'dim' },
      ...(t.created === undefined ? [] : [`, set ${shortDate(t.created)!}`]),
    ]);
    return lines;
  }
  lines.push(layerLine('in ', t.layer, t.layers));
  if (t.hiddenBy !== undefined) lines.push(layerLine(`${t.visibility} by `, t.hiddenBy, undefined));
  return lines;
}

const orNull = (v: string | undefined): Json => v ?? null;

function layerJson(l: ImageLayerRef): Json {
  return {
    index: l.index,
    digest: l.digest,
    diffId: orNull(l.diffId),
    createdBy: orNull(l.createdBy),
    created: orNull(l.created),
  };
}

function json(p: ImageProvenance): Json {
  const t = p.target;
  const target: Json =
    t.type === 'config'
      ? { type: t.type, field: t.field, created: orNull(t.created) }
      : {
          type: t.type,
          path: t.path,
          layer: layerJson(t.layer),
          layers: t.layers,
          visibility: t.visibility,
          hiddenBy: t.hiddenBy === undefined ? null : layerJson(t.hiddenBy),
        };
  return {
    kind: p.kind,
    image: p.image,
    manifestDigest: p.manifestDigest,
    platform: orNull(p.platform),
    configDigest: p.configDigest,
    target,
  };
}

function sarifProperties(p: ImageProvenance): JsonObject {
  const t = p.target;
  const common: JsonObject = {
    image: p.image,
    manifestDigest: p.manifestDigest,
    ...(p.platform === undefined ? {} : { platform: p.platform }),
  };
  if (t.type === 'config') {
    return {
      ...common,
      configDigest: p.configDigest,
      configField: t.field,
      ...(t.created === undefined ? {} : { created: t.created }),
    };
  }
  return {
    ...common,
    layerIndex: t.layer.index,
    layerDigest: t.layer.digest,
    ...(t.layer.diffId === undefined ? {} : { diffId: t.layer.diffId }),
    ...(t.layer.createdBy === undefined ? {} : { createdBy: t.layer.createdBy }),
    ...(t.layer.created === undefined ? {} : { created: t.layer.created }),
    visibility: t.visibility,
    ...(t.hiddenBy === undefined
      ? {}
      : { hiddenByLayerIndex: t.hiddenBy.index, hiddenByLayerDigest: t.hiddenBy.digest }),
  };
}

function csv(p: ImageProvenance): Record<string, string> {
  const t = p.target;
  const common = { image: p.image, manifestDigest: p.manifestDigest, platform: p.platform ?? '' };
  if (t.type === 'config') return { ...common, visibility: 'config' };
  return {
    ...common,
    layerIndex: String(t.layer.index),
    layerDigest: t.layer.digest,
    createdBy: t.layer.createdBy ?? '',
    visibility:
      t.visibility === 'visible'
        ? 'visible'
        : `${t.visibility} in layer ${t.hiddenBy === undefined ? '?' : t.hiddenBy.index}`,
  };
}

const nullableString = (description: string): JsonObject => ({
  description,
  type: ['string', 'null'],
});

const imageLayerSchema: JsonObject = {
  description: 'One layer of a container image.',
  type: 'object',
  additionalProperties: false,
  required: ['index', 'digest', 'diffId', 'createdBy', 'created'],
  properties: {
    index: {
      description: "1-based position among the image's layers (1 is the base layer).",
      type: 'integer',
      minimum: 1,
    },
    digest: { description: "The layer blob's digest (as stored, usually compressed).", type: 'string' },
    diffId: nullableString("sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry)."),
    createdBy: nullableString('The history line that made the layer (COPY …, RUN …), when known.'),
    created: nullableString('When the layer was made (its history entry), ISO 8601, when known.'),
  },
};

const imageProvenanceSchema: JsonObject = {
  description: 'Bytes seen in a container image: a file in one layer, or a field of the image config.',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'image', 'manifestDigest', 'platform', 'configDigest', 'target'],
  properties: {
    kind: { description: 'Always "image".', const: 'image' },
    image: {
      description:
        'The image reference in transport syntax (docker://…, oci:…, oci-archive:…, docker-archive:…).',
      type: 'string',
    },
    manifestDigest: { description: "Digest of the image's manifest.", type: 'string' },
    platform: nullableString('os/arch[/variant] from the image config.'),
    configDigest: { description: "Digest of the image's config blob.", type: 'string' },
    target: {
      description: 'Where in the image: a file in a layer, or a config field.',
      oneOf: [{ $ref: '#/$defs/imageLayerTarget' }, { $ref: '#/$defs/imageConfigTarget' }],
    },
  },
};

const imageLayerTargetSchema: JsonObject = {
  description: 'A file in one layer, and whether the final image still shows it.',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'path', 'layer', 'layers', 'visibility', 'hiddenBy'],
  properties: {
    type: { description: 'Always "layer".', const: 'layer' },
    path: { description: 'Path of the file inside the layer.', type: 'string' },
    layer: { $ref: '#/$defs/imageLayer' },
    layers: { description: 'How many layers the image has.', type: 'integer', minimum: 1 },
    visibility: {
      description:
        'visible: in the final image; deleted or overwritten: a later layer hides it, but this layer still holds it.',
      enum: ['visible', 'deleted', 'overwritten'],
    },
    hiddenBy: {
      description: 'The later layer that deleted or overwrote the file, or null when visible.',
      oneOf: [{ $ref: '#/$defs/imageLayer' }, { type: 'null' }],
    },
  },
};

const imageConfigTargetSchema: JsonObject = {
  description: 'A field of the image config (Env, Labels, Cmd, Entrypoint, a history line).',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'field', 'created'],
  properties: {
    type: { description: 'Always "config".', const: 'config' },
    field: {
      description: 'config.Env, config.Labels, config.Cmd, config.Entrypoint or history[N].created_by.',
      type: 'string',
    },
    created: nullableString('When the value entered the image (history entry or config creation), ISO 8601.'),
  },
};

export const imageView: ProvenanceView<ImageProvenance> = {
  place: (p) =>
    `${p.image}@${p.manifestDigest}!${p.target.type === 'config' ? p.target.field : p.target.path}`,
  tags,
  details,
  sarif: { underSourceRoot: false, properties: sarifProperties },
  csv,
  json,
  schema: {
    ref: 'imageProvenance',
    defs: {
      imageProvenance: imageProvenanceSchema,
      imageLayer: imageLayerSchema,
      imageLayerTarget: imageLayerTargetSchema,
      imageConfigTarget: imageConfigTargetSchema,
    },
  },
  exposure: () => ({ uncommitted: false, note: IMAGE_NOTE }),
  firstSeen: (p) => (p.target.type === 'config' ? p.target.created : p.target.layer.created),
};
