// PuTTY private key files (.ppk, formats 2 and 3): the Private-Lines block, per PuTTY's documentation (appendix C).
import { type FormatDetector, type FormatHit } from './format.ts';

const HEADER = /^PuTTY-User-Key-File-([23]):[ \t]*([^\r\n]+)\r?$/m;

export const puttyPpk: FormatDetector = {
  id: 'putty-private-key',
  description: 'PuTTY private key file (.ppk, version 2 or 3, plain or passphrase-protected)',
  kind: 'ssh-private-key',
  severity: 'critical',
  confidence: 'high',
  files: '*.ppk',
  appliesTo: (f) => f.base.endsWith('.ppk'),
  detect(text) {
    const header = HEADER.exec(text);
    if (header === null) return [];
    const fields = new Map<string, string>();
    const lines = text.slice(header.index).split('\n');
    let offset = header.index;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, '');
      const m = /^([A-Za-z-]+):[ \t]*(.*)$/.exec(line);
      if (m !== null) fields.set(m[1]!, m[2]!);
      if (m?.[1] === 'Private-Lines') {
        const n = Number(m[2]);
        if (!Number.isInteger(n) || n < 1 || n > 500) return [];
        const start = offset + lines[i]!.length + 1;
        let end = start;
        for (let j = 1; j <= n; j++) {
          const body = lines[i + j];
          if (body === undefined || !/^[A-Za-z0-9+/=]+\r?$/.test(body)) return [];
          end += body.length + (j < n ? 1 : 0);
        }
        if (text[end - 1] === '\r') end--;
        const comment = fields.get('Comment');
        const hit: FormatHit = {
          start,
          end,
          field: 'Private-Lines',
          identifier: `${header[2]!.trim()}${comment === undefined || comment === '' ? '' : ` ${comment}`}`,
        };
        return [hit];
      }
      offset += lines[i]!.length + 1;
    }
    return [];
  },
  examples: [
    {
      path: 'keys/deploy.ppk',
      text: [
        'PuTTY-User-Key-File-3: ssh-ed25519',
        'Encryption: none',
        'Comment: eddsa-key-20250114',
        'Public-Lines: 2',
        'AAAAC3NzaC1lZDI1NTE5AAAAIB4rW9T4bq8v3ddpAAQJmz16EHDKez7qd3HgZ1lZ',
        'Q0sh',
        'Private-Lines: 1',
        'AAAAIKm+1ko7LXzBc8+Ah2l9t8xwVf8KiGjDz9xzhHdtqJEzZhXMyTOPF',
        'Private-MAC: 7fa0282bcb0b478bf3a54604c1aba69c730ecf444f901928cb182c41f46794d1',
        '',
      ].join('\n'),
      finds: [
        { field: 'Private-Lines', secret: 'AAAAIKm+1ko7LXzBc8+Ah2l9t8xwVf8KiGjDz9xzhHdtqJEzZhXMyTOPF' },
      ],
    },
    {
      path: 'id_rsa.ppk',
      text: [
        'PuTTY-User-Key-File-2: ssh-rsa',
        'Encryption: aes256-cbc',
        'Comment: build@ci',
        'Public-Lines: 1',
        'AAAAB3NzaC1yc2EAAAADAQABAAABAQCrUlE1xt80DKyXN/V9iB1Edk1MgoCn5wyn',
        'Private-Lines: 2',
        'w0uMw6JKdST+pM/KrkrtcxXoiLiXTBBDPLpHdzovCLPW82+WYVqKnaCE5rrdRMDs',
        'YjM5HvKJ0U1O3ztANH6ZEvJfR5apM94IQZ+ON2PP++3/fZJHRhHpE4qBMsu2fSAc',
        'Private-MAC: 1d4b7a9e2c0f3e8d6a5b4c3d2e1f0a9b8c7d6e5f',
        '',
      ].join('\n'),
      finds: [
        {
          field: 'Private-Lines',
          secret:
            'w0uMw6JKdST+pM/KrkrtcxXoiLiXTBBDPLpHdzovCLPW82+WYVqKnaCE5rrdRMDs\nYjM5HvKJ0U1O3ztANH6ZEvJfR5apM94IQZ+ON2PP++3/fZJHRhHpE4qBMsu2fSAc',
        },
      ],
    },
    {
      path: 'notes.ppk',
      text: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 1\nAAAA\n',
      finds: [],
    },
  ],
};
