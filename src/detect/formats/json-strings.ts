// A tolerant JSON reader for formats: every string value with its key path and its span in the text.

export interface JsonString {
  /** Keys (and array indexes) from the root to the value. */
  readonly path: readonly (string | number)[];
  /** The value with its escapes decoded. */
  readonly value: string;
  /** Offsets of the raw value between its quotes. */
  readonly start: number;
  readonly end: number;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Reads a string literal whose opening quote is at `i`; returns its decoded value and the index after it. */
function readString(text: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"') return { value, end: j + 1 };
    if (c === '\n') return undefined;
    if (c === '\\') {
      const e = text[j + 1];
      if (e === 'u') {
        const code = Number.parseInt(text.slice(j + 2, j + 6), 16);
        if (Number.isNaN(code)) return undefined;
        value += String.fromCharCode(code);
        j += 6;
        continue;
      }
      if (e === undefined || !(e in ESCAPES)) return undefined;
      value += ESCAPES[e];
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return undefined;
}

/**
 * Every string value of a JSON (or JSON-with-comments) text, in order. Stops quietly at the first thing it cannot
 * read: a config file with a syntax error still yields the values before it.
 */
export function jsonStrings(text: string): JsonString[] {
  const out: JsonString[] = [];
  /** One frame per open object or array: the key or index of the value being read in it. */
  const stack: { array: boolean; key: string | number | undefined }[] = [];
  let expectKey = false;
  let i = 0;
  const n = Math.min(text.length, 4 * 1024 * 1024);
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push({ array: c === '[', key: c === '[' ? 0 : undefined });
      expectKey = c === '{';
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
      i++;
      continue;
    }
    if (c === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        if (top.array) top.key = (top.key as number) + 1;
        else expectKey = true;
      }
      i++;
      continue;
    }
    if (c === '"') {
      const s = readString(text, i);
      if (s === undefined) break;
      const top = stack[stack.length - 1];
      if (expectKey && top !== undefined && !top.array) {
        top.key = s.value;
        expectKey = false;
      } else {
        const path = stack.map((f) => f.key ?? '');
        out.push({ path, value: s.value, start: i + 1, end: s.end - 1 });
      }
      i = s.end;
      continue;
    }
    i++;
  }
  return out;
}

/** A key path as a field name: `auths.ghcr.io.auth`, `servers[0].password`. */
export function fieldName(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

/** What `jsonSecretFields` reports: the keys holding secrets, and the sibling keys naming user and host. */
export interface JsonFieldSpec {
  /** Lower-cased key names whose string values are secrets (`password`, `pass`, `passphrase`). */
  readonly secretKeys: ReadonlySet<string>;
  readonly userKeys?: readonly string[];
  readonly hostKeys?: readonly string[];
}

/** String values under a secret key, each with its key path and `user@host` from the same object. */
export function jsonSecretFields(
  text: string,
  spec: JsonFieldSpec,
): { value: JsonString; field: string; identifier: string | undefined }[] {
  const strings = jsonStrings(text);
  const byParent = new Map<string, Map<string, string>>();
  for (const s of strings) {
    const parent = JSON.stringify(s.path.slice(0, -1));
    let siblings = byParent.get(parent);
    if (siblings === undefined) byParent.set(parent, (siblings = new Map<string, string>()));
    siblings.set(String(s.path[s.path.length - 1]).toLowerCase(), s.value);
  }
  const out: { value: JsonString; field: string; identifier: string | undefined }[] = [];
  for (const s of strings) {
    const key = String(s.path[s.path.length - 1]).toLowerCase();
    if (!spec.secretKeys.has(key)) continue;
    const siblings = byParent.get(JSON.stringify(s.path.slice(0, -1)));
    const pick = (keys: readonly string[] | undefined): string | undefined => {
      for (const k of keys ?? []) {
        const v = siblings?.get(k);
        if (v !== undefined && v !== '') return v;
      }
      return undefined;
    };
    const user = pick(spec.userKeys);
    const host = pick(spec.hostKeys);
    const identifier =
      user === undefined && host === undefined
        ? undefined
        : `${user ?? ''}${user !== undefined && host !== undefined ? '@' : ''}${host ?? ''}`;
    out.push({ value: s, field: fieldName(s.path), identifier });
  }
  return out;
}
