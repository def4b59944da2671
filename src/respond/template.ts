// Runbook templates (pure): `{{ credential.id }}`, `{{ steps.preflight.user }}`; references listed, checked and rendered.
import type { Json } from '../model/json.ts';

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const REF = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;

/** The roots a template may start with, and the fields each offers (steps: checked against the step kinds). */
export const TEMPLATE_ROOTS = {
  incident: ['id', 'dir', 'since', 'createdAt', 'runbook'],
  credential: ['kind', 'id', 'redacted', 'fingerprint'],
  params: [],
  steps: [],
} as const;

export class TemplateError extends Error {
  readonly ref: string;
  constructor(ref: string, message: string) {
    super(message);
    this.ref = ref;
  }
}

/** Every `{{ … }}` expression in a value (strings inside arrays and objects too), as written. */
export function templateRefs(value: Json | undefined): string[] {
  const out: string[] = [];
  const visit = (v: Json | undefined): void => {
    if (typeof v === 'string') for (const m of v.matchAll(TEMPLATE)) out.push(m[1] ?? '');
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** Whether a reference is well formed (`root.field.field`). */
export function isWellFormedRef(ref: string): boolean {
  return REF.test(ref);
}

/** What a reference resolves to; undefined when it does not (yet) exist. */
export type Lookup = (ref: string) => Json | undefined;

export interface RenderOptions {
  /** Unresolved references: an error (default), or a visible placeholder `‹ref›` (for plans). */
  readonly missing?: 'throw' | 'placeholder';
}

/**
 * Renders every template in `value`. A string that is exactly one template takes the referenced value as it is
 * (a number stays a number); otherwise references are interpolated as text.
 */
export function render(value: Json, lookup: Lookup, o: RenderOptions = {}): Json {
  const resolve = (ref: string): Json => {
    if (!REF.test(ref))
      throw new TemplateError(ref, `"{{ ${ref} }}" is not a reference (write e.g. {{ credential.id }})`);
    const v = lookup(ref);
    if (v !== undefined) return v;
    if (o.missing === 'placeholder') return `‹${ref}›`;
    throw new TemplateError(ref, `{{ ${ref} }} has no value`);
  };
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
    if (whole) return resolve(whole[1] ?? '');
    return value.replace(TEMPLATE, (_m, ref: string) => {
      const v = resolve(ref);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return (value as readonly Json[]).map((v) => render(v, lookup, o));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, lookup, o)]));
  return value;
}

/** Whether a rendered `when:` value means "run the step". */
export function truthy(v: Json): boolean {
  if (v === null || v === false || v === 0) return false;
  if (typeof v === 'string') return !['', 'false', '0', 'no', 'off'].includes(v.trim().toLowerCase());
  return true;
}

/** Looks a dotted path up in a plain object tree. */
export function lookupPath(root: Json, ref: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const part of ref.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as { [k: string]: Json })[part];
  }
  return cur;
}
