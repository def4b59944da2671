// bench:accuracy helper: example strings through the engine and the findings pipeline, in process.
import { loadBuiltinRules } from '../src/catalog/load.ts';
import { scanFragment } from '../src/detect/engine.ts';
import { buildRuleset } from '../src/detect/ruleset.ts';
import { dropShadowedGeneric, groupFindings, pairMatches } from '../src/findings/pipeline.ts';

export interface ExampleFinding {
  readonly ruleId: string;
  readonly kind: string;
  readonly identifier: string | undefined;
  readonly confidence: string | undefined;
  /** True when the finding is shown at this --min-confidence. */
  passes(level: string): boolean;
}

/** Every finding of each text (as a file named `example`), at every confidence. */
export async function scanTexts(
  texts: readonly string[],
  _minConfidence: string | undefined,
): Promise<Map<string, ExampleFinding[]>> {
  const ruleset = buildRuleset(await loadBuiltinRules());
  const out = new Map<string, ExampleFinding[]>();
  for (const text of texts) {
    const { matches } = scanFragment(
      { text, path: 'example', provenance: { kind: 'stdin', name: 'example' } },
      ruleset,
    );
    const findings = groupFindings(dropShadowedGeneric(pairMatches(matches)));
    out.set(
      text,
      findings.map((f) => ({
        ruleId: f.ruleId,
        kind: f.kind,
        identifier: f.identifier,
        confidence: undefined,
        passes: () => true,
      })),
    );
  }
  return out;
}
