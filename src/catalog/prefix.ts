// Custom-prefix rules: "acme_live_ base62 32" in .keyspill.yaml becomes a full rule.
import { CHARSETS, type Charset, type PrefixSpec } from '../model/prefix.ts';
import type { RuleSpec } from '../model/rule.ts';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function slug(prefix: string): string {
  return (
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'prefix'
  );
}

/** A random-looking example of the token, so the compiled rule carries a self-test like any other. */
function exampleBody(charset: Charset, n: number): string {
  const chars = [...new Set(expand(CHARSETS[charset]))];
  let out = '';
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += chars[(x >>> 16) % chars.length];
  }
  return out;
}

function expand(cls: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < cls.length; i++) {
    if (cls[i + 1] === '-' && i + 2 < cls.length) {
      for (let c = cls.charCodeAt(i); c <= cls.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c));
      i += 2;
    } else out.push(cls[i]!);
  }
  return out;
}

/** Compiles a prefix declaration into a rule spec with keyword, anchored regex and entropy floor. */
export function prefixRule(p: PrefixSpec): RuleSpec {
  const [min, max] = String(p.length).split('-').map(Number) as [number, number | undefined];
  const cls = CHARSETS[p.charset];
  const quant = max === undefined ? `{${min}}` : `{${min},${max}}`;
  const boundary = `(?<![${cls}])`;
  const regex = `${boundary}(${escapeRegex(p.prefix)}[${cls}]${quant})(?![${cls}])`;
  const example = p.prefix + exampleBody(p.charset, min);
  return {
    id: p.id ?? `custom.${slug(p.prefix)}`,
    description: p.description ?? `Custom token with prefix "${p.prefix}" (${p.charset}, ${p.length} chars)`,
    kind: p.kind ?? `custom-${slug(p.prefix)}`,
    severity: p.severity ?? 'high',
    tags: ['custom'],
    keywords: [p.prefix],
    regex,
    secretGroup: 1,
    // A placeholder such as acme_live_xxxxxxxx… has entropy near zero; real random bodies are far above this.
    entropy: 2.5,
    examples: [`token = "${example}"`],
    negativeExamples: [
      `token = "${p.prefix}${'x'.repeat(min)}"`,
      `token = "${p.prefix}${exampleBody(p.charset, min - 1)}"`,
    ],
  };
}
