// Regex matchers: native RegExp for vetted built-in rules, linear-time RE2 for user-supplied rules.
import { RE2JS } from 're2js';
import type { Matcher, RegexHit } from '../model/rule.ts';
import { lowerModifiers, SUPPORTS_MODIFIERS } from './modifiers.ts';

/** A leading `(?i)` (the Go/PCRE spelling rule packs use) becomes a flag. */
function splitFlags(pattern: string): { source: string; ignoreCase: boolean } {
  const m = /^\(\?([a-z]+)\)/.exec(pattern);
  if (m === null) return { source: pattern, ignoreCase: false };
  const flags = m[1]!;
  if (/[^ism]/.test(flags)) throw new Error(`unsupported inline flags (?${flags}); use (?i), (?s) or (?m)`);
  return { source: pattern.slice(m[0].length), ignoreCase: flags.includes('i') };
}

type HitIterable = Iterable<RegexHit> & { readonly cutShort: () => boolean };

/** Compiles with the native engine; throws a SyntaxError-like message on a bad pattern. */
export function compileNative(
  pattern: string,
  group: number | undefined,
  modifiers = SUPPORTS_MODIFIERS,
  identifierGroup?: number,
  fieldGroup?: number,
): Matcher {
  const split = splitFlags(pattern);
  const lower = !modifiers && /\(\?-?i:/.test(split.source);
  const source = lower ? lowerModifiers(split.source, split.ignoreCase) : split.source;
  const ignoreCase = lower ? false : split.ignoreCase;
  const re = new RegExp(source, `gd${ignoreCase ? 'i' : ''}`);
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  const secretGroup = checkGroup(groups, group);
  const idGroup = checkIdentifierGroup(groups, identifierGroup);
  const fGroup = checkIdentifierGroup(groups, fieldGroup, 'fieldGroup');
  return {
    engine: 'native',
    hits(text, deadline, now) {
      let cut = false;
      const iterable: HitIterable = {
        cutShort: () => cut,
        *[Symbol.iterator]() {
          const r = new RegExp(re);
          let m: RegExpExecArray | null;
          while ((m = r.exec(text)) !== null) {
            if (m[0].length === 0) r.lastIndex++;
            const g = m.indices?.[secretGroup];
            if (g !== undefined) {
              const id = idGroup === undefined ? undefined : m.indices?.[idGroup];
              const f = fGroup === undefined ? undefined : m.indices?.[fGroup];
              yield {
                start: m.index,
                end: m.index + m[0].length,
                secretStart: g[0],
                secretEnd: g[1],
                ...(id === undefined ? {} : { idStart: id[0], idEnd: id[1] }),
                ...(f === undefined ? {} : { fieldStart: f[0], fieldEnd: f[1] }),
              };
            }
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
