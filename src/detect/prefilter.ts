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
/** The rules of a state and of its fail state (most fail states have none: then no copy is made). */
function union(own: number[], inherited: number[]): number[] {
  if (inherited.length === 0) return own;
  if (own.length === 0) return inherited;
  const out = [...own];
  for (const r of inherited) if (!out.includes(r)) out.push(r);
  return out;
}

export function buildPrefilter(
  keywordsByRule: readonly (readonly string[])[],
  anchorsByRule: readonly (readonly string[])[] = [],
): Prefilter {
  const children: Map<number, number>[] = [new Map<number, number>()];
  const outputs: number[][] = [[]];
  /** The rules whose keywords or anchors end in each state. */
  const reported: number[][] = [[]];
  const always: number[] = [];
  /** Per UTF-16 code unit: its class (low 7 bits) and whether it is in the base64 alphabet (bit 7). */
  const info = new Uint8Array(65536);
  let classCount = 1;
  const add = (kw: string, rule: number, anchor: boolean): void => {
    let state = 0;
    const lower = kw.toLowerCase();
    for (let i = 0; i < lower.length; i++) {
      const c = lower.charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword "${kw}" is not ASCII`);
      if (info[c] === 0) {
        info[c] = classCount;
        if (c >= 97 && c <= 122) info[c - 32] = classCount;
        classCount++;
      }
      const k = info[c]!;
      let next = children[state]!.get(k);
      if (next === undefined) {
        next = children.length;
        children.push(new Map<number, number>());
        outputs.push([]);
        reported.push([]);
        children[state]!.set(k, next);
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

  for (let c = 0; c < ALPHABET; c++) if (BASE64_CLASS[c] === 1) info[c]! |= 128;
  const n = children.length;
  // Characters are read as classes: one per character keywords hold (upper case folded onto lower), and class 0
  // for every other character (non-ASCII included), which always leads back to the root. Bit 7 marks the
  // base64 alphabet, for the decoders' runs.
  const K = classCount;
  const table = new Int32Array(n * K);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let k = 0; k < K; k++) {
    const next = children[0]!.get(k);
    if (next !== undefined) {
      table[k] = next;
      queue.push(next);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]! * K;
    outputs[s] = union(outputs[s]!, outputs[fail[s]!]!);
    reported[s] = union(reported[s]!, reported[fail[s]!]!);
    // A state goes where its fail state goes (a row copy, done natively), except along its own children.
    table.copyWithin(s * K, f, f + K);
    for (const [k, next] of children[s]!) {
      fail[next] = table[f + k]!;
      table[s * K + k] = next;
      queue.push(next);
    }
  }
  // Entries hold the next state's row offset (state × K), bitwise-negated when that state reports something.
  for (let i = 0; i < table.length; i++) {
    const next = table[i]!;
    table[i] = reported[next]!.length > 0 ? ~(next * K) : next * K;
  }
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
      let row = 0;
      const len = text.length;
      if (runs !== undefined || hits !== undefined) {
        // The length of the current base64 run, kept without a branch per character (base64 and other characters
        // alternate too often in source text for a branch to be predicted); a run is noted once it is long enough,
        // and measured after the pass.
        let run = 0;
        const long: number[] = [];
        for (let i = 0; i < len; i++) {
          const c = info[text.charCodeAt(i)]!;
          const next = table[row + (c & 127)]!;
          run = (run + 1) & -(c >> 7);
          if (run === MIN_BASE64_RUN) long.push(i + 1 - MIN_BASE64_RUN);
          if (next >= 0) {
            row = next;
            continue;
          }
          row = ~next;
          const state = row / K;
          hits?.push(i, state);
          for (const r of outputs[state]!) {
            if (out[r] === 0) {
              out[r] = 1;
              found++;
            }
          }
        }
        if (runs !== undefined) {
          for (const start of long) {
            let end = start + MIN_BASE64_RUN;
            while (end < len && info[text.charCodeAt(end)]! >= 128) end++;
            runs.push(start, end);
          }
        }
        return found;
      }
      for (let i = 0; i < len; i++) {
        const next = table[row + (info[text.charCodeAt(i)]! & 127)]!;
        if (next >= 0) {
          row = next;
          continue;
        }
        row = ~next;
        for (const r of outputs[row / K]!) {
          if (out[r] === 0) {
            out[r] = 1;
            found++;
          }
        }
        if (found === ruleCount) return found;
      }
      return found;
    },
  };
}
