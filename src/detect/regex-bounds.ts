// Regex bounds: proves, from a pattern's source, that its matches are short and hold a known string (so it may run in windows).

import type { WindowBounds } from '../model/rule.ts';

export type { WindowBounds };

/** Strings one of which every match holds (lower-case; keywords where they can be). */
interface Anchored {
  readonly strings: readonly string[];
  /** The held string ends at most this far from the match's start. */
  readonly lead: number;
}

/** What one piece of a pattern is known to do. */
interface Info {
  /** Longest text it consumes. */
  readonly len: number;
  /** Farthest it moves from where it starts, counting lookaround contents. */
  readonly reach: number;
  /** Length with each run within a line counted as one character (the runs are `lines`). */
  readonly step: number;
  /** How far past its start, and before it, it may read (runs within a line counted as one character). */
  readonly ahead: number;
  readonly behind: number;
  /** Every text it can match, lower-cased (a short list), or null when unknown or too many. */
  readonly exact: readonly string[] | null;
  /** Strings one of which every match holds, and how far from its start that one ends; null when unknown. */
  readonly anchors: Anchored | null;
  /** Unbounded runs within a line (see WindowBounds.lines). */
  readonly lines: number;
  /** It may match a newline (for a one-character piece). */
  readonly newline: boolean;
  /** How many newlines it may consume going forward, lookaheads included (Infinity: unbounded). */
  readonly nl: number;
}

const MAX_EXACT = 256;
const MAX_EXACT_LEN = 64;
const MAX_CLASS = 16;

class Unsupported extends Error {}

/** An assertion reads the characters around it. */
const ONE = { len: 1, reach: 1, step: 1, ahead: 1, behind: 0 };
const ASSERTION: Info = {
  len: 0,
  reach: 1,
  step: 0,
  ahead: 1,
  behind: 1,
  exact: [''],
  anchors: null,
  lines: 0,
  newline: false,
  nl: 0,
};
const ANY_CHAR: Info = { ...ONE, exact: null, anchors: null, lines: 0, newline: true, nl: 1 };
/** The shortest string that may anchor a window when it is no keyword. */
const MIN_ANCHOR = 4;
const NOT_NEWLINE: Info = { ...ANY_CHAR, newline: false, nl: 0 };

function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null;
  const out = new Set<string>();
  for (const x of a)
    for (const y of b) {
      if (x.length + y.length > MAX_EXACT_LEN) return null;
      out.add(x + y);
    }
  return [...out];
}

function union(a: readonly string[], b: readonly string[]): string[] | null {
  const out = new Set([...a, ...b]);
  return out.size > MAX_EXACT ? null : [...out];
}

const mul = (n: number, m: number): number => (n === 0 || m === 0 ? 0 : n * m);

/** A recursive-descent reader of the JavaScript (non-unicode) regex syntax the built-in rules use. */
class Reader {
  private i = 0;
  private readonly src: string;
  private readonly keywords: readonly string[];
  constructor(src: string, keywords: readonly string[]) {
    this.src = src;
    this.keywords = keywords;
  }

  /**
   * Anchors for text that is one of `texts` and ends at most `lead` from the match's start: the keyword each
   * holds, or itself when long enough.
   */
  private anchorsOf(texts: readonly string[] | null, lead: number): Anchored | null {
    if (texts === null) return null;
    const out = new Set<string>();
    for (const t of texts) {
      const k = this.keywords.find((kw) => t.includes(kw));
      if (k !== undefined) out.add(k);
      else if (t.length >= MIN_ANCHOR) out.add(t);
      else return null;
    }
    return { strings: [...out], lead };
  }

  /**
   * The better of two anchor sets: keywords only (the prefilter finds them anyway), else the longest; then the
   * one nearer the match's start (fewer starts to try).
   */
  private better(a: Anchored | null, b: Anchored | null): Anchored | null {
    if (a === null || b === null) return a ?? b;
    const score = (xs: Anchored): number =>
      xs.strings.every((x) => this.keywords.includes(x))
        ? Infinity
        : Math.min(...xs.strings.map((x) => x.length));
    const sa = score(a);
    const sb = score(b);
    return sb > sa || (sb === sa && b.lead < a.lead) ? b : a;
  }

  /** Anchors for a match of one branch or the other: both branches' strings (too many: none). */
  private either(a: Anchored | null, b: Anchored | null): Anchored | null {
    if (a === null || b === null) return null;
    const strings = union(a.strings, b.strings);
    return strings === null ? null : { strings, lead: Math.max(a.lead, b.lead) };
  }

  pattern(): Info {
    const info = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return info;
  }

