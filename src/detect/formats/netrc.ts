// .netrc / _netrc (and Emacs .authinfo): machine / login / password entries, per ftp(1) and curl's docs.
import { judgeValue } from '../plausibility.ts';
import { type FormatDetector, type FormatHit } from './format.ts';

const NAMES = new Set(['.netrc', '_netrc', 'netrc', '.authinfo', 'authinfo']);

/** Whitespace-separated tokens with their offsets; a `macdef` body (up to a blank line) is skipped. */
function tokens(text: string): { value: string; start: number }[] {
  const out: { value: string; start: number }[] = [];
  const re = /"((?:[^"\\\n]|\\.)*)"|[^\s]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const quoted = m[1] !== undefined;
    out.push({ value: quoted ? m[1]! : m[0], start: m.index + (quoted ? 1 : 0) });
    if (!quoted && m[0] === 'macdef') {
      const blank = text.slice(re.lastIndex).search(/\n[ \t]*\n/);
      if (blank === -1) break;
      re.lastIndex += blank + 1;
    }
  }
  return out;
}

export const netrc: FormatDetector = {
  id: 'netrc-password',
  description: 'Password in a .netrc / _netrc file (machine, login, password)',
  kind: 'netrc-credential',
  severity: 'high',
  confidence: 'medium',
  files: '.netrc, _netrc, .authinfo',
  appliesTo: (f) => NAMES.has(f.base),
  detect(text) {
    const hits: FormatHit[] = [];
    const t = tokens(text);
    let machine = 'default';
    let login: string | undefined;
    for (let i = 0; i < t.length; i++) {
      const k = t[i]!.value;
      const v = t[i + 1];
      if (k === 'machine' && v !== undefined) {
        machine = v.value;
        login = undefined;
        i++;
      } else if (k === 'default') {
        machine = 'default';
        login = undefined;
      } else if ((k === 'login' || k === 'user') && v !== undefined) {
        login = v.value;
        i++;
      } else if ((k === 'password' || k === 'passwd' || k === 'secret') && v !== undefined) {
        i++;
        const judged = judgeValue(v.value, '', true);
        // Anonymous FTP logs in with an e-mail address as its "password": not a credential.
        const anonymous = login === 'anonymous' || login === 'ftp';
        if (judged === 'reject' || v.value.length < 4 || anonymous) continue;
        hits.push({
          start: v.start,
          end: v.start + v.value.length,
          field: `machine ${machine} password`,
          identifier: login === undefined ? machine : `${login}@${machine}`,
          ...(judged === 'weak' ? { confidence: 'low' as const } : {}),
        });
      }
    }
    return hits;
  },
  examples: [
    {
      path: 'home/ci/.netrc',
      text: 'machine git.acme.internal login ci-bot password 0297d698b89183e93c2e07d117c6b781a9b8586c\n',
      finds: [
        { field: 'machine git.acme.internal password', secret: '0297d698b89183e93c2e07d117c6b781a9b8586c' },
      ],
    },
    {
      path: '_netrc',
      text: 'machine ftp.acme.io\n  login deploy\n  password "Vr7!kq 2Lmz9w"\n\ndefault login anonymous password guest@\n',
      finds: [{ field: 'machine ftp.acme.io password', secret: 'Vr7!kq 2Lmz9w' }],
    },
    {
      path: '.netrc',
      text: 'macdef init\npassword NotAPassword123\n\nmachine api.heroku.com login me@acme.io password ${HEROKU_API_KEY}\n',
      finds: [],
    },
  ],
};
