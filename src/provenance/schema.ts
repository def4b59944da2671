// The report schema with its provenance definitions taken from the views (the committed file must match: a test checks).
import type { JsonObject } from '../model/json.ts';
import { provenanceSchemaDefs } from './registry.ts';

/** `schema` with `$defs.provenance` and every kind's definitions replaced by what the views declare. */
export function reportSchema(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const generated = provenanceSchemaDefs();
  const defs: Record<string, JsonObject> = {};
  for (const [name, def] of Object.entries((schema['$defs'] ?? {}) as Record<string, JsonObject>)) {
    // Definitions the views own are dropped here and put back from the views, in registry order.
    if (name === 'provenance' || name.endsWith('Provenance') || name in generated) continue;
    defs[name] = def;
  }
  return { ...schema, $defs: { ...defs, ...generated } };
}
