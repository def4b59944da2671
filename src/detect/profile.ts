// Rule profiling: the same ruleset with each rule's matcher timed, for `keyspill rules profile` and `rules check`.
import type { CompiledRule, Matcher } from '../model/rule.ts';
import type { Ruleset } from './ruleset.ts';

export interface RuleCost {
  readonly ruleId: string;
  /** Texts the rule's regex ran over (its keywords occurred in them). */
  runs: number;
  /** Characters of the texts it ran on (a windowed rule's regex reads only around its keywords). */
  chars: number;
  /** Time in its regex, ms. */
  ms: number;
  /** Regex hits (before entropy and allowlists). */
  hits: number;
}

/** Wraps a matcher so every hit search is timed into `cost` (`clock` in ms). */
function timed(m: Matcher, cost: RuleCost, clock: () => number): Matcher {
  return {
    engine: m.engine,
    ...(m.window === undefined ? {} : { window: m.window }),
    hits(text, deadline, now, starts) {
      const inner = m.hits(text, deadline, now, starts);
      cost.runs++;
      cost.chars += text.length;
      return {
        cutShort: inner.cutShort,
        *[Symbol.iterator]() {
          const it = inner[Symbol.iterator]();
          for (;;) {
            const t = clock();
            const r = it.next();
            cost.ms += clock() - t;
            if (r.done === true) return;
            cost.hits++;
            yield r.value;
          }
        },
      };
    },
  };
}

/** The same ruleset (same prefilter) with each rule timed; read the costs after scanning. */
export function profiledRuleset(
  ruleset: Ruleset,
  clock: () => number,
): { ruleset: Ruleset; costs: RuleCost[] } {
  const costs: RuleCost[] = [];
  const rules: CompiledRule[] = ruleset.rules.map((r) => {
    const cost: RuleCost = { ruleId: r.spec.id, runs: 0, chars: 0, ms: 0, hits: 0 };
    costs.push(cost);
    return { ...r, matcher: timed(r.matcher, cost, clock) };
  });
  return { ruleset: { ...ruleset, rules }, costs };
}
