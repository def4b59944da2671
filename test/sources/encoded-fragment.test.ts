// A fragment that keeps its bytes: decoded once, on first read; searched as bytes while it is not decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodedFragment } from '../../src/sources/encoded-fragment.ts';

const meta = { path: 'k8s/db.yaml', provenance: { kind: 'file', path: 'k8s/db.yaml' } } as const;

test('decoded on first read, once; its own fields are its meta, without the text', () => {
  const bytes = Buffer.from('kind: Secret\nname: é\n', 'utf8');
  const f = new EncodedFragment(meta, bytes, 'utf-8');
  assert.deepEqual(f.encoded(), { bytes, encoding: 'utf-8' });
  assert.equal(f.text, 'kind: Secret\nname: é\n');
  assert.equal(f.text, f.text);
  assert.equal(f.encoded(), undefined, 'once decoded, the text is what is sent');
  assert.deepEqual({ ...f }, meta);
});

test('mayHold: false only when UTF-8 bytes surely lack the word; other encodings are not searched as bytes', () => {
  const utf8 = new EncodedFragment(meta, Buffer.from('kind: ConfigMap\n'), 'utf-8');
  assert.equal(utf8.mayHold('Secret'), false);
  assert.equal(utf8.mayHold('ConfigMap'), true);
  assert.equal(utf8.encoded() !== undefined, true, 'searching does not decode');
  const wide = new EncodedFragment(meta, Buffer.from('kind: ConfigMap\n', 'utf16le'), 'utf-16le');
  assert.equal(wide.mayHold('Secret'), true);
  assert.equal(wide.text, 'kind: ConfigMap\n');
  assert.equal(wide.mayHold('Secret'), false, 'decoded: the text is searched');
  // A view into a larger buffer (as cat-file answers are) is searched within its own bounds.
  const big = Buffer.from('Secret|kind: ConfigMap|Secret');
  assert.equal(new EncodedFragment(meta, big.subarray(7, 22), 'utf-8').mayHold('Secret'), false);
});
