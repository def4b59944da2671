// Key containers by file type: PKCS#12 and Java keystores are binary, yet reported (name and bytes must agree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentEvents } from '../../src/sources/content.ts';
import { keystoreText } from '../../src/sources/keystore.ts';
import type { SourceEvent } from '../../src/sources/types.ts';

const POLICY = { maxFileSize: 1e7, includeBinary: false };
const PKCS12 = new Uint8Array([
  0x30, 0x82, 0x04, 0x1c, 0x02, 0x01, 0x03, 0x30, 0x82, 0x03, 0xd2, 0x06, 0x09, 0x2a, 0x86, 0x48, 0, 0, 1, 2,
]);
const JKS = new Uint8Array([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0x61, 0x6c]);

async function events(bytes: Uint8Array, path: string): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const e of contentEvents(bytes, POLICY, { path, provenance: { kind: 'file', path } }))
    out.push(e);
  return out;
}

test('a .p12 or .jks whose bytes are one becomes base64 text under a KEYSTORE header', async () => {
  assert.match(keystoreText(PKCS12, 'client.p12')!, /^KEYSTORE PKCS12\nMIIEHAIBAzCCA9IGCSqGSAAAAQI=\n$/);
  assert.match(keystoreText(JKS, 'app.keystore')!, /^KEYSTORE JKS\n/);
  const [e] = await events(PKCS12, 'certs/client.pfx');
  assert.equal(e?.type, 'fragment');
});

test('the name alone or the bytes alone are not enough: other binaries are skipped as before', async () => {
  assert.equal(keystoreText(PKCS12, 'image.png'), undefined);
  assert.equal(keystoreText(new Uint8Array(32), 'client.p12'), undefined);
  const [e] = await events(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
    'client.p12',
  );
  assert.equal(e?.type, 'skip');
});
