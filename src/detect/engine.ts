// Detection engine: fragment in, matches out. Pure; never branches on where the fragment came from.
import type { Fragment } from '../model/fragment.ts';
import type { Encoding, Match } from '../model/match.ts';
import {
  lowerConfidence,
  type CompiledAllowlist,
  type CompiledRule,
  type Confidence,
  type Severity,
} from '../model/rule.ts';
import { CONTEXT_REASONS, isMinifiedLine, pathContext, type PathContext } from './context.ts';
import { findEncoded } from './decode.ts';
import { requiredEntropy, shannonEntropy } from './entropy.ts';
import { fileName, type FormatDetector } from './formats/format.ts';
import { judgeValue, KNOWN_EXAMPLES } from './plausibility.ts';
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

/** What one fragment's matches share: where it is (for path selectors, allowlists and context) and the output. */
interface Scan {
  readonly fragment: Fragment;
  readonly ruleset: Ruleset;
  readonly result: FragmentResult;
  readonly now: () => number;
  /** `path`, or `path!/member` inside an archive: what allowlists and context read. */
  readonly where: string;
  /** The file's own path (an archive member's path inside it): what rule `paths` and formats select on. */
  readonly name: string;
  /** The path's context, worked out on the first match (most fragments have none). */
  context?: PathContext | null;
}

/** Scans one text; `place` maps its offsets to the location reported (identity at depth 0). */
function scanText(
  scan: Scan,
  text: string,
  place: (start: number, end: number) => Span,
  decodedFrom: readonly Encoding[],
): void {
  const { rules, prefilter } = scan.ruleset;
  const candidates = new Uint8Array(rules.length);
  const decode = decodedFrom.length < scan.ruleset.options.maxDecodeDepth;
  const runs: number[] = [];
  const keywordHits: number[] = [];
  if (prefilter.candidates(text, candidates, decode ? runs : undefined, keywordHits) > 0) {
    let ends: (number[] | undefined)[] | undefined;
    for (let r = 0; r < rules.length; r++) {
      if (candidates[r] !== 1) continue;
      const rule = rules[r]!;
      if (rule.runsOn !== undefined && !rule.runsOn(scan.name)) continue;
      const window = rule.matcher.window;
      ends ??= window === undefined ? undefined : keywordEnds(prefilter, keywordHits, rules.length);
      const starts = window === undefined ? undefined : matchStarts(text.length, window, ends?.[r] ?? []);
      scanRule(scan, rule, text, place, decodedFrom, starts);
    }
  }
  if (!decode) return;
  for (const run of findEncoded(text, runs)) {
    const outer = place(run.start, run.end);
    scanText(scan, run.decoded, () => outer, [...decodedFrom, run.encoding]);
  }
}

/** The prefilter's keyword (and anchor) hits, sorted out by rule: the offsets just past each occurrence. */
export function keywordEnds(
  prefilter: Ruleset['prefilter'],
  keywordHits: readonly number[],
  ruleCount: number,
): (number[] | undefined)[] {
  const ends = new Array<number[] | undefined>(ruleCount);
  for (let h = 0; h < keywordHits.length; h += 2) {
    for (const r of prefilter.rulesAt(keywordHits[h + 1]!)) (ends[r] ??= []).push(keywordHits[h]! + 1);
  }
  return ends;
}

/**
 * Where a rule's matches can start, as sorted [from, to) pairs, given where its keywords end: a match holds one
 * of them ending at most `lead` from its start, so it starts at most `lead` before a keyword's end. Starts close
 * enough for their regex slices to overlap are joined (more starts are always safe). Undefined: the whole text.
 */
export function matchStarts(
  length: number,
  window: { readonly lead: number; readonly ahead: number; readonly behind: number },
  ends: readonly number[],
): number[] | undefined {
  const starts: number[] = [];
  const join = window.ahead + window.behind + 4;
  for (const end of ends) {
    const from = Math.max(0, end - window.lead);
    const last = starts.length - 1;
    if (last >= 0 && from <= starts[last]! + join) starts[last] = end;
    else starts.push(from, end);
  }
  return starts.length === 2 && starts[0] === 0 && starts[1]! >= length ? undefined : starts;
}

