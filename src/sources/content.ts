// Bytes to text: binary sniffing and lossless-enough UTF-8 decoding shared by every source.

const SNIFF = 8000;

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Decodes UTF-8; invalid sequences become U+FFFD so the rest of the file is still scanned. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
