// JSON text positions without a second parser: top-level values, List items and the spans of wanted fields.
// JSON.parse gives the values (fast); these scanners give where they are in the text, for line numbers.

/** A path inside a JSON value: object keys and array indexes. */
export type NodePath = readonly (string | number)[];

/** Half-open offsets of a value in the text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const QUOTE = 0x22;
const STRUCTURAL = /["{}[\]]/g;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  return i;
}

/** End (exclusive) of the string starting at `i` (on its quote). */
function skipString(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q < 0) return t.length;
    let b = q - 1;
    while (b > i && t.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** End (exclusive) of the value starting at `i` (no leading space), for valid JSON; bounded by the text. */
export function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return skipString(t, i);
  if (c === 0x7b || c === 0x5b) {
    // Jump from one structural character to the next: the regex engine skips the text between far faster than
    // a loop over every character.
    let depth = 0;
    const re = STRUCTURAL; // not re-entered while this loop runs
    re.lastIndex = i;
    for (let m = re.exec(t); m !== null; m = re.exec(t)) {
      const d = t.charCodeAt(m.index);
      if (d === QUOTE) re.lastIndex = skipString(t, m.index);
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (--depth === 0) return m.index + 1;
    }
    return t.length;
  }
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) break;
    j++;
  }
  return j;
}

/** The top-level values of a text holding one JSON value or several written one after another. */
export function topLevelSpans(t: string): Span[] {
  const spans: Span[] = [];
  let i = skipSpace(t, 0);
  while (i < t.length) {
    const end = skipValue(t, i);
    spans.push({ start: i, end });
    i = skipSpace(t, end);
  }
  return spans;
}

/** Calls `member` with each key (or index) and value span of the object or array at `start`. */
function members(t: string, start: number, member: (key: string | number, value: Span) => boolean): void {
  const open = t.charCodeAt(start);
  if (open !== 0x7b && open !== 0x5b) return;
  const isObject = open === 0x7b;
  let i = skipSpace(t, start + 1);
  let index = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c === 0x7d || c === 0x5d) return;
    if (c === 0x2c) {
      i = skipSpace(t, i + 1);
      continue;
    }
    let key: string | number = index++;
    if (isObject) {
      const keyEnd = skipString(t, i);
      const raw = t.slice(i, keyEnd);
      key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      i = skipSpace(t, keyEnd);
      if (t.charCodeAt(i) !== 0x3a) return; // not JSON: JSON.parse already accepted it, so unreachable
      i = skipSpace(t, i + 1);
    }
    const end = skipValue(t, i);
    if (member(key, { start: i, end })) return;
    i = skipSpace(t, end);
  }
}

/** The span of each element of the array at `start`. */
export function elementSpans(t: string, start: number): Span[] {
  const spans: Span[] = [];
  members(t, start, (_i, item) => {
    spans.push(item);
    return false;
  });
  return spans;
}

/** The span of each element of the `items` array of the object at `start` (a `List`). */
export function itemSpans(t: string, start: number): Span[] {
  const spans: Span[] = [];
  members(t, start, (key, value) => {
    if (key !== 'items') return false;
    members(t, value.start, (_i, item) => {
      spans.push(item);
      return false;
    });
    return true;
  });
  return spans;
}

const SEP = '\u0000';

/** A key for a node path (segments joined by NUL). */
export function pathKey(path: NodePath): string {
  return path.join(SEP);
}

/**
 * The spans of the wanted node paths inside the value at `start`, in one pass that skips every subtree no wanted
 * path goes through (so managedFields and the rest cost a quick skip).
 */
export function locatePaths(t: string, start: number, wanted: readonly NodePath[]): Map<string, Span> {
  const found = new Map<string, Span>();
  const prefixes = new Set<string>();
  const targets = new Set<string>();
  for (const p of wanted) {
    targets.add(pathKey(p));
    for (let n = 1; n < p.length; n++) prefixes.add(pathKey(p.slice(0, n)));
  }
  const visit = (at: number, key: string | undefined): void => {
    members(t, at, (seg, value) => {
      const child = key === undefined ? String(seg) : `${key}${SEP}${seg}`;
      if (targets.has(child)) found.set(child, value);
      if (prefixes.has(child)) visit(value.start, child);
      return found.size === targets.size;
    });
  };
  if (wanted.length > 0) visit(start, undefined);
  return found;
}

/** Offsets of line starts, and 1-based line/column of an offset. */
export interface LineIndex {
  position(offset: number): { readonly line: number; readonly column: number };
  lineText(line: number): string;
}

export function lineIndex(t: string): LineIndex {
  const starts: number[] = [0];
  for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    position(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo]! + 1 };
    },
    lineText(line) {
      const s = starts[line - 1];
      if (s === undefined) return '';
      const e = starts[line];
      const text = t.slice(s, e === undefined ? undefined : e - 1);
      return text.endsWith('\r') ? text.slice(0, -1) : text;
    },
  };
}
