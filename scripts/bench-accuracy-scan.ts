// bench:accuracy helper: example strings through the engine and the findings pipeline, in process.
import { loadBuiltinRules } from '../src/catalog/load.ts';
import { scanFragment } from '../src/detect/engine.ts';
import { FORMATS } from '../src/detect/formats/registry.ts';
import { buildRuleset, DEFAULT_ENGINE_OPTIONS } from '../src/detect/ruleset.ts';
import { EMPTY_ALLOWLIST } from '../src/detect/ruleset.ts';
import { findingsOf } from '../src/findings/pipeline.ts';
import { confidenceRank, type Confidence } from '../src/model/rule.ts';

export interface ExampleFinding {
  readonly ruleId: string;
  readonly kind: string;
  readonly identifier: string | undefined;
  readonly confidence: Confidence;
  /** True when the finding is shown at this --min-confidence. */
  passes(level: string): boolean;
}

/** Every finding of each text (as a file named `example`), at every confidence. */
export async function scanTexts(texts: readonly string[]): Promise<Map<string, ExampleFinding[]>> {
  const ruleset = buildRuleset(await loadBuiltinRules(), EMPTY_ALLOWLIST, DEFAULT_ENGINE_OPTIONS, FORMATS);
  const out = new Map<string, ExampleFinding[]>();
  for (const text of texts) {
    const { matches } = scanFragment(
      { text, path: 'example', provenance: { kind: 'stdin', name: 'example' } },
      ruleset,
    );
    out.set(
      text,
      findingsOf(matches).findings.map((f) => ({
        ruleId: f.ruleId,
        kind: f.kind,
        identifier: f.identifier,
        confidence: f.confidence,
        passes: (level: string) => confidenceRank(f.confidence) >= confidenceRank(level as Confidence),
      })),
    );
  }
  return out;
}
