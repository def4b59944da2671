// Regex matchers: native RegExp for vetted built-in rules, linear-time RE2 for user-supplied rules.
import { RE2JS } from 're2js';
import type { Matcher, RegexHit } from '../model/rule.ts';
import { lowerModifiers, SUPPORTS_MODIFIERS } from './modifiers.ts';
import { windowBounds, type WindowBounds } from './regex-bounds.ts';

/** A leading `(?i)` (the Go/PCRE spelling rule packs use) becomes a flag. */
function splitFlags(pattern: string): { source: string; ignoreCase: boolean } {
  const m = /^\(\?([a-z]+)\)/.exec(pattern);
  if (m === null) return { source: pattern, ignoreCase: false };
  const flags = m[1]!;
  if (/[^ism]/.test(flags)) throw new Error(`unsupported inline flags (?${flags}); use (?i), (?s) or (?m)`);
  return { source: pattern.slice(m[0].length), ignoreCase: flags.includes('i') };
}

/** The window bounds of a rule's pattern (as written, inline flags and all), for the build of built-in rules. */
export function windowOf(pattern: string, keywords: readonly string[]): WindowBounds | undefined {
  return windowBounds(splitFlags(pattern).source, keywords);
}

type HitIterable = Iterable<RegexHit> & { readonly cutShort: () => boolean };

/**
 * Where a regex may have to read to try the starts in [from, to): `behind` before and `ahead` after them, then,
 * `lines` times, on to the start (end) of a line and as far again; 2 more for the characters around (`\b`, `^`).
 */
function sliceAround(text: string, from: number, to: number, w: WindowBounds): [number, number] {
  let a = from - w.behind;
  let b = to + w.ahead;
  for (let k = 0; k < w.lines && (a > 0 || b < text.length); k++) {
    a = a <= 0 ? 0 : text.lastIndexOf('\n', a - 1) - w.behind;
    const nl = b >= text.length ? text.length : text.indexOf('\n', b);
    b = (nl === -1 ? text.length : nl) + 1 + w.ahead;
  }
  // Nor past the newline after those it may consume: reading past a newline means consuming it.
  if (w.newlines >= 0) {
    let nl = to - 1;
    for (let k = 0; k <= w.newlines && nl < b; k++) {
      nl = text.indexOf('\n', nl + 1);
      if (nl === -1) nl = text.length;
    }
    b = Math.min(b, nl + 1);
  }
  return [Math.max(0, a - 2), Math.min(text.length, b + 2)];
}

/**
 * Capturing groups in a JavaScript regex source (one the RegExp constructor accepted): `(` not followed by `?`, and
 * named groups `(?<name>`; escapes and character classes skipped. Counting this way, rather than running the pattern
 * once, spares compiling every rule's regex at start-up (the pre-commit scan uses a few of them).
 */
export function countCaptureGroups(source: string): number {
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      // In JavaScript a `]` right after `[` or `[^` closes the class (it is empty, or any character).
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      if (source[i + 1] !== '?') n++;
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') n++;
    }
  }
  return n;
}

