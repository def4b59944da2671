// Apache .htpasswd and ProFTPD/Pure-FTPd password files: `user:hash` lines (apr1, bcrypt, SHA, crypt).
import { type FormatDetector, type FormatHit } from './format.ts';

const NAMES = new Set([
  '.htpasswd',
  'htpasswd',
  '.htdigest',
  'ftpd.passwd',
  'proftpdpasswd',
  'pureftpd.passwd',
  'ftpasswd',
]);
/** The hash forms htpasswd(1) writes (plus sha256/512-crypt): never a plain word. */
const HASH =
  /^(?:\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\$2[abxy]?\$\d{2}\$[./0-9A-Za-z]{53}|\{SHA\}[A-Za-z0-9+/]{27}=|\$[156]\$(?:rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,86}|[./0-9A-Za-z]{13}|[0-9a-f]{32})$/;

export const htpasswd: FormatDetector = {
  id: 'htpasswd-hash',
  description: 'Password hash in an .htpasswd or FTP server password file',
  kind: 'password-hash',
  severity: 'medium',
  confidence: 'high',
  files: '.htpasswd, .htdigest, ftpd.passwd, proftpdpasswd',
  appliesTo: (f) => NAMES.has(f.base),
  detect(text) {
    const hits: FormatHit[] = [];
    let offset = 0;
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const parts = line.split(':');
      // htpasswd: user:hash; htdigest: user:realm:md5; ftpasswd: user:hash:uid:gid:gecos:home:shell.
      const at = parts.length === 3 && /^[0-9a-f]{32}$/.test(parts[2]!) ? 2 : 1;
      const user = parts[0] ?? '';
      const hash = parts[at];
      if (!line.startsWith('#') && user !== '' && hash !== undefined && HASH.test(hash)) {
        const start = offset + parts.slice(0, at).join(':').length + 1;
        hits.push({
          start,
          end: start + hash.length,
          field: at === 2 ? 'digest' : 'password hash',
          identifier: user,
        });
      }
      offset += raw.length + 1;
    }
    return hits;
  },
  examples: [
    {
      path: 'public_html/admin/.htpasswd',
      text: 'admin:$apr1$Qd3sLz7e$2bK0mY1X9pZrVt6Wq8nJc.\nstaff:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n',
      finds: [
        { field: 'password hash', secret: '$apr1$Qd3sLz7e$2bK0mY1X9pZrVt6Wq8nJc.' },
        { field: 'password hash', secret: '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=' },
      ],
    },
    { path: '.htpasswd', text: '# managed by puppet\nadmin:*\n', finds: [] },
  ],
};
