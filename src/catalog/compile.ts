// Rule compilation: a validated spec becomes a CompiledRule; user rules get the linear-time engine.
import picomatch from 'picomatch';
import { compileNative, compileRe2 } from '../detect/matcher.ts';
import type { Allowlist, CompiledAllowlist, CompiledRule, RuleOrigin, RuleSpec } from '../model/rule.ts';

/** A user's allowlist regex on RE2 (linear time: config and rule files are untrusted input), as a tester. */
function re2Tester(pattern: string): { test(s: string): boolean } {
  const re = compileRe2(pattern, 0);
  return {
    test: (s) => {
      for (const hit of re.hits(s, Infinity, () => 0)) if (hit !== undefined) return true;
      return false;
    },
  };
}

/**
 * Compiles path globs and regexes of an allowlist; throws with the offending entry named. Regexes written by a
 * user (`engine: 're2'`: .keyspill.yaml, rule files) run on RE2, so no allowlist can hang a scan; built-in rules'
 * allowlists on V8.
 */
export function compileAllowlist(
  al: Partial<Allowlist> | undefined,
  engine: 'native' | 're2' = 're2',
): CompiledAllowlist {
  const regexes = (al?.regexes ?? []).map((r) => {
    try {
      return engine === 're2'
        ? re2Tester(r)
        : new RegExp(r.replace(/^\(\?i\)/, ''), r.startsWith('(?i)') ? 'i' : '');
    } catch (e) {
      throw new Error(`allowlist regex ${JSON.stringify(r)}: ${(e as Error).message}`, { cause: e });
    }
  });
  return {
    paths: (al?.paths ?? []).map((g) => picomatch(g, { dot: true })),
    regexes,
    regexTarget: al?.regexTarget ?? 'secret',
    stopwords: (al?.stopwords ?? []).map((w) => w.toLowerCase()),
  };
}

/** Built-in and generated prefix rules run natively (their regexes are reviewed); user rule files on RE2. */
export function compileRule(spec: RuleSpec, origin: RuleOrigin): CompiledRule {
  let matcher;
  try {
    matcher =
      origin.type === 'file'
        ? compileRe2(spec.regex, spec.secretGroup, spec.identifierGroup, spec.fieldGroup)
        : compileNative(
            spec.regex,
            spec.secretGroup,
            undefined,
            spec.identifierGroup,
            spec.fieldGroup,
            spec.keywords,
            origin.type === 'builtin' ? spec.window : undefined,
          );
  } catch (e) {
    const msg = (e as Error).message;
    const hint =
      origin.type !== 'file'
        ? ''
        : ' (user rules use RE2 syntax, as gitleaks does: no lookaround or backreferences)';
    throw new Error(`regex does not compile: ${msg}${hint}`, { cause: e });
  }
  const paths = spec.paths?.map((g) => picomatch(g, { dot: true, nocase: true }));
  return {
    spec,
    matcher,
    confidence: spec.confidence ?? 'high',
    // A glob with a slash is matched against the whole path; one without, against the base name too.
    ...(paths === undefined
      ? {}
      : {
          runsOn: (path: string) => {
            const p = path.replace(/\\/g, '/');
            const base = p.slice(p.lastIndexOf('/') + 1);
            return paths.some((m) => m(p) || m(base));
          },
        }),
    keywords: spec.keywords.map((k) => k.toLowerCase()),
    allowlist: compileAllowlist(spec.allowlist, origin.type === 'file' ? 're2' : 'native'),
    origin,
  };
}
