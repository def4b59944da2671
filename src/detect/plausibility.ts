// Value heuristics for generic (key-name) matches: is the value a credential, a weak one, or not one at all?

/** `reject`: not a credential (a template, code, a placeholder, a hash, a version); `weak`: maybe one; `ok`. */
export type Plausibility = 'reject' | 'weak' | 'ok';

/** Documented example credentials (AWS, Stripe, Twilio, RFC 7617 …): published, so never a leak. */
export const KNOWN_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'ASIAIOSFODNN7EXAMPLE',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
  'dXNlcjpwYXNzd29yZA==',
  'xoxb-not-a-real-token-this-will-not-work',
  'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'abcdef.0123456789abcdef',
  'SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'EXAMPLE',
  // The Google Cloud SDK's installed-app client secret (and its client ID): shipped with gcloud, public.
  'd-FL95Q19q7MQmFpd7hHD0Ty',
  '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
]);

const TEMPLATE =
  /\$\{|\$\(|\{\{|\}\}|\{%|<%|%\(|#\{|@\{|^\$[A-Za-z_{(]|^%[A-Za-z_]+%$|^<[^>]*>$|^\[[^\]]*\]$|^\{[^}]*\}$|^__[A-Z0-9_]+__$|^@[A-Za-z_]+@$/;
const CODE =
  /(?:^|[^A-Za-z0-9])(?:process\.env|os\.environ|os\.getenv|getenv|System\.getenv|ENV\[|env\(|config\(|settings\.|self\.|this\.|props\.|params\[|request\.|secrets\.|vars\.|inputs\.)|^[A-Za-z_$][\w$]*\((?:[^)]*)\)?;?$|^[A-Za-z_$][\w$]{0,40}(?:\.[A-Za-z_$][\w$]{0,40})+(?:\(\))?$|^[A-Za-z_$][\w$]*\[[^\]]+\]$/;
const PLACEHOLDER =
  /x{4,}|X{4,}|\*{3,}|\.{3,}|#{4,}|_{4,}|^-+$|changeme|change[_-]me|your[_-]?(?:own[_-]?)?(?:api[_-]?)?(?:key|token|secret|pass|password|pwd)|(?:key|token|secret|pass|password)[_-]?here|placeholder|redacted|dummy|^(?:null|none|nil|undefined|true|false|empty|todo|tbd|n\/a)$|^(?:fake|test|sample|example|demo|mock)[_-]?/i;
/** A CSS id selector or URL fragment (`#reset-password-form`): markup, not a credential. */
const SELECTOR = /^#(?:[a-z]+|[A-Za-z]+(?:-[A-Za-z0-9]+)+)$/;
/** A route, module or resource path of words (`cms/sites/passwords#edit`), an ARN or URN. */
const WORD_PATH = /^[a-z_.-]+(?:\/[a-z_.-]+)+(?:#[a-z_]+)?$|^(?:arn|urn):[a-z0-9-]+:/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_7_64 = /^[0-9a-f]{7,64}$/i;
const HASH_CONTEXT =
  /(?:commit|sha(?:1|256|512)?|revision|\brev\b|checksum|integrity|digest|hash|etag|fingerprint|object[_-]?id)/i;
const VERSION = /^v?\d{1,4}(?:\.\d{1,6}){1,3}(?:[-+][0-9A-Za-z.-]{1,40})?$/;
const PATH =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|\/|\.{1,2}\/|~\/|[A-Za-z]:\\)|\.(?:json|js|mjs|cjs|ts|ya?ml|txt|pem|key|crt|cer|p12|pfx|jks|env|html|png|svg|md|xml|properties|conf|cfg|ini|toml|sh|py|rb|php)$/i;
/** A constant or variable name: `DB_PASSWORD`, `API_KEY_2`. */
const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/** An identifier: camelCase or snake_case letters only (`getPassword`, `user_token`). */
const IDENTIFIER = /^[a-z]+(?:[A-Z][a-z]+)+$|^[a-z]+(?:_[a-z]+)+$/;
const LETTERS_ONLY = /^[A-Za-z]+$/;
/**
 * Words people put where a password goes (`secret`, `password`, `mypassword`, `admin`, `letmein`): in real
 * configurations these are live, weak credentials as often as placeholders, so they are kept at low confidence.
 */
const WEAK_WORD =
  /^(?:my|your|the|some|a|this|thisis|thisismy|super|default)?[_-]?(?:password|passwd|pass|pwd|secret|token|api[_-]?key|key|credentials?|admin|root|guest|user|letmein|welcome|qwerty|abc123|123456\d*)\d{0,4}$/i;
const REPEATED = /^(.{1,4})\1{3,}$/;

/**
 * Judges a value a generic rule matched. `line` is the line it sits on (a hex value is a commit hash when the
 * line talks of commits, shas, checksums or integrity). `structured`: the value is in a field a file format
 * defines as a credential, so a UUID or a hex string is kept.
 */
export function judgeValue(value: string, line: string, structured = false): Plausibility {
  if (KNOWN_EXAMPLES.has(value)) return 'reject';
  if (TEMPLATE.test(value) || CODE.test(value) || PLACEHOLDER.test(value) || SELECTOR.test(value))
    return 'reject';
  // In a field a file format defines as a credential (a .netrc password), a UUID or hex string is the credential.
  if (!structured && UUID.test(value)) return 'reject';
  if (VERSION.test(value) || PATH.test(value) || WORD_PATH.test(value)) return 'reject';
  if (CONSTANT_NAME.test(value)) return 'reject';
  if (!structured && HEX_7_64.test(value) && HASH_CONTEXT.test(line)) return 'reject';
  if (REPEATED.test(value)) return 'reject';
  if (IDENTIFIER.test(value) || LETTERS_ONLY.test(value) || WEAK_WORD.test(value)) return 'weak';
  return 'ok';
}