/** Compiles with the native engine; throws a SyntaxError-like message on a bad pattern. */
export function compileNative(
  pattern: string,
  group: number | undefined,
  modifiers = SUPPORTS_MODIFIERS,
  identifierGroup?: number,
  fieldGroup?: number,
  keywords: readonly string[] = [],
  precomputed?: WindowBounds | null,
): Matcher {
  const split = splitFlags(pattern);
  const lower = !modifiers && /\(\?-?i:/.test(split.source);
  const source = lower ? lowerModifiers(split.source, split.ignoreCase) : split.source;
  const ignoreCase = lower ? false : split.ignoreCase;
  const re = new RegExp(source, `gd${ignoreCase ? 'i' : ''}`);
  const groups = countCaptureGroups(source);
  const secretGroup = checkGroup(groups, group);
  const idGroup = checkIdentifierGroup(groups, identifierGroup);
  const fGroup = checkIdentifierGroup(groups, fieldGroup, 'fieldGroup');
  const window =
    precomputed === undefined ? windowBounds(split.source, keywords) : (precomputed ?? undefined);
  const hit = (m: RegExpExecArray, at: number): RegexHit | undefined => {
    const g = m.indices?.[secretGroup];
    if (g === undefined) return undefined;
    const id = idGroup === undefined ? undefined : m.indices?.[idGroup];
    const f = fGroup === undefined ? undefined : m.indices?.[fGroup];
    return {
      start: m.index + at,
      end: m.index + m[0].length + at,
      secretStart: g[0] + at,
      secretEnd: g[1] + at,
      ...(id === undefined ? {} : { idStart: id[0] + at, idEnd: id[1] + at }),
      ...(f === undefined ? {} : { fieldStart: f[0] + at, fieldEnd: f[1] + at }),
    };
  };
  return {
    engine: 'native',
    ...(window === undefined ? {} : { window }),
    hits(text, deadline, now, starts) {
      let cut = false;
      const whole = function* (): Generator<RegexHit> {
        const r = new RegExp(re);
        let m: RegExpExecArray | null;
        while ((m = r.exec(text)) !== null) {
          if (m[0].length === 0) r.lastIndex++;
          const h = hit(m, 0);
          if (h !== undefined) yield h;
          if (now() > deadline) {
            cut = true;
            return;
          }
        }
      };
      // The same leftmost, non-overlapping matches as `whole`: every match starts inside `starts`, and a start
      // tried there reads only inside its slice, so it matches there exactly as in the whole text.
      const windowed = function* (w: WindowBounds, starts: readonly number[]): Generator<RegexHit> {
        const r = new RegExp(re);
        let next = 0;
        for (let k = 0; k < starts.length; k += 2) {
          const from = Math.max(starts[k]!, next);
          const to = starts[k + 1]!;
          if (from >= to) continue;
          const [a, b] = sliceAround(text, from, to, w);
          const sub = a === 0 && b === text.length ? text : text.slice(a, b);
          r.lastIndex = from - a;
          let m: RegExpExecArray | null;
          while ((m = r.exec(sub)) !== null && m.index + a < to) {
            if (m[0].length === 0) r.lastIndex++;
            next = r.lastIndex + a;
            const h = hit(m, a);
            if (h !== undefined) yield h;
            if (now() > deadline) {
              cut = true;
              return;
            }
          }
        }
      };
      const iterable: HitIterable = {
        cutShort: () => cut,
        [Symbol.iterator]: () =>
          window !== undefined && starts !== undefined ? windowed(window, starts) : whole(),
      };
      return iterable;
    },
  };
}

/** Compiles with RE2 semantics (linear time: no backreferences or lookaround). */
export function compileRe2(
  pattern: string,
  group: number | undefined,
  identifierGroup?: number,
  fieldGroup?: number,
): Matcher {
  const { source, ignoreCase } = splitFlags(pattern);
  const re = RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  const secretGroup = checkGroup(re.groupCount(), group);
  const idGroup = checkIdentifierGroup(re.groupCount(), identifierGroup);
  const fGroup = checkIdentifierGroup(re.groupCount(), fieldGroup, 'fieldGroup');
  return {
    engine: 're2',
    hits(text, deadline, now) {
      let cut = false;
      const iterable: HitIterable = {
        cutShort: () => cut,
        *[Symbol.iterator]() {
          const m = re.matcher(text);
          let from = 0;
          while (from <= text.length && m.find(from)) {
            const start = m.start(0);
            const end = m.end(0);
            const s = m.start(secretGroup);
            const id = idGroup === undefined ? -1 : m.start(idGroup);
            const f = fGroup === undefined ? -1 : m.start(fGroup);
            if (s >= 0)
              yield {
                start,
                end,
                secretStart: s,
                secretEnd: m.end(secretGroup),
                ...(id < 0 ? {} : { idStart: id, idEnd: m.end(idGroup) }),
                ...(f < 0 ? {} : { fieldStart: f, fieldEnd: m.end(fGroup) }),
              };
            from = end > start ? end : end + 1;
            if (now() > deadline) {
              cut = true;
              return;
            }
          }
        },
      };
      return iterable;
    },
  };
}

/** The secret group to use: as given, else 1 when the regex has groups, else the whole match. */
function checkGroup(groups: number, secretGroup: number | undefined): number {
  if (secretGroup === undefined) return groups > 0 ? 1 : 0;
  if (secretGroup > groups) {
    throw new Error(`secretGroup ${secretGroup} but the regex has only ${groups} capture group(s)`);
  }
  return secretGroup;
}

function checkIdentifierGroup(
  groups: number,
  identifierGroup: number | undefined,
  name = 'identifierGroup',
): number | undefined {
  if (identifierGroup !== undefined && identifierGroup > groups) {
    throw new Error(`${name} ${identifierGroup} but the regex has only ${groups} capture group(s)`);
  }
  return identifierGroup;
}
