// Provenance view of standard input (`scan stdin`, `scan dir -`).
import type { StdinProvenance } from '../model/provenance.ts';
import type { ProvenanceView } from './view.ts';

export const stdinView: ProvenanceView<StdinProvenance> = {
  place: (p) => p.name,
  tags: () => ['stdin'],
  details: () => [],
  // Standard input is not a file under the source root, so its URI has no base.
  sarif: { underSourceRoot: false, properties: () => undefined },
  csv: () => ({ commit: '' }),
  json: (p) => ({ kind: p.kind, name: p.name }),
  schema: {
    ref: 'stdinProvenance',
    defs: {
      stdinProvenance: {
        description: 'Standard input, found by `scan stdin`.',
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'name'],
        properties: {
          kind: { description: 'Always "stdin".', const: 'stdin' },
          name: { description: 'The name the input is reported under.', type: 'string' },
        },
      },
    },
  },
  exposure: () => ({ uncommitted: false }),
  firstSeen: () => undefined,
};
