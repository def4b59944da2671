// /etc/shadow and BSD master.passwd: `user:hash:…` lines with a crypt(3) hash (locked and empty entries skipped).
import { type FormatDetector, type FormatHit } from './format.ts';

const CRYPT = /^!?(?:\$(?:1|2[abxy]?|5|6|y|gy|7|sha1|md5)\$[./0-9A-Za-z$=,-]{8,200}|[./0-9A-Za-z]{13})$/;

export const shadow: FormatDetector = {
  id: 'shadow-hash',
  description: 'Password hash in a shadow password file (/etc/shadow, master.passwd)',
  kind: 'password-hash',
  severity: 'high',
  confidence: 'high',
  files: 'shadow, shadow-, gshadow, master.passwd, etc/passwd with hashes',
  appliesTo: (f) => {
    const n = f.base;
    return (
      n === 'shadow' ||
      n === 'shadow-' ||
      n === 'gshadow' ||
      n === 'master.passwd' ||
      ((n === 'passwd' || n === 'passwd-') && f.path.includes('/etc/'))
    );
  },
  detect(text) {
    const hits: FormatHit[] = [];
    let offset = 0;
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const parts = line.split(':');
      const hash = parts[1];
      if (parts.length >= 4 && hash !== undefined && CRYPT.test(hash)) {
        const start = offset + parts[0]!.length + 1;
        hits.push({ start, end: start + hash.length, field: 'password hash', identifier: parts[0] });
      }
      offset += raw.length + 1;
    }
    return hits;
  },
  examples: [
    {
      path: 'etc/shadow',
      text: [
        'root:$6$Vb3Jx9Qe$Zk0pLq8mR2vTy7WnXc4sHd1fGj6aBe5uIo9KlMnPq3rStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCD:19723:0:99999:7:::',
        'daemon:*:19723:0:99999:7:::',
        'backup:!:19723:0:99999:7:::',
        '',
      ].join('\n'),
      finds: [
        {
          field: 'password hash',
          secret:
            '$6$Vb3Jx9Qe$Zk0pLq8mR2vTy7WnXc4sHd1fGj6aBe5uIo9KlMnPq3rStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCD',
        },
      ],
    },
    { path: 'etc/shadow', text: 'root:!:19723:0:99999:7:::\nnobody:*:19723:0:99999:7:::\n', finds: [] },
  ],
};
