// Ruleset: compiled rules plus the shared prefilter and global allowlist, ready for the engine.
import type { CompiledAllowlist, CompiledRule } from '../model/rule.ts';
import type { FormatDetector } from './formats/format.ts';
import { buildPrefilter, type Prefilter } from './prefilter.ts';

export interface EngineOptions {
  /** How many nested encodings (base64 inside percent inside …) to decode. */
  readonly maxDecodeDepth: number;
  /** Time one rule may spend on one fragment before it is cut short, in ms. */
  readonly ruleBudgetMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { maxDecodeDepth: 2, ruleBudgetMs: 2000 };

export interface Ruleset {
  readonly rules: readonly CompiledRule[];
  readonly prefilter: Prefilter;
  readonly globalAllowlist: CompiledAllowlist;
  readonly options: EngineOptions;
  /** File-format detectors (src/detect/formats), each run only on the files it reads. */
  readonly formats: readonly FormatDetector[];
}

export const EMPTY_ALLOWLIST: CompiledAllowlist = {
  paths: [],
  regexes: [],
  regexTarget: 'secret',
  stopwords: [],
};

export function buildRuleset(
  rules: readonly CompiledRule[],
  globalAllowlist: CompiledAllowlist = EMPTY_ALLOWLIST,
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  formats: readonly FormatDetector[] = [],
): Ruleset {
  return {
    rules,
    prefilter: buildPrefilter(
      rules.map((r) => r.keywords),
      rules.map((r) => r.matcher.window?.anchors ?? []),
    ),
    globalAllowlist,
    options,
    formats,
  };
}
