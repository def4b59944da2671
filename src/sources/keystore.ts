// Key containers (PKCS#12 .p12/.pfx, Java keystores) are binary by nature: named so and shaped so, their bytes are
// passed on as base64 text under a one-line header, so the keystore file format can report the file itself.

const EXTENSIONS: Readonly<Record<string, string>> = {
  p12: 'PKCS12',
  pfx: 'PKCS12',
  pkcs12: 'PKCS12',
  jks: 'JKS',
  keystore: 'JKS',
  jceks: 'JCEKS',
  bks: 'BKS',
};

/** The largest container passed on (real ones are a few KiB). */
const MAX_BYTES = 1024 * 1024;

/** The container type its bytes show, given the type its name promises; undefined when they do not match. */
function shape(bytes: Uint8Array, promised: string): string | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  // PKCS#12 (RFC 7292): a DER or BER SEQUENCE whose first element is INTEGER 3 (the PFX version).
  if (b(0) === 0x30) {
    const lenBytes = b(1) === 0x80 ? 0 : b(1) > 0x80 ? b(1) - 0x80 : 0;
    const at = 2 + lenBytes;
    if (lenBytes <= 4 && b(at) === 0x02 && b(at + 1) === 0x01 && b(at + 2) === 0x03) return 'PKCS12';
  }
  if (b(0) === 0xfe && b(1) === 0xed && b(2) === 0xfe && b(3) === 0xed) return 'JKS';
  if (b(0) === 0xce && b(1) === 0xce && b(2) === 0xce && b(3) === 0xce) return 'JCEKS';
  if (promised === 'BKS' && b(0) === 0 && b(1) === 0 && b(2) === 0 && (b(3) === 1 || b(3) === 2))
    return 'BKS';
  return undefined;
}

/**
 * `KEYSTORE <type>` and the bytes in base64 (76-character lines), when `name` is a key container's and the bytes
 * are one; otherwise undefined (the item is treated like any other binary).
 */
export function keystoreText(bytes: Uint8Array, name: string): string | undefined {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const promised = EXTENSIONS[ext];
  if (promised === undefined || bytes.length < 16 || bytes.length > MAX_BYTES) return undefined;
  const type = shape(bytes, promised);
  if (type === undefined) return undefined;
  const b64 = Buffer.from(bytes).toString('base64');
  const lines: string[] = [`KEYSTORE ${type}`];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return `${lines.join('\n')}\n`;
}
