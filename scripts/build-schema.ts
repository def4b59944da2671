#!/usr/bin/env node
// `npm run schema`: regenerates the provenance part of schema/report-v1.schema.json from the provenance views.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import prettier from 'prettier';
import { reportSchema } from '../src/provenance/schema.ts';

const file = join(import.meta.dirname, '..', 'schema', 'report-v1.schema.json');
const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const text = JSON.stringify(reportSchema(current), null, 2);
const options = (await prettier.resolveConfig(file)) ?? {};
writeFileSync(file, await prettier.format(text, { ...options, parser: 'json' }));
console.log(`wrote ${file}`);
