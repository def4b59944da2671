// Provenance views: how each kind of provenance is shown in every report, one object per kind (see registry.ts).
import type { Json, JsonObject } from '../model/json.ts';
import type { Provenance } from '../model/provenance.ts';

/** Text with a role; the text reporter picks the colour. Untrusted text is escaped and scrubbed by the reporter. */
export type Styled = string | { readonly text: string; readonly style: 'bold' | 'dim' | 'alert' | 'warn' };

/** One line of styled parts. */
export type StyledLine = readonly Styled[];

/** The provenance columns of the CSV report, after the common ones; each view fills those it has a value for. */
export const CSV_PROVENANCE_COLUMNS = [
  'commit',
  'image',
  'manifestDigest',
  'platform',
  'layerIndex',
  'layerDigest',
  'createdBy',
  'visibility',
] as const;

export type CsvProvenanceColumn = (typeof CSV_PROVENANCE_COLUMNS)[number];

/** What remediation advice a place calls for. */
export interface Exposure {
  /** Not committed or published yet (a staged change): keeping it out is the fix. */
  readonly uncommitted: boolean;
  /** A note every report adds once per finding, e.g. "deleting it does not remove it from history". */
  readonly note?: string | undefined;
}

export interface ProvenanceView<P extends Provenance> {
  /** The one-line place shown for a location (a path, a stdin name, `image@sha256:…!/etc/app.env`). */
  place(p: P): string;
  /** Short tags after the place in the text report (`still at HEAD`, `stdin`). */
  tags(p: P): readonly Styled[];
  /** Extra lines under the place in the text report (who introduced it, where else it is). */
  details(p: P): readonly StyledLine[];
  /** SARIF: whether the location's URI is relative to the source root (per kind, or per place), and result properties. */
  readonly sarif: {
    readonly underSourceRoot: boolean | ((p: P) => boolean);
    properties(p: P): JsonObject | undefined;
  };
  /** The CSV columns this kind fills (a column it has no value for is empty). */
  csv(p: P): Readonly<Partial<Record<CsvProvenanceColumn, string>>>;
  /** The JSON form, with a fixed key order (objects are built, never spread). */
  json(p: P): Json;
  /** The JSON Schema of `json`: `$defs` entries, the first named `ref` being this kind's branch. */
  readonly schema: { readonly ref: string; readonly defs: Readonly<Record<string, JsonObject>> };
  /** What the advice in reports should say about this place. */
  exposure(p: P): Exposure;
  /** When the secret was first exposed here, ISO 8601 (a commit date, a layer's creation), if known. */
  firstSeen(p: P): string | undefined;
}
