// PostgreSQL .pgpass / pgpass.conf: hostname:port:database:username:password lines (libpq docs, 34.16).
import { judgeValue } from '../plausibility.ts';
import { type FormatDetector, type FormatHit } from './format.ts';

/** Splits a line at unescaped colons; `\:` and `\\` are literal. Returns each field's raw span. */
function fields(line: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === ':') {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  out.push({ start, end: line.length });
  return out;
}

export const pgpass: FormatDetector = {
  id: 'pgpass-password',
  description: 'Password in a PostgreSQL password file (.pgpass)',
  kind: 'db-credential',
  severity: 'high',
  confidence: 'medium',
  files: '.pgpass, pgpass.conf',
  appliesTo: (f) => {
    const n = f.base;
    return n === '.pgpass' || n === 'pgpass.conf' || n === 'pgpass';
  },
  detect(text) {
    const hits: FormatHit[] = [];
    let offset = 0;
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const f = fields(line);
      if (!line.trimStart().startsWith('#') && f.length >= 5) {
        // An unescaped colon in the password is kept in it: the password runs to the end of the line.
        const passSpan = { start: f[4]!.start, end: line.length };
        const [host, port, db, user] = f.map((s) => line.slice(s.start, s.end).replace(/\\(.)/g, '$1'));
        const pass = line.slice(passSpan.start, passSpan.end);
        const judged = judgeValue(pass, '', true);
        if (pass.length >= 4 && judged !== 'reject')
          hits.push({
            start: offset + passSpan.start,
            end: offset + passSpan.end,
            field: 'password',
            identifier: `${user ?? ''}@${host ?? ''}:${port ?? ''}/${db ?? ''}`,
            ...(judged === 'weak' ? { confidence: 'low' as const } : {}),
          });
      }
      offset += raw.length + 1;
    }
    return hits;
  },
  examples: [
    {
      path: '.pgpass',
      text: '# reporting replica\ndb-ro.acme.internal:5432:reports:analyst:q7Rk\\:2mLx9!vT\n*:*:*:postgres:Tq8#nW2vLx4z\n',
      finds: [
        { field: 'password', secret: 'q7Rk\\:2mLx9!vT' },
        { field: 'password', secret: 'Tq8#nW2vLx4z' },
      ],
    },
    { path: '.pgpass', text: 'localhost:5432:*:app:${PGPASSWORD}\n', finds: [] },
  ],
};
