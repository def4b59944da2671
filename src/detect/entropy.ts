// Shannon entropy of a string, and the charset-aware minimum a secret must reach.

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const DIGITS = /^[0-9]+$/;
const HEX = /^[0-9a-fA-F]+$/;
const BASE36 = /^(?:[0-9a-z]+|[0-9A-Z]+)$/;

/** Bits per character the secret's alphabet can carry: 3.32 digits, 4 hex, 5.17 base36, else 6. */
export function charsetBits(s: string): number {
  if (DIGITS.test(s)) return Math.log2(10);
  if (HEX.test(s)) return 4;
  if (BASE36.test(s)) return Math.log2(36);
  return 6;
}

/**
 * The entropy a secret must reach for a rule whose threshold `min` is stated for base64-like
 * secrets: scaled down by the alphabet's capacity, so a random hex key is not rejected for being hex.
 */
export function requiredEntropy(secret: string, min: number): number {
  return (min * charsetBits(secret)) / 6;
}
