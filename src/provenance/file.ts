// Provenance view of a file on disk (`scan dir`).
import type { FileProvenance } from '../model/provenance.ts';
import type { ProvenanceView } from './view.ts';

export const fileView: ProvenanceView<FileProvenance> = {
  place: (p) => p.path,
  tags: () => [],
  details: () => [],
  sarif: { underSourceRoot: true, properties: () => undefined },
  csv: () => ({ commit: '' }),
  json: (p) => ({ kind: p.kind, path: p.path }),
  schema: {
    ref: 'fileProvenance',
    defs: {
      fileProvenance: {
        description: 'A file on disk, found by `scan dir`.',
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'path'],
        properties: {
          kind: { description: 'Always "file".', const: 'file' },
          path: { description: 'Path relative to the scan root, with forward slashes.', type: 'string' },
        },
      },
    },
  },
  exposure: () => ({ uncommitted: false }),
  firstSeen: () => undefined,
};
