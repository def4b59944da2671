// Custom prefix declarations: the charsets a prefix rule may use, and the declaration as written in config.
import type { Severity } from './rule.ts';

export const CHARSETS = {
  base62: 'A-Za-z0-9',
  base64: 'A-Za-z0-9+/',
  base64url: 'A-Za-z0-9_-',
  base32: 'A-Z2-7',
  hex: '0-9a-f',
  HEX: '0-9A-F',
  alnum: 'A-Za-z0-9',
  lower: 'a-z0-9',
  upper: 'A-Z0-9',
  digits: '0-9',
} as const;
export type Charset = keyof typeof CHARSETS;

/** A custom prefix declaration (validated by src/catalog/prefix-schema.ts). */
export interface PrefixSpec {
  readonly prefix: string;
  readonly charset: Charset;
  readonly length: number | string;
  readonly id?: string | undefined;
  readonly kind?: string | undefined;
  readonly description?: string | undefined;
  readonly severity?: Severity | undefined;
}
