// Rule loading (I/O): built-in packs from rules/, user packs named in config or on the command line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { DISK_FILES, FileTooLarge, type ConfigFiles } from '../config/files.ts';
import { ConfigError, reasonOf } from '../errors.ts';
import type { CompiledRule, RuleOrigin, RuleSpec } from '../model/rule.ts';
import { compileRule } from './compile.ts';
import type { PackProblem } from './pack.ts';

/** The folder of built-in rule packs (the same from src/ and dist/). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadedPack {
  readonly rules: CompiledRule[];
  readonly problems: PackProblem[];
}

/** The catalogue precompiled by scripts/build-rules.js (only beside dist/, never beside src/). */
const PRECOMPILED = fileURLToPath(new URL('../builtin-rules.json', import.meta.url));

/** Parses and compiles one pack's text; compile errors become problems with the rule's line. */
export async function compilePack(text: string, file: string, origin: RuleOrigin): Promise<LoadedPack> {
  // YAML and schema validation load lazily: a scan with no user rule files never pays for them.
  const { parsePack } = await import('./pack.ts');
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

async function readPack(
  path: string,
  display: string,
  type: RuleOrigin['type'],
  files: ConfigFiles = DISK_FILES,
): Promise<LoadedPack> {
  let text: string | undefined;
  try {
    text = await files.read(path);
  } catch (e) {
    throw new ConfigError(
      `cannot read rule file ${display}: ${e instanceof FileTooLarge ? e.message : reasonOf(e)}`,
      'check the path in --rules or the "rules:" list of .keyspill.yaml',
      { cause: e },
    );
  }
  if (text === undefined)
    throw new ConfigError(
      `cannot read rule file ${display}: ENOENT${files.revision === undefined ? '' : ` in ${files.revision}`}`,
      'check the path in --rules or the "rules:" list of .keyspill.yaml',
    );
  return compilePack(text, display, { type, file: display });
}

/** Throws one ConfigError listing every problem, so a user fixes a file in one pass. */
export async function assertNoProblems(problems: readonly PackProblem[]): Promise<void> {
  if (problems.length === 0) return;
  const { formatProblem } = await import('./pack.ts');
  throw new ConfigError(
    `invalid rule file:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    'fix the rule file, then check it with: keyspill rules check FILE',
  );
}

export async function loadBuiltinRules(): Promise<CompiledRule[]> {
  if (existsSync(PRECOMPILED)) {
    const { packs } = JSON.parse(readFileSync(PRECOMPILED, 'utf8')) as {
      packs: { file: string; rules: RuleSpec[] }[];
    };
    return packs.flatMap((p) => p.rules.map((spec) => compileRule(spec, { type: 'builtin', file: p.file })));
  }
  const files = readdirSync(BUILTIN_RULES_DIR)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  const rules: CompiledRule[] = [];
  for (const f of files) {
    const pack = await readPack(join(BUILTIN_RULES_DIR, f), `rules/${f}`, 'builtin');
    await assertNoProblems(pack.problems);
    rules.push(...pack.rules);
  }
  return rules;
}

export async function loadRuleFile(
  path: string,
  cwd: string = process.cwd(),
  files: ConfigFiles = DISK_FILES,
): Promise<LoadedPack> {
  const display = relative(cwd, path) || path;
  return readPack(path, display.startsWith('..') ? path : display, 'file', files);
}
