// The active rule set: built-in packs, config prefix rules and user packs, minus disabled rules.
import type { ConfigFiles } from '../config/files.ts';
import type { Config } from '../config/types.ts';
import { buildRuleset, DEFAULT_ENGINE_OPTIONS, type EngineOptions, type Ruleset } from '../detect/ruleset.ts';
import type { FormatDetector } from '../detect/formats/format.ts';
import { FORMATS, formatsById } from '../detect/formats/registry.ts';
import { ConfigError } from '../errors.ts';
import type { Allowlist, CompiledRule, RuleOrigin, RuleSpec } from '../model/rule.ts';
import { compileAllowlist, compileRule } from './compile.ts';
import { assertNoProblems, loadBuiltinRules, loadRuleFile } from './load.ts';
import { prefixRule } from './prefix.ts';

export interface ActiveRulesOptions {
  readonly config: Config;
  /** Extra rule files from --rules. */
  readonly ruleFiles: readonly string[];
  /** Skip the built-in catalogue (--no-builtin). */
  readonly noBuiltin: boolean;
  readonly engine?: EngineOptions;
  /** Where the config's rule files are read (`scan git --config-from REF`); --rules files always from disk. */
  readonly configFiles?: ConfigFiles;
}

/** The built-in file-format detectors that are on: all of them, minus `disable:`; none with --no-builtin. */
export function activeFormats(o: ActiveRulesOptions): FormatDetector[] {
  if (o.noBuiltin) return [];
  const disabled = new Set(o.config.disable);
  return FORMATS.filter((f) => !disabled.has(f.id));
}

export async function activeRules(o: ActiveRulesOptions): Promise<CompiledRule[]> {
  const rules: CompiledRule[] = o.noBuiltin ? [] : await loadBuiltinRules();
  const configFile = o.config.file ?? '.keyspill.yaml';
  for (const p of o.config.prefixes)
    rules.push(compileRule(prefixRule(p), { type: 'config', file: configFile }));
  const named = [
    ...o.config.ruleFiles.map((f) => ({ f, files: o.configFiles })),
    ...o.ruleFiles.map((f) => ({ f, files: undefined })),
  ];
  for (const { f, files } of named) {
    const pack = await loadRuleFile(f, process.cwd(), files);
    await assertNoProblems(pack.problems);
    rules.push(...pack.rules);
  }
  const ids = new Map<string, CompiledRule>();
  const formatIds = new Set(o.noBuiltin ? [] : FORMATS.map((f) => f.id));
  for (const r of rules) {
    const prev = ids.get(r.spec.id);
    if (prev !== undefined || formatIds.has(r.spec.id)) {
      throw new ConfigError(
        `rule id "${r.spec.id}" is defined twice: in ${prev?.origin.file ?? 'the built-in file formats'} and in ${r.origin.file}`,
        'rename one of them, or disable the built-in one with "disable:" in .keyspill.yaml',
      );
    }
    ids.set(r.spec.id, r);
  }
  const unknown = o.config.disable.filter((id) => !ids.has(id) && !formatIds.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `disable: unknown rule id(s) ${unknown.join(', ')}`,
      'list the ids with: keyspill rules list',
    );
  }
  for (const r of rules) {
    const partner = r.spec.pairWith;
    if (partner !== undefined && !ids.has(partner))
      throw new ConfigError(
        `rule "${r.spec.id}" (${r.origin.file}) pairs with "${partner}", which no rule file defines`,
        'name an existing rule id in pairWith, or remove it',
      );
  }
  const disabled = new Set(o.config.disable);
  return rules.filter((r) => !disabled.has(r.spec.id));
}

/** A ruleset as plain data (no compiled regexes): what the match worker compiles, with no file to read. */
export interface RulesetSpec {
  readonly rules: readonly { readonly spec: RuleSpec; readonly origin: RuleOrigin }[];
  readonly allowlist: Partial<Allowlist>;
  readonly options: EngineOptions;
  /** Ids of the file-format detectors that are on (code, not data: the worker has the same registry). */
  readonly formats: readonly string[];
}

/** Compiles a ruleset spec: the same rules, allowlist, options and formats, compiled here (no I/O). */
export function compileRuleset(s: RulesetSpec): Ruleset {
  return buildRuleset(
    s.rules.map((r) => compileRule(r.spec, r.origin)),
    compileAllowlist(s.allowlist),
    s.options,
    formatsById(s.formats),
  );
}

export interface ActiveRuleset {
  readonly ruleset: Ruleset;
  /** The same ruleset as data, for a worker thread. */
  readonly spec: RulesetSpec;
}

/** The active rules compiled, and as data (for the worker). */
export async function loadActiveRuleset(o: ActiveRulesOptions): Promise<ActiveRuleset> {
  const allowlist = { ...o.config.allowlist, regexTarget: 'secret' as const };
  let global;
  try {
    global = compileAllowlist(allowlist);
  } catch (e) {
    throw new ConfigError(`${o.config.file ?? 'config'}: allowlist: ${(e as Error).message}`, undefined, {
      cause: e,
    });
  }
  const rules = await activeRules(o);
  const formats = activeFormats(o);
  const options = o.engine ?? DEFAULT_ENGINE_OPTIONS;
  return {
    ruleset: buildRuleset(rules, global, options, formats),
    spec: {
      rules: rules.map((r) => ({ spec: r.spec, origin: r.origin })),
      allowlist,
      options,
      formats: formats.map((f) => f.id),
    },
  };
}

export async function activeRuleset(o: ActiveRulesOptions): Promise<Ruleset> {
  return (await loadActiveRuleset(o)).ruleset;
}
