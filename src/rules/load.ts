// Rule loading (I/O): built-in packs from rules/, user packs named in config or on the command line.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { CompiledRule, RuleOrigin, RuleSpec } from '../model/rule.ts';
import { compileRule } from './compile.ts';
import { formatProblem, parsePack, type PackProblem } from './pack.ts';

/** The folder of built-in rule packs (the same from src/ and dist/). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadedPack {
  readonly rules: CompiledRule[];
  readonly problems: PackProblem[];
}

/** Parses and compiles one pack's text; compile errors become problems with the rule's line. */
export function compilePack(text: string, file: string, origin: RuleOrigin): LoadedPack {
  const parsed = parsePack(text, file);
  const rules: CompiledRule[] = [];
  const problems = [...parsed.problems];
  parsed.rules.forEach((spec: RuleSpec, i) => {
    try {
      rules.push(compileRule(spec, origin));
    } catch (e) {
      problems.push({ file, line: parsed.lines[i], ruleId: spec.id, message: (e as Error).message });
    }
  });
  return { rules, problems };
}

function readPack(path: string, display: string, type: RuleOrigin['type']): LoadedPack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read rule file ${display}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path in --rules or the "rules:" list of .keyspill.yaml');
  }
  return compilePack(text, display, { type, file: display });
}

/** Throws one ConfigError listing every problem, so a user fixes a file in one pass. */
export function assertNoProblems(problems: readonly PackProblem[]): void {
  if (problems.length === 0) return;
  throw new ConfigError(
    `invalid rule file:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    'fix the rule file, then check it with: keyspill rules check FILE',
  );
}

export function loadBuiltinRules(): CompiledRule[] {
  const files = readdirSync(BUILTIN_RULES_DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')).sort();
  const rules: CompiledRule[] = [];
  for (const f of files) {
    const pack = readPack(join(BUILTIN_RULES_DIR, f), `rules/${f}`, 'builtin');
    assertNoProblems(pack.problems);
    rules.push(...pack.rules);
  }
  return rules;
}

export function loadRuleFile(path: string, cwd: string = process.cwd()): LoadedPack {
  const display = relative(cwd, path) || path;
  return readPack(path, display.startsWith('..') ? path : display, 'file');
}