/** What a rule or format says about a match, before the engine weighs the value and the file's context. */
interface Origin {
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly description: string;
  readonly confidence: Confidence;
  readonly generic: boolean;
  readonly broad: boolean;
  readonly format: boolean;
  readonly pairWith?: string | undefined;
  readonly allowlist: CompiledAllowlist | undefined;
}

/**
 * Checks one candidate (window, staged lines, allowlists, documented examples, the value of a generic match, the
 * path's context) and records it as a match, or counts it as suppressed.
 */
function emit(
  scan: Scan,
  origin: Origin,
  text: string,
  place: (start: number, end: number) => Span,
  decodedFrom: readonly Encoding[],
  m: {
    start: number;
    end: number;
    secretStart: number;
    secretEnd: number;
    entropy: number;
    identifier?: string | undefined;
    field?: string | undefined;
  },
): void {
  const { fragment, result } = scan;
  const secret = text.slice(m.secretStart, m.secretEnd);
  const span = place(m.secretStart, m.secretEnd);
  // A window reports what starts before the next window (the whole match, or the encoded run holding it).
  const startsAt = decodedFrom.length === 0 ? m.start : span.offset;
  if (fragment.reportBefore !== undefined && startsAt >= fragment.reportBefore) return;
  if (fragment.lines !== undefined && !fragment.lines.some(([a, b]) => span.line >= a && span.line <= b))
    return;
  const matchText = text.slice(m.start, m.end);
  if (
    KNOWN_EXAMPLES.has(secret) ||
    (origin.allowlist !== undefined &&
      allowed(origin.allowlist, scan.where, secret, matchText, span.lineText))
  ) {
    result.suppressed.rule++;
    return;
  }
  if (allowed(scan.ruleset.globalAllowlist, scan.where, secret, matchText, span.lineText)) {
    result.suppressed.config++;
    return;
  }
  let confidence = origin.confidence;
  const lowered: string[] = [];
  if (origin.generic) {
    const judged = judgeValue(secret, span.lineText);
    if (judged === 'reject') {
      result.suppressed.rule++;
      return;
    }
    if (judged === 'weak' && confidence !== 'low') {
      confidence = lowerConfidence(confidence);
      lowered.push('weak value (a word or identifier)');
    }
  }
  if (scan.context === undefined) scan.context = pathContext(scan.where) ?? null;
  const context = scan.context;
  if (context === 'generated' || (origin.generic && isMinifiedLine(span.lineText))) {
    // Generated text never floods generic rules; a provider format is as sure there as anywhere.
    if (origin.generic && confidence !== 'low') {
      confidence = 'low';
      lowered.push(context === 'generated' ? CONTEXT_REASONS.generated : 'minified line');
    }
  } else if (context !== null && confidence !== 'low') {
    confidence = lowerConfidence(confidence);
    lowered.push(CONTEXT_REASONS[context]);
  }
  result.matches.push({
    ruleId: origin.ruleId,
    kind: origin.kind,
    severity: origin.severity,
    description: origin.description,
    secret,
    entropy: m.entropy,
    generic: origin.generic,
    ...(origin.broad ? { broad: true } : {}),
    confidence,
    ...(lowered.length === 0 ? {} : { lowered }),
    ...((field) => (field === undefined ? {} : { field }))(
      m.field ?? (decodedFrom.length === 0 ? assignedTo(span.lineText, span.column - 1) : undefined),
    ),
    ...(origin.format ? { format: true } : {}),
    ...(m.identifier === undefined ? {} : { identifier: m.identifier }),
    ...(origin.pairWith === undefined ? {} : { pairWith: origin.pairWith }),
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

const FIELD_CHAR = /[A-Za-z0-9_.-]/;

/**
 * The field a value was assigned to: the field group's text, widened left over name characters, so a rule
 * whose keyword is `password` names the field `spring.datasource.password` or `DB_PASSWORD`.
 */
function fieldName(text: string, start: number, end: number): string {
  let from = start;
  while (from > 0 && start - from < 80 && FIELD_CHAR.test(text[from - 1]!)) from--;
  return text.slice(from, end).replace(/^\.+/, '');
}

/** `KEY = `, `KEY: `, `"KEY": "`, `KEY=>`, `--key ` right before a value: the name it is assigned to. */
const ASSIGNED =
  /(?:^|[\s{(,;[:/>])(?:export\s+|set\s+)?["'`]?([A-Za-z_$@][\w.$@-]{0,79})["'`]?\]?\s{0,16}(?:=>|:=|[=:])\s{0,16}["'`]?(?:[a-z][\w+.-]{0,20}:\/\/[^\s"'/@]{0,100}:)?$|\s(--?[A-Za-z][\w-]{0,40})[\s=]{1,4}["'`]?$/;

/**
 * The field a value is assigned to, read from the text before it on its line, for rules that do not name one
 * (a provider token in `export GITHUB_TOKEN=ghp_…` is in field GITHUB_TOKEN; in `--token ghp_…`, `--token`).
 */
function assignedTo(line: string, column: number): string | undefined {
  if (column <= 1 || column > 400) return undefined;
  const before = line.slice(Math.max(0, column - 120), column);
  const m = ASSIGNED.exec(before);
  const name = (m?.[1] ?? m?.[2])?.replace(/^[$@]/, '');
  return name === undefined || /^(?:https?|Bearer|Basic|Authorization)$/i.test(name) ? undefined : name;
}

function ruleOrigin(rule: CompiledRule): Origin {
  const { spec } = rule;
  return {
    ruleId: spec.id,
    kind: spec.kind,
    severity: spec.severity,
    description: spec.description,
    confidence: rule.confidence,
    generic: spec.tags.includes('generic'),
    broad: spec.tags.includes('broad'),
    format: false,
    pairWith: spec.pairWith,
    allowlist: rule.allowlist,
  };
}

function scanRule(
  scan: Scan,
  rule: CompiledRule,
  text: string,
  place: (start: number, end: number) => Span,
  decodedFrom: readonly Encoding[],
  starts: readonly number[] | undefined,
): void {
  const { spec } = rule;
  const hits = rule.matcher.hits(text, scan.now() + scan.ruleset.options.ruleBudgetMs, scan.now, starts);
  let origin: Origin | undefined;
  for (const hit of hits) {
    if (hit.secretEnd <= hit.secretStart) continue;
    const secret = text.slice(hit.secretStart, hit.secretEnd);
    const entropy = shannonEntropy(secret);
    if (spec.entropy !== undefined && entropy < requiredEntropy(secret, spec.entropy)) continue;
    emit(scan, (origin ??= ruleOrigin(rule)), text, place, decodedFrom, {
      start: hit.start,
      end: hit.end,
      secretStart: hit.secretStart,
      secretEnd: hit.secretEnd,
      entropy,
      identifier: hit.idStart === undefined ? undefined : text.slice(hit.idStart, hit.idEnd),
      field: hit.fieldStart === undefined ? spec.field : fieldName(text, hit.fieldStart, hit.fieldEnd!),
    });
  }
  if (hits.cutShort()) scan.result.cutShort.push({ ruleId: spec.id, path: scan.fragment.path });
}

/** Runs the file-format detectors that read this file (selected by its name: others cost nothing). */
function scanFormats(
  scan: Scan,
  formats: readonly FormatDetector[],
  place: (start: number, end: number) => Span,
): void {
  const file = fileName(scan.name);
  for (const format of formats) {
    if (!format.appliesTo(file)) continue;
    for (const hit of format.detect(scan.fragment.text)) {
      if (hit.end <= hit.start) continue;
      const origin: Origin = {
        ruleId: format.id,
        kind: hit.kind ?? format.kind,
        severity: format.severity,
        description: format.description,
        confidence: hit.confidence ?? format.confidence,
        generic: false,
        broad: false,
        format: true,
        allowlist: undefined,
      };
      emit(scan, origin, scan.fragment.text, place, [], {
        start: hit.start,
        end: hit.end,
        secretStart: hit.start,
        secretEnd: hit.end,
        entropy: shannonEntropy(scan.fragment.text.slice(hit.start, hit.end)),
        identifier: hit.identifier,
        field: hit.field,
      });
    }
  }
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
  const scan: Scan = {
    fragment,
    ruleset,
    result,
    now,
    where: fragment.member === undefined ? fragment.path : `${fragment.path}!/${fragment.member}`,
    name: fragment.member ?? fragment.path,
  };
  scanText(scan, fragment.text, place, []);
  if (ruleset.formats.length > 0) scanFormats(scan, ruleset.formats, place);
  return result;
}
