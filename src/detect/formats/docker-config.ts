// Docker client credentials: ~/.docker/config.json `auths` and the older ~/.dockercfg (base64 user:password).
import { judgeValue } from '../plausibility.ts';
import { decodeBase64, printableAscii, type FormatDetector, type FormatHit } from './format.ts';
import { fieldName, jsonStrings } from './json-strings.ts';

const TOKEN_FIELDS = new Set(['identitytoken', 'registrytoken', 'password']);
/** The pairs documentation writes: not anyone's login. */
const DOC_PAIRS = new Set([
  'user:password',
  'username:password',
  'user:pass',
  'myuser:mypassword',
  'foo:bar',
]);

export const dockerConfig: FormatDetector = {
  id: 'docker-config-credential',
  description: 'Registry credential in a Docker client config (auths.*.auth user:password, identity token)',
  kind: 'docker-registry-credential',
  severity: 'high',
  confidence: 'high',
  files: '.docker/config.json, .dockercfg, .dockerconfigjson',
  appliesTo: (f) => {
    const n = f.base;
    return (
      n === '.dockercfg' ||
      n === '.dockerconfigjson' ||
      n === 'dockerconfig.json' ||
      (n === 'config.json' && f.path.includes('/.docker/'))
    );
  },
  detect(text) {
    const hits: FormatHit[] = [];
    for (const s of jsonStrings(text)) {
      const key = String(s.path[s.path.length - 1] ?? '').toLowerCase();
      // config.json: auths.<registry>.auth; .dockercfg: <registry>.auth.
      const registry = String(s.path[0] === 'auths' ? s.path[1] : s.path[0]);
      if (key === 'auth') {
        const decoded = decodeBase64(s.value);
        const colon = decoded?.indexOf(':') ?? -1;
        if (decoded === undefined || !printableAscii(decoded) || colon < 1 || DOC_PAIRS.has(decoded))
          continue;
        const password = decoded.slice(colon + 1);
        const judged = judgeValue(password, '', true);
        if (password.length < 3 || judged === 'reject') continue;
        hits.push({
          start: s.start,
          end: s.end,
          field: fieldName(s.path),
          identifier: `${decoded.slice(0, colon)}@${registry}`,
          ...(judged === 'weak' ? { confidence: 'low' as const } : {}),
        });
      } else if (TOKEN_FIELDS.has(key) && s.path.length >= 2) {
        if (s.value.length < 8 || judgeValue(s.value, '', true) === 'reject') continue;
        hits.push({ start: s.start, end: s.end, field: fieldName(s.path), identifier: registry });
      }
    }
    return hits;
  },
  examples: [
    {
      path: 'home/ci/.docker/config.json',
      text: '{\n  "auths": {\n    "ghcr.io": {\n      "auth": "ZGVwbG95OlQ3aGdROXMhbVoyeCNMcDA="\n    },\n    "https://index.docker.io/v1/": {\n      "auth": "Y2ktYm90OlZ4OGtxMkxtUHo3d1FuNFI="\n    }\n  },\n  "credsStore": "desktop"\n}\n',
      finds: [
        { field: 'auths.ghcr.io.auth', secret: 'ZGVwbG95OlQ3aGdROXMhbVoyeCNMcDA=' },
        { field: 'auths.https://index.docker.io/v1/.auth', secret: 'Y2ktYm90OlZ4OGtxMkxtUHo3d1FuNFI=' },
      ],
    },
    {
      path: '.dockercfg',
      text: '{"registry.acme.io":{"auth":"YnVpbGQ6ejlLcTJ3TG03UHg0","email":"build@acme.io"}}',
      finds: [{ field: 'registry.acme.io.auth', secret: 'YnVpbGQ6ejlLcTJ3TG03UHg0' }],
    },
    {
      path: '.docker/config.json',
      text: '{"auths": {"registry.acme.io": {"auth": "dXNlcm5hbWU6cGFzc3dvcmQ="}, "quay.io": {}}, "credsStore": "osxkeychain"}',
      finds: [],
    },
  ],
};
