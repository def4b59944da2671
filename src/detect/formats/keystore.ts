// Key containers by file type: a PKCS#12 (.p12/.pfx) or Java keystore (.jks/.jceks/.bks) holds private keys.
import { type FormatDetector } from './format.ts';

const EXT = /\.(?:p12|pfx|pkcs12|jks|keystore|jceks|bks)$/;
/** What the content policy makes of a key container's bytes (src/sources/keystore.ts). */
const HEADER = /^KEYSTORE (PKCS12|JKS|JCEKS|BKS)\n[A-Za-z0-9+/=\n]{20,}$/;

export const keystore: FormatDetector = {
  id: 'keystore-file',
  description:
    'Key container committed as a file (PKCS#12 .p12/.pfx, Java keystore): private keys, often with a weak or default password',
  kind: 'private-key',
  severity: 'high',
  confidence: 'high',
  files: '*.p12, *.pfx, *.jks, *.keystore, *.jceks, *.bks (by their bytes)',
  appliesTo: (f) => EXT.test(f.base),
  detect(text) {
    const m = HEADER.exec(text);
    if (m === null) return [];
    return [{ start: 0, end: text.trimEnd().length, field: 'file', identifier: `${m[1]!} keystore` }];
  },
  examples: [
    {
      path: 'certs/client.p12',
      text: 'KEYSTORE PKCS12\nMIIJqQIBAzCCCW8GCSqGSIb3DQEHAaCCCWAEgglcMIIJWDCCBA8GCSqGSIb3DQEHBqCCBAAwggP8\n',
      finds: [
        {
          field: 'file',
          secret:
            'KEYSTORE PKCS12\nMIIJqQIBAzCCCW8GCSqGSIb3DQEHAaCCCWAEgglcMIIJWDCCBA8GCSqGSIb3DQEHBqCCBAAwggP8',
        },
      ],
    },
    {
      path: 'certs/client.p12',
      text: 'this is a text file that merely has the name of a keystore\n',
      finds: [],
    },
  ],
};
