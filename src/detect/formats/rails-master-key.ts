// Rails master key (config/master.key, config/credentials/<env>.key): the 32-hex key that decrypts credentials.yml.enc.
import { type FormatDetector } from './format.ts';

const KEY = /^\s{0,3}([0-9a-f]{32})\s{0,3}$/;

export const railsMasterKey: FormatDetector = {
  id: 'rails-master-key',
  description: 'Rails master key (config/master.key), which decrypts config/credentials.yml.enc',
  kind: 'rails-secret-key',
  severity: 'critical',
  confidence: 'high',
  files: 'config/master.key, config/credentials/*.key',
  appliesTo: (f) => {
    const p = f.path;
    return p.endsWith('/config/master.key') || /\/config\/credentials\/[^/]+\.key$/.test(p);
  },
  detect(text) {
    const m = KEY.exec(text);
    if (m === null || /^(.)\1+$/.test(m[1]!)) return [];
    const start = text.indexOf(m[1]!);
    return [{ start, end: start + 32, field: 'master.key' }];
  },
  examples: [
    {
      path: 'config/master.key',
      text: '4e9c2a7f1b8d3e6a0c5f9b2d7e1a4c8f\n',
      finds: [{ field: 'master.key', secret: '4e9c2a7f1b8d3e6a0c5f9b2d7e1a4c8f' }],
    },
    {
      path: 'app/config/credentials/production.key',
      text: '0b7d3f9a2c6e1f8b4a5d9c3e7f2a1b6d',
      finds: [{ field: 'master.key', secret: '0b7d3f9a2c6e1f8b4a5d9c3e7f2a1b6d' }],
    },
    { path: 'config/master.key', text: '00000000000000000000000000000000\n', finds: [] },
  ],
};
