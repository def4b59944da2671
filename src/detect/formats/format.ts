// File-format detectors: credentials that live in a known place of a known file, found by parsing it.
import type { Confidence, Severity } from '../../model/rule.ts';

/** One credential a format found: the value's span in the text, and the field the file keeps it in. */
export interface FormatHit {
  /** Offsets of the value in the text (what is reported, redacted and fingerprinted). */
  readonly start: number;
  readonly end: number;
  /** The field, in the file's own words: `password`, `auths.ghcr.io.auth`, `users[ci].user.token`. */
  readonly field: string;
  /** Whose credential it is, in clear (`deploy@ghcr.io`, `ci-bot@git.acme.io`): not secret. */
  readonly identifier?: string | undefined;
  /** Overrides the format's kind (a kubeconfig holds tokens and private keys). */
  readonly kind?: string | undefined;
  /** Overrides the format's confidence (a value that decodes and validates is high; a weak password low). */
  readonly confidence?: Confidence | undefined;
}

/** An example a format must report (`finds`: each value with its field), or must not (`finds` empty). */
export interface FormatExample {
  readonly path: string;
  readonly text: string;
  readonly finds: readonly { readonly field: string; readonly secret: string }[];
}

/**
 * A detector for one file format. Pure: text in, hits out. The engine runs it only on files whose path it
 * accepts (`appliesTo`), so a format costs nothing on other files; it never sees where the bytes came from.
 */
export interface FormatDetector {
  /** The rule id its findings carry (unique among rules and formats). */
  readonly id: string;
  readonly description: string;
  readonly kind: string;
  readonly severity: Severity;
  /** Confidence of a hit that does not say otherwise. */
  readonly confidence: Confidence;
  /** The files it reads, for people (rules list, README). */
  readonly files: string;
  /** True when the file is one it reads (its name is worked out once per file, for every format). */
  appliesTo(file: FileName): boolean;
  detect(text: string): FormatHit[];
  readonly examples: readonly FormatExample[];
}

/** A file's name as the formats test it: its base name and its whole path, lower-cased, forward slashes. */
export interface FileName {
  /** `config.json` */
  readonly base: string;
  /** `/home/ci/.docker/config.json`: starts with `/`, so a format can test a suffix such as `/.docker/config.json`. */
  readonly path: string;
}

/** The file name of `path` (an archive member's own path, for a member). */
export function fileName(path: string): FileName {
  const p = `/${path.replace(/\\/g, '/').toLowerCase()}`;
  return { base: p.slice(p.lastIndexOf('/') + 1), path: p };
}

/** Decodes standard or url-safe base64 to a latin-1 string, or undefined when it is not base64. */
export function decodeBase64(s: string): string | undefined {
  const t = s.trim();
  if (t.length < 4 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  try {
    return atob(t.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/** True when every character is printable ASCII (a decoded `user:password` rather than binary). */
export function printableAscii(s: string): boolean {
  return s.length > 0 && /^[\x20-\x7e]+$/.test(s);
}
