// FileZilla saved logins: recentservers.xml / sitemanager.xml `<Pass>` (base64 since 3.26) and Server's filezilla.xml.
import { judgeValue } from '../plausibility.ts';
import { decodeBase64, printableAscii, type FormatDetector, type FormatHit } from './format.ts';

const NAMES = new Set(['recentservers.xml', 'sitemanager.xml', 'filezilla.xml', 'filezilla server.xml']);
const SERVER =
  /<Server\b[^>]*>([\s\S]{0,20000}?)<\/Server>|<User\s+Name="([^"]*)"\s*>([\s\S]{0,20000}?)<\/User>/g;

function unescapeXml(s: string): string {
  return s.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '',
  );
}

export const filezilla: FormatDetector = {
  id: 'filezilla-password',
  description: 'Saved FTP/SFTP password in FileZilla settings (recentservers.xml, sitemanager.xml)',
  kind: 'ftp-credential',
  severity: 'high',
  confidence: 'high',
  files: 'recentservers.xml, sitemanager.xml, filezilla.xml',
  appliesTo: (f) => NAMES.has(f.base),
  detect(text) {
    const hits: FormatHit[] = [];
    let m: RegExpExecArray | null;
    SERVER.lastIndex = 0;
    while ((m = SERVER.exec(text)) !== null) {
      if (m[1] !== undefined) {
        const body = m[1];
        const bodyAt = m.index + m[0].indexOf(body);
        const host = /<Host>([^<]*)<\/Host>/.exec(body)?.[1] ?? '?';
        const user = /<User>([^<]*)<\/User>/.exec(body)?.[1];
        const pass = /<Pass(\s+encoding="base64")?\s*>([^<]+)<\/Pass>/.exec(body);
        if (pass === null) continue;
        const raw = pass[2]!;
        const clear = pass[1] === undefined ? unescapeXml(raw) : decodeBase64(raw);
        if (clear === undefined || !printableAscii(clear) || clear.length < 3) continue;
        const judged = judgeValue(clear, '', true);
        if (judged === 'reject') continue;
        const start = bodyAt + pass.index + pass[0].indexOf('>') + 1;
        hits.push({
          start,
          end: start + raw.length,
          field: 'Pass',
          identifier: user === undefined ? unescapeXml(host) : `${unescapeXml(user)}@${unescapeXml(host)}`,
          ...(judged === 'weak' ? { confidence: 'medium' as const } : {}),
        });
      } else {
        // FileZilla Server: <User Name="…"><Option Name="Pass">md5 or sha512 hash</Option>.
        const body = m[3]!;
        const bodyAt = m.index + m[0].indexOf(body);
        const pass = /<Option\s+Name="Pass"\s*>([0-9A-Fa-f]{32,128})<\/Option>/.exec(body);
        if (pass === null) continue;
        const start = bodyAt + pass.index + pass[0].indexOf('>') + 1;
        hits.push({
          start,
          end: start + pass[1]!.length,
          field: 'Option[Pass]',
          identifier: unescapeXml(m[2]!),
          kind: 'password-hash',
          confidence: 'medium',
        });
      }
    }
    return hits;
  },
  examples: [
    {
      path: 'AppData/Roaming/FileZilla/recentservers.xml',
      text: [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>',
        '<FileZilla3 version="3.66.4" platform="windows">',
        '  <RecentServers>',
        '    <Server>',
        '      <Host>ftp.acme-hosting.net</Host>',
        '      <Port>21</Port>',
        '      <Protocol>0</Protocol>',
        '      <Type>0</Type>',
        '      <User>acmeweb</User>',
        '      <Pass encoding="base64">VjdxIXpSMm1Lc1A5</Pass>',
        '      <Logontype>1</Logontype>',
        '    </Server>',
        '  </RecentServers>',
        '</FileZilla3>',
        '',
      ].join('\n'),
      finds: [{ field: 'Pass', secret: 'VjdxIXpSMm1Lc1A5' }],
    },
    {
      path: 'sitemanager.xml',
      text: '<FileZilla3><Servers><Server><Host>sftp.acme.io</Host><User>deploy</User><Pass>Xq7!mB2zLw9k</Pass><Name>prod</Name></Server><Server><Host>a</Host><User>b</User><Logontype>2</Logontype></Server></Servers></FileZilla3>',
      finds: [{ field: 'Pass', secret: 'Xq7!mB2zLw9k' }],
    },
    {
      path: 'recentservers.xml',
      text: '<FileZilla3><RecentServers><Server><Host>ftp.acme.io</Host><User>anonymous</User><Logontype>0</Logontype></Server></RecentServers></FileZilla3>',
      finds: [],
    },
  ],
};
