// Keyword prefilter: one Aho-Corasick pass over a fragment finds every rule whose keywords occur.

import { BASE64_CLASS, MIN_BASE64_RUN } from './decode.ts';

const ALPHABET = 128;

export interface Prefilter {
  /**
   * Marks in `out` (one slot per rule) the rules whose keywords occur in `text`; returns the count.
   * With `runs`, the same pass also appends [start, end) of every run of base64-alphabet characters at
   * least MIN_RUN long, for the decoders: the text is read once for both.
   */
  candidates(text: string, out: Uint8Array, runs?: number[], hits?: number[]): number;
  /**
   * With `hits`, the same pass appends (end, state) for every keyword occurrence: `end` is the offset of its
   * last character, `rulesAt(state)` the rules one of whose keywords ends there.
   */
  rulesAt(state: number): readonly number[];
  readonly ruleCount: number;
}

/**
 * Builds the automaton over ASCII keywords, case-insensitively. `keywordsByRule[i]` are rule i's
 * keywords (lower-cased); a rule with none is always a candidate. `anchorsByRule[i]` are more strings whose
 * occurrences `hits` reports for rule i (see Matcher.window), without making it a candidate.
 */
export function buildPrefilter(
  keywordsByRule: readonly (readonly string[])[],
  anchorsByRule: readonly (readonly string[])[] = [],
): Prefilter {
  const children: Map<number, number>[] = [new Map<number, number>()];
  const outputs: number[][] = [[]];
  /** The rules whose keywords or anchors end in each state. */
  const reported: number[][] = [[]];
  const always: number[] = [];
  const add = (kw: string, rule: number, anchor: boolean): void => {
    let state = 0;
    for (let i = 0; i < kw.length; i++) {
      const c = kw.toLowerCase().charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword "${kw}" is not ASCII`);
      let next = children[state]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map<number, number>());
        outputs.push([]);
        reported.push([]);
        children[state]!.set(c, next);
      }
      state = next;
    }
    if (!anchor) outputs[state]!.push(rule);
    reported[state]!.push(rule);
  };
  keywordsByRule.forEach((keywords, rule) => {
    if (keywords.length === 0) always.push(rule);
    for (const kw of keywords) add(kw, rule, false);
  });
  anchorsByRule.forEach((anchors, rule) => {
    for (const a of anchors) add(a, rule, true);
  });

  const n = children.length;
  const table = new Int32Array(n * ALPHABET);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let c = 0; c < ALPHABET; c++) {
    const next = children[0]!.get(c);
    if (next !== undefined) {
      table[c] = next;
      queue.push(next);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    outputs[s] = [...new Set([...outputs[s]!, ...outputs[fail[s]!]!])];
    reported[s] = [...new Set([...reported[s]!, ...reported[fail[s]!]!])];
    for (let c = 0; c < ALPHABET; c++) {
      const next = children[s]!.get(c);
      if (next !== undefined) {
        fail[next] = table[fail[s]! * ALPHABET + c]!;
        table[s * ALPHABET + c] = next;
        queue.push(next);
      } else {
        table[s * ALPHABET + c] = table[fail[s]! * ALPHABET + c]!;
      }
    }
  }
  // Fold upper case onto lower case so the scan loop needs no per-character lower-casing.
  for (let s = 0; s < n; s++) {
    for (let c = 65; c <= 90; c++) table[s * ALPHABET + c] = table[s * ALPHABET + c + 32]!;
  }
  const hasOutput = new Uint8Array(n);
  for (let s = 0; s < n; s++) if (reported[s]!.length > 0) hasOutput[s] = 1;
  const ruleCount = keywordsByRule.length;

  return {
    ruleCount,
    rulesAt: (state) => reported[state]!,
    candidates(text, out, runs, hits) {
      out.fill(0);
      let found = 0;
      for (const r of always) {
        out[r] = 1;
        found++;
      }
      let state = 0;
      const len = text.length;
      if (runs !== undefined || hits !== undefined) {
        let runStart = -1;
        for (let i = 0; i < len; i++) {
          const c = text.charCodeAt(i);
          if (c < ALPHABET) {
            state = table[state * ALPHABET + c]!;
            if (BASE64_CLASS[c] === 1) {
              if (runStart < 0) runStart = i;
            } else if (runStart >= 0) {
              if (i - runStart >= MIN_BASE64_RUN) runs?.push(runStart, i);
              runStart = -1;
            }
          } else {
            state = 0;
            if (runStart >= 0) {
              if (i - runStart >= MIN_BASE64_RUN) runs?.push(runStart, i);
              runStart = -1;
            }
          }
          if (hasOutput[state] === 1) {
            hits?.push(i, state);
            for (const r of outputs[state]!) {
              if (out[r] === 0) {
                out[r] = 1;
                found++;
              }
            }
          }
        }
        if (runStart >= 0 && len - runStart >= MIN_BASE64_RUN) runs?.push(runStart, len);
        return found;
      }
      for (let i = 0; i < len; i++) {
        const c = text.charCodeAt(i);
        state = c < ALPHABET ? table[state * ALPHABET + c]! : 0;
        if (hasOutput[state] === 1) {
          for (const r of outputs[state]!) {
            if (out[r] === 0) {
              out[r] = 1;
              found++;
            }
          }
          if (found === ruleCount) return found;
        }
      }
      return found;
    },
  };
}
