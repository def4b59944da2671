// Regex modifiers `(?i:…)`/`(?-i:…)` need Node ≥ 23; on older runtimes they are lowered to character classes.

/** Whether this runtime's RegExp understands modifier groups. */
export const SUPPORTS_MODIFIERS: boolean = (() => {
  try {
    new RegExp('(?i:a)');
    return true;
  } catch {
    return false;
  }
})();

const LOWER_A = 97;
const UPPER_A = 65;
const isLower = (c: number): boolean => c >= LOWER_A && c < LOWER_A + 26;
const isUpper = (c: number): boolean => c >= UPPER_A && c < UPPER_A + 26;
const swap = (ch: string): string => {
  const c = ch.charCodeAt(0);
  return isLower(c) ? ch.toUpperCase() : isUpper(c) ? ch.toLowerCase() : ch;
};

/** Reads one escape at `i` (the backslash); returns its text and the index after it. */
function escapeAt(p: string, i: number): [string, number] {
  const next = p[i + 1] ?? '';
  if (
    (next === 'p' || next === 'P' || next === 'u' || next === 'k') &&
    (p[i + 2] === '{' || p[i + 2] === '<')
  ) {
    const close = p.indexOf(p[i + 2] === '{' ? '}' : '>', i + 2);
    return [p.slice(i, close + 1), close + 1];
  }
  if (next === 'x') return [p.slice(i, i + 4), i + 4];
  if (next === 'u') return [p.slice(i, i + 6), i + 6];
  if (next === 'c') return [p.slice(i, i + 3), i + 3];
  return [p.slice(i, i + 2), i + 2];
}

/** A character class body with ASCII letters (and letter ranges) widened to both cases. */
function foldClass(body: string): string {
  let out = '';
  let extra = '';
  for (let i = 0; i < body.length;) {
    if (body[i] === '\\') {
      const [esc, j] = escapeAt(body, i);
      out += esc;
      i = j;
      continue;
    }
    const a = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      const b = body[i + 2]!;
      out += `${a}-${b}`;
      const ca = a.charCodeAt(0);
      const cb = b.charCodeAt(0);
      if ((isLower(ca) && isLower(cb)) || (isUpper(ca) && isUpper(cb))) extra += `${swap(a)}-${swap(b)}`;
      i += 3;
      continue;
    }
    out += a;
    if (swap(a) !== a) extra += swap(a);
    i++;
  }
  return out + extra;
}

/**
 * Rewrites modifier groups away: letters under case-insensitivity become `[xX]` (or widened classes),
 * so the result needs no `i` flag. `ignoreCase` is the pattern's flag at top level.
 */
export function lowerModifiers(pattern: string, ignoreCase: boolean): string {
  const stack: boolean[] = [];
  let fold = ignoreCase;
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const [esc, j] = escapeAt(pattern, i);
      out += esc;
      i = j;
    } else if (ch === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']')
        j += pattern[j] === '\\' ? escapeAt(pattern, j)[1] - j : 1;
      const neg = pattern[i + 1] === '^';
      const body = pattern.slice(i + (neg ? 2 : 1), j);
      out += `[${neg ? '^' : ''}${fold ? foldClass(body) : body}]`;
      i = j + 1;
    } else if (ch === '(') {
      const m = /^\(\?(-?)i:/.exec(pattern.slice(i, i + 5));
      stack.push(fold);
      if (m !== null) {
        fold = m[1] !== '-';
        out += '(?:';
        i += m[0].length;
      } else if (pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
        const close = pattern.indexOf('>', i); // a named group: its name is not folded
        out += pattern.slice(i, close + 1);
        i = close + 1;
      } else {
        const m2 = /^\((?:\?(?:[:=!]|<[=!]))?/.exec(pattern.slice(i, i + 4))!;
        out += m2[0];
        i += m2[0].length;
      }
    } else if (ch === ')') {
      fold = stack.pop() ?? ignoreCase;
      out += ')';
      i++;
    } else {
      out += fold && swap(ch) !== ch ? `[${ch}${swap(ch)}]` : ch;
      i++;
    }
  }
  return out;
}
