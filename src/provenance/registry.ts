// Provenance view registry: one view per provenance kind. A new kind in the union fails to compile until it has one.
import type { Json, JsonObject } from '../model/json.ts';
import type { Provenance } from '../model/provenance.ts';
import { fileView } from './file.ts';
import { gitView } from './git.ts';
import { k8sView } from './k8s.ts';
import { stagedView } from './staged.ts';
import { stdinView } from './stdin.ts';
import { imageView } from './image.ts';
import type { CsvProvenanceColumn, Exposure, ProvenanceView, Styled, StyledLine } from './view.ts';

export type ProvenanceKind = Provenance['kind'];

type Views = { readonly [K in ProvenanceKind]: ProvenanceView<Extract<Provenance, { readonly kind: K }>> };

export const PROVENANCE_VIEWS: Views = {
  file: fileView,
  stdin: stdinView,
  git: gitView,
  staged: stagedView,
  image: imageView,
  k8s: k8sView,
};

/** The view of `p`'s kind (the one cast the correlated union needs lives here). */
export function viewOf<P extends Provenance>(p: P): ProvenanceView<P> {
  return PROVENANCE_VIEWS[p.kind] as unknown as ProvenanceView<P>;
}

export const place = (p: Provenance): string => viewOf(p).place(p);
export const tags = (p: Provenance): readonly Styled[] => viewOf(p).tags(p);
export const details = (p: Provenance): readonly StyledLine[] => viewOf(p).details(p);
export const provenanceJson = (p: Provenance): Json => viewOf(p).json(p);
export const exposure = (p: Provenance): Exposure => viewOf(p).exposure(p);
export const firstSeen = (p: Provenance): string | undefined => viewOf(p).firstSeen(p);
export const sarifUnderSourceRoot = (p: Provenance): boolean => {
  const under = viewOf(p).sarif.underSourceRoot;
  return typeof under === 'function' ? under(p) : under;
};
export const sarifProperties = (p: Provenance): JsonObject | undefined => viewOf(p).sarif.properties(p);
export const csvColumns = (p: Provenance): Readonly<Partial<Record<CsvProvenanceColumn, string>>> =>
  viewOf(p).csv(p);

/** The report schema's `provenance` definition and each kind's branches, from the views (scripts/build-schema.ts). */
export function provenanceSchemaDefs(): Record<string, JsonObject> {
  const defs: Record<string, JsonObject> = {
    provenance: {
      description: 'Where the bytes were seen, by kind of source.',
      oneOf: Object.values(PROVENANCE_VIEWS).map((v) => ({ $ref: `#/$defs/${v.schema.ref}` })),
    },
  };
  for (const v of Object.values(PROVENANCE_VIEWS)) Object.assign(defs, v.schema.defs);
  return defs;
}