  private alternation(): Info {
    let info = this.sequence();
    while (this.src[this.i] === '|') {
      this.i++;
      const next = this.sequence();
      const exact = info.exact === null || next.exact === null ? null : union(info.exact, next.exact);
      info = {
        len: Math.max(info.len, next.len),
        reach: Math.max(info.reach, next.reach),
        step: Math.max(info.step, next.step),
        ahead: Math.max(info.ahead, next.ahead),
        behind: Math.max(info.behind, next.behind),
        exact,
        anchors: this.better(
          this.either(info.anchors, next.anchors),
          this.anchorsOf(exact, Math.max(info.len, next.len)),
        ),
        lines: Math.max(info.lines, next.lines),
        newline: info.newline || next.newline,
        nl: Math.max(info.nl, next.nl),
      };
    }
    return info;
  }

  private sequence(): Info {
    let len = 0;
    let reach = 0;
    let step = 0;
    let ahead = 0;
    let behind = 0;
    let anchors: Anchored | null = null;
    let lines = 0;
    let newline = false;
    let nl = 0;
    let exact: string[] | null = [''];
    /** The texts the run of exactly-known pieces just read can be (a sub-run, when it grew too big). */
    let run: readonly string[] = [''];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const piece = this.quantified();
      if (piece.anchors !== null)
        anchors = this.better(anchors, { strings: piece.anchors.strings, lead: len + piece.anchors.lead });
      len += piece.len;
      reach += piece.reach;
      ahead = Math.max(ahead, step + piece.ahead);
      behind = Math.max(behind, piece.behind);
      step += piece.step;
      lines += piece.lines;
      newline ||= piece.newline;
      nl += piece.nl;
      exact = exact === null || piece.exact === null ? null : cross(exact, piece.exact);
      if (piece.exact === null) run = [''];
      else run = cross(run, piece.exact) ?? piece.exact;
      // The run ends at most `len` from the start.
      anchors = this.better(anchors, this.anchorsOf(run, len));
    }
    return {
      len,
      reach,
      step,
      ahead,
      behind,
      exact,
      anchors: this.better(anchors, this.anchorsOf(exact, len)),
      lines,
      newline,
      nl,
    };
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.quantifier();
    if (q === undefined) return atom;
    const [min, max] = q;
    if (this.src[this.i] === '?') this.i++; // lazy
    let exact: string[] | null = null;
    if (atom.exact !== null && max <= 4) {
      exact = min === 0 ? [''] : [];
      let power: string[] = [''];
      for (let k = 1; k <= max && exact !== null; k++) {
        const next = cross(power, atom.exact);
        if (next === null) exact = null;
        else {
          power = next;
          if (k >= min) exact = union(exact, power);
        }
      }
    }
    const anchors = min >= 1 ? atom.anchors : null;
    if (max === Infinity && atom.len === 1 && atom.reach === 1 && atom.lines === 0 && !atom.newline) {
      // One non-newline character, repeated: it runs at most to the line's end (or start, in a lookbehind).
      return { ...ONE, len: Infinity, reach: min + 1, exact: null, anchors, lines: 1, newline: false, nl: 0 };
    }
    return {
      len: max === Infinity && atom.len > 0 ? Infinity : mul(atom.len, max),
      reach: max === Infinity && atom.reach > 0 ? Infinity : mul(atom.reach, max),
      step: max === Infinity && atom.step > 0 ? Infinity : mul(atom.step, max),
      ahead:
        max === 0 ? 0 : max === Infinity && atom.step > 0 ? Infinity : mul(atom.step, max - 1) + atom.ahead,
      behind: max === 0 ? 0 : atom.behind,
      exact,
      anchors,
      lines: max === Infinity && atom.lines > 0 ? Infinity : mul(atom.lines, max),
      newline: atom.newline,
      nl: max === Infinity && atom.nl > 0 ? Infinity : mul(atom.nl, max),
    };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.src[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      return c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    }
    if (c !== '{') return undefined;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
    if (m === null) throw new Unsupported('a literal {');
    this.i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return [min, max];
  }

  private atom(): Info {
    const c = this.src[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    this.i++;
    if (c === '^' || c === '$') return ASSERTION;
    if (c === '.') return ANY_CHAR;
    if (c === '\\') return this.escape();
    if ('*+?{}]'.includes(c)) throw new Unsupported(`a bare ${c}`);
    return literal(c);
  }

  private group(): Info {
    const rest = this.src.slice(this.i);
    const head = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>|[ims]*(?:-[ims]+)?:))?/.exec(rest)![0];
    this.i += head.length;
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported('an unclosed group');
    this.i++;
    if (head === '(?=' || head === '(?!' || head === '(?<=' || head === '(?<!') {
      return {
        len: 0,
        reach: inner.reach + 1,
        step: 0,
        // A lookbehind matches backwards (and may hold lookaheads): its reach, either way.
        ahead: (head.startsWith('(?<') ? inner.reach : inner.ahead) + 1,
        behind: (head.startsWith('(?<') ? inner.reach : inner.behind) + 1,
        exact: [''],
        anchors: null,
        lines: inner.lines,
        newline: false,
        nl: inner.nl,
      };
    }
    return inner;
  }

  private escape(): Info {
    const c = this.src[this.i];
    if (c === undefined) throw new Unsupported('a trailing backslash');
    this.i++;
    if (c === 'b' || c === 'B') return ASSERTION;
    if ('sDW'.includes(c)) return ANY_CHAR;
    if ('Sdw'.includes(c)) return NOT_NEWLINE;
    const ch = this.escapedChar(c);
    return literal(ch);
  }

  /** The character an escape outside `\b`, `\s`…, stands for (inside or outside a class). */
  private escapedChar(c: string): string {
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };
    if (simple[c] !== undefined) return simple[c];
    if (c === 'x' || c === 'u') {
      const n = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) throw new Unsupported(`\\${c}${hex}`);
      this.i += n;
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (/[A-Za-z0-9_]/.test(c)) throw new Unsupported(`\\${c}`);
    return c;
  }

  private charClass(): Info {
    this.i++;
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    let chars: Set<string> | null = new Set();
    /** The class names a newline (a `\n`, a range over it, `\s`, `\D`, `\W`). */
    let newline = false;
    while (this.src[this.i] !== ']') {
      const from = this.classAtom();
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const to = this.classAtom();
        if (from.length !== 1 || to.length !== 1) throw new Unsupported('a range over a class escape');
        const a = from.charCodeAt(0);
        const b = to.charCodeAt(0);
        if (a > b) throw new Unsupported('a reversed range');
        if (a <= 10 && b >= 10) newline = true;
        if (chars !== null && b - a < MAX_CLASS)
          for (let x = a; x <= b; x++) chars.add(String.fromCharCode(x));
        else chars = null;
      } else if (from.length > 1) {
        if (from !== '\\S' && from !== '\\d' && from !== '\\w') newline = true;
        chars = null;
      } else {
        if (from === '\n') newline = true;
        chars?.add(from);
      }
      if (chars !== null && chars.size > MAX_CLASS) chars = null;
    }
    this.i++;
    if (negated) return newline ? NOT_NEWLINE : ANY_CHAR;
    if (chars === null) return newline ? ANY_CHAR : NOT_NEWLINE;
    if (chars.size === 0) throw new Unsupported('an empty class');
    const lower = new Set<string>();
    for (const ch of chars) {
      if (ch.charCodeAt(0) >= 128) return ANY_CHAR;
      lower.add(ch.toLowerCase());
    }
    return { ...ONE, exact: [...lower], anchors: null, lines: 0, newline, nl: newline ? 1 : 0 };
  }

  /** One character of a class, or a class escape as written (`\s`, `\w`, …). */
  private classAtom(): string {
    const c = this.src[this.i];
    if (c === undefined) throw new Unsupported('an unclosed class');
    this.i++;
    if (c !== '\\') return c;
    const e = this.src[this.i];
    if (e === undefined) throw new Unsupported('a trailing backslash');
    this.i++;
    if ('sSdDwW'.includes(e)) return `\\${e}`;
    if (e === 'b') return '\b';
    if (e === '-') return '-';
    return this.escapedChar(e);
  }
}

