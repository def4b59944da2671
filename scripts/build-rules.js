#!/usr/bin/env node
// Build step: validates rules/*.yml and writes dist/builtin-rules.json, so start-up parses no YAML.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const { parsePack, formatProblem } = await import(join(repo, 'dist/catalog/pack.js'));
// Each regex's window bounds (src/detect/regex-bounds.ts) are worked out here, not at every start-up.
const { windowOf } = await import(join(repo, 'dist/detect/matcher.js'));
const packs = [];
const problems = [];
for (const f of readdirSync(join(repo, 'rules'))
  .filter((n) => /\.ya?ml$/.test(n))
  .sort()) {
  const file = `rules/${f}`;
  const parsed = parsePack(readFileSync(join(repo, file), 'utf8'), file);
  problems.push(...parsed.problems);
  packs.push({
    file,
    rules: parsed.rules.map((rule) => ({ ...rule, window: windowOf(rule.regex, rule.keywords) ?? null })),
  });
}
if (problems.length > 0) {
  console.error(`invalid built-in rules:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  process.exit(2);
}
writeFileSync(join(repo, 'dist/builtin-rules.json'), JSON.stringify({ packs }));
