// Provenance views: the committed report schema carries every kind's branch as its view declares it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVENANCE_VIEWS } from '../../src/provenance/registry.ts';
import { reportSchema } from '../../src/provenance/schema.ts';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', 'schema', 'report-v1.schema.json');

test('schema/report-v1.schema.json matches the provenance views (else: npm run schema)', () => {
  const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(committed, reportSchema(committed), 'the schema is out of date: run npm run schema');
  const oneOf = (
    (committed['$defs'] as Record<string, { oneOf?: { $ref: string }[] }>)['provenance']?.oneOf ?? []
  ).map((r) => r.$ref);
  assert.deepEqual(
    oneOf,
    Object.values(PROVENANCE_VIEWS).map((v) => `#/$defs/${v.schema.ref}`),
  );
});

test('every view names its own kind in its schema branch', () => {
  for (const [kind, view] of Object.entries(PROVENANCE_VIEWS)) {
    const branch = view.schema.defs[view.schema.ref] as { properties: { kind: { const: string } } };
    assert.equal(branch.properties.kind.const, kind);
  }
});
