// Editor FTP/SFTP plug-in settings that keep passwords in clear: Sublime SFTP, VS Code SFTP, Atom remote-ftp/-sync.
import { judgeValue } from '../plausibility.ts';
import { type FormatDetector, type FormatHit } from './format.ts';
import { jsonSecretFields } from './json-strings.ts';

const SPEC = {
  secretKeys: new Set(['password', 'pass', 'passphrase', 'passwd']),
  userKeys: ['user', 'username', 'login'],
  hostKeys: ['host', 'hostname', 'server'],
};

export const sftpClients: FormatDetector = {
  id: 'sftp-client-password',
  description:
    'Saved FTP/SFTP password in an editor plug-in config (sftp-config.json, .vscode/sftp.json, .ftpconfig, .remote-sync.json)',
  kind: 'ftp-credential',
  severity: 'high',
  confidence: 'medium',
  files: 'sftp-config.json, .vscode/sftp.json, .ftpconfig, .remote-sync.json, deploy-config.json',
  appliesTo: (f) => {
    const n = f.base;
    return (
      n === 'sftp-config.json' ||
      n === '.ftpconfig' ||
      n === '.remote-sync.json' ||
      n === 'ftp-sync.json' ||
      (n === 'sftp.json' && f.path.includes('/.vscode/'))
    );
  },
  detect(text) {
    const hits: FormatHit[] = [];
    for (const { value, field, identifier } of jsonSecretFields(text, SPEC)) {
      const judged = judgeValue(value.value, '', true);
      if (value.value.length < 4 || judged === 'reject') continue;
      hits.push({
        start: value.start,
        end: value.end,
        field,
        identifier,
        ...(judged === 'weak' ? { confidence: 'low' as const } : {}),
      });
    }
    return hits;
  },
  examples: [
    {
      path: 'site/sftp-config.json',
      text: '{\n    // sftp, ftp or ftps\n    "type": "sftp",\n    "upload_on_save": true,\n    "host": "www.acme-shop.com",\n    "user": "acmeshop",\n    "password": "Nq4!vR8zKp2w",\n    "port": "22",\n    "remote_path": "/var/www/"\n}\n',
      finds: [{ field: 'password', secret: 'Nq4!vR8zKp2w' }],
    },
    {
      path: '.vscode/sftp.json',
      text: '{"name": "prod", "host": "10.0.4.7", "protocol": "sftp", "username": "deploy", "password": "zT6#qLm2Xv9p", "remotePath": "/srv/app"}',
      finds: [{ field: 'password', secret: 'zT6#qLm2Xv9p' }],
    },
    {
      path: '.ftpconfig',
      text: '{"protocol": "ftp", "host": "ftp.acme.io", "user": "web", "pass": "", "promptForPass": true}',
      finds: [],
    },
  ],
};