function literal(c: string): Info {
  const newline = c === '\n';
  return c.charCodeAt(0) < 128
    ? { ...ONE, exact: [c.toLowerCase()], anchors: null, lines: 0, newline, nl: newline ? 1 : 0 }
    : { ...ONE, exact: null, anchors: null, lines: 0, newline, nl: 0 };
}

/**
 * The bounds of a (JavaScript, non-unicode) regex source whose every match holds one of `keywords`
 * (lower-case, matched case-insensitively as the prefilter does) and is bounded in length and reach; otherwise
 * undefined (the regex must run over the whole text). Anything the reader does not know makes it undefined.
 */
export function windowBounds(source: string, keywords: readonly string[]): WindowBounds | undefined {
  if (keywords.length === 0) return undefined;
  let info: Info;
  try {
    info = new Reader(
      source,
      keywords.map((k) => k.toLowerCase()),
    ).pattern();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  if (info.anchors === null || !Number.isFinite(info.len)) return undefined;
  if (!Number.isFinite(info.ahead) || !Number.isFinite(info.behind)) return undefined;
  if (!Number.isFinite(info.lines)) return undefined;
  const lower = new Set(keywords.map((k) => k.toLowerCase()));
  const anchors = info.anchors.strings.filter((a) => !lower.has(a));
  const lead = Math.min(info.anchors.lead, info.len);
  const newlines = Number.isFinite(info.nl) ? info.nl : -1;
  return {
    maxLen: info.len,
    lead,
    ahead: info.ahead,
    behind: info.behind,
    lines: info.lines,
    newlines,
    anchors,
  };
}
