// Provenance view of the staged change of a commit being made (`scan git --staged`).
import type { StagedProvenance } from '../model/provenance.ts';
import type { ProvenanceView } from './view.ts';

export const stagedView: ProvenanceView<StagedProvenance> = {
  place: (p) => p.path,
  tags: () => ['staged change'],
  details: () => [],
  sarif: { underSourceRoot: true, properties: () => undefined },
  csv: () => ({ commit: '' }),
  json: (p) => ({ kind: p.kind, repo: p.repo, path: p.path }),
  schema: {
    ref: 'stagedProvenance',
    defs: {
      stagedProvenance: {
        description: 'The staged change of a commit being made (`scan git --staged`).',
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'repo', 'path'],
        properties: {
          kind: { description: 'Always "staged".', const: 'staged' },
          repo: { description: "The repository's path.", type: 'string' },
          path: { description: 'Path of the staged file in the repository.', type: 'string' },
        },
      },
    },
  },
  // Not committed yet: keeping it out of the commit is the fix; nothing has leaked through git.
  exposure: () => ({ uncommitted: true }),
  firstSeen: () => undefined,
};
