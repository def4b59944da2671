// Detection engine: fragment in, matches out. Pure; never branches on where the fragment came from.
import type { Fragment } from '../model/fragment.ts';
import type { Encoding, Match } from '../model/match.ts';
import type { CompiledAllowlist, CompiledRule } from '../model/rule.ts';
import { findEncoded } from './decode.ts';
import { requiredEntropy, shannonEntropy } from './entropy.ts';
import type { Ruleset } from './ruleset.ts';

export interface CutShort {
  readonly ruleId: string;
  readonly path: string;
}

export interface FragmentResult {
  readonly matches: Match[];
  readonly cutShort: CutShort[];
  /** Matches dropped by allowlists: the rule's own, and the global one (.keyspill.yaml). */
  readonly suppressed: { rule: number; config: number };
}

/** Offsets of line starts, for mapping string offsets to 1-based line/column. */
class LineIndex {
  private starts: number[] | undefined;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  private build(): number[] {
    const starts = [0];
    let i = -1;
    while ((i = this.text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
    return starts;
  }
  position(offset: number): { line: number; column: number; lineStart: number } {
    const starts = (this.starts ??= this.build());
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1, lineStart: starts[lo]! };
  }
  lineText(lineStart: number): string {
    const end = this.text.indexOf('\n', lineStart);
    const line = this.text.slice(lineStart, end === -1 ? undefined : end);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

function allowed(al: CompiledAllowlist, path: string, secret: string, match: string, line: string): boolean {
  if (al.paths.some((p) => p(path))) return true;
  const lower = secret.toLowerCase();
  if (al.stopwords.some((w) => lower.includes(w))) return true;
  const target = al.regexTarget === 'secret' ? secret : al.regexTarget === 'match' ? match : line;
  return al.regexes.some((r) => r.test(target));
}

interface Span {
  /** Offset in the fragment's text where the match starts (the encoded run's, for a decoded match). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly lineText: string;
}

/** Scans one text; `place` maps its offsets to the location reported (identity at depth 0). */
function scanText(
  text: string,
  ruleset: Ruleset,
  fragment: Fragment,
  place: (start: number, end: number) => Span,
  decodedFrom: readonly Encoding[],
  result: FragmentResult,
  now: () => number,
): void {
  const { rules, prefilter, globalAllowlist } = ruleset;
  const candidates = new Uint8Array(rules.length);
  const decode = decodedFrom.length < ruleset.options.maxDecodeDepth;
  const runs: number[] = [];
  if (prefilter.candidates(text, candidates, decode ? runs : undefined) > 0) {
    for (let r = 0; r < rules.length; r++) {
      if (candidates[r] === 1)
        scanRule(rules[r]!, text, fragment, place, decodedFrom, result, globalAllowlist, ruleset, now);
    }
  }
  if (!decode) return;
  for (const run of findEncoded(text, runs)) {
    const outer = place(run.start, run.end);
    scanText(run.decoded, ruleset, fragment, () => outer, [...decodedFrom, run.encoding], result, now);
  }
}

function scanRule(
  rule: CompiledRule,
  text: string,
  fragment: Fragment,
  place: (start: number, end: number) => Span,
  decodedFrom: readonly Encoding[],
  result: FragmentResult,
  globalAllowlist: CompiledAllowlist,
  ruleset: Ruleset,
  now: () => number,
): void {
  const { spec } = rule;
  const hits = rule.matcher.hits(text, now() + ruleset.options.ruleBudgetMs, now);
  for (const hit of hits) {
    const secret = text.slice(hit.secretStart, hit.secretEnd);
    if (secret.length === 0) continue;
    const entropy = shannonEntropy(secret);
    if (spec.entropy !== undefined && entropy < requiredEntropy(secret, spec.entropy)) continue;
    const span = place(hit.secretStart, hit.secretEnd);
    // A window reports what starts before the next window (the whole match, or the encoded run holding it).
    const startsAt = decodedFrom.length === 0 ? hit.start : span.offset;
    if (fragment.reportBefore !== undefined && startsAt >= fragment.reportBefore) continue;
    if (fragment.lines !== undefined && !fragment.lines.some(([a, b]) => span.line >= a && span.line <= b))
      continue;
    const matchText = text.slice(hit.start, hit.end);
    const where = fragment.member === undefined ? fragment.path : `${fragment.path}!/${fragment.member}`;
    if (allowed(rule.allowlist, where, secret, matchText, span.lineText)) {
      result.suppressed.rule++;
      continue;
    }
    if (allowed(globalAllowlist, where, secret, matchText, span.lineText)) {
      result.suppressed.config++;
      continue;
    }
    result.matches.push({
      ruleId: spec.id,
      kind: spec.kind,
      severity: spec.severity,
      description: spec.description,
      secret,
      entropy,
      generic: spec.tags.includes('generic'),
      ...(hit.idStart === undefined ? {} : { identifier: text.slice(hit.idStart, hit.idEnd) }),
      ...(spec.pairWith === undefined ? {} : { pairWith: spec.pairWith }),
      lineText: span.lineText,
      location: {
        provenance: fragment.provenance,
        path: fragment.path,
        ...(fragment.member === undefined ? {} : { member: fragment.member }),
        line: span.line,
        column: span.column,
        endLine: span.endLine,
        endColumn: span.endColumn,
        decodedFrom,
      },
    });
  }
  if (hits.cutShort()) result.cutShort.push({ ruleId: spec.id, path: fragment.path });
}

/** Every match of every rule in one fragment, including inside encoded runs. */
export function scanFragment(
  fragment: Fragment,
  ruleset: Ruleset,
  now: () => number = Date.now,
): FragmentResult {
  const result: FragmentResult = { matches: [], cutShort: [], suppressed: { rule: 0, config: 0 } };
  const index = new LineIndex(fragment.text);
  const firstLine = (fragment.firstLine ?? 1) - 1;
  const shift = (fragment.firstColumn ?? 1) - 1;
  const place = (start: number, end: number): Span => {
    const a = index.position(start);
    const b = index.position(end);
    return {
      offset: start,
      line: a.line + firstLine,
      column: a.line === 1 ? a.column + shift : a.column,
      endLine: b.line + firstLine,
      endColumn: b.line === 1 ? b.column + shift : b.column,
      lineText: index.lineText(a.lineStart),
    };
  };
  scanText(fragment.text, ruleset, fragment, place, [], result, now);
  return result;
}
