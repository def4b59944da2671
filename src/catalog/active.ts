// The active rule set: built-in packs, config prefix rules and user packs, minus disabled rules.
import type { Config } from '../config/config.ts';
import { buildRuleset, DEFAULT_ENGINE_OPTIONS, type EngineOptions, type Ruleset } from '../detect/ruleset.ts';
import { ConfigError } from '../errors.ts';
import type { CompiledRule } from '../model/rule.ts';
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
}

export async function activeRules(o: ActiveRulesOptions): Promise<CompiledRule[]> {
  const rules: CompiledRule[] = o.noBuiltin ? [] : await loadBuiltinRules();
  const configFile = o.config.file ?? '.keyspill.yaml';
  for (const p of o.config.prefixes)
    rules.push(compileRule(prefixRule(p), { type: 'config', file: configFile }));
  for (const f of [...o.config.ruleFiles, ...o.ruleFiles]) {
    const pack = await loadRuleFile(f);
    await assertNoProblems(pack.problems);
    rules.push(...pack.rules);
  }
  const ids = new Map<string, CompiledRule>();
  for (const r of rules) {
    const prev = ids.get(r.spec.id);
    if (prev !== undefined) {
      throw new ConfigError(
        `rule id "${r.spec.id}" is defined twice: in ${prev.origin.file} and in ${r.origin.file}`,
        'rename one of them, or disable the built-in one with "disable:" in .keyspill.yaml',
      );
    }
    ids.set(r.spec.id, r);
  }
  const unknown = o.config.disable.filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `disable: unknown rule id(s) ${unknown.join(', ')}`,
      'list the ids with: keyspill rules list',
    );
  }
  const disabled = new Set(o.config.disable);
  return rules.filter((r) => !disabled.has(r.spec.id));
}

export async function activeRuleset(o: ActiveRulesOptions): Promise<Ruleset> {
  let global;
  try {
    global = compileAllowlist({ ...o.config.allowlist, regexTarget: 'secret' });
  } catch (e) {
    throw new ConfigError(`${o.config.file ?? 'config'}: allowlist: ${(e as Error).message}`);
  }
  return buildRuleset(await activeRules(o), global, o.engine ?? DEFAULT_ENGINE_OPTIONS);
}
