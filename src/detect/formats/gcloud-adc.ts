// Google application default credentials (gcloud auth application-default login): client secret and refresh token.
import { KNOWN_EXAMPLES } from '../plausibility.ts';
import { type FormatDetector, type FormatHit } from './format.ts';
import { jsonStrings } from './json-strings.ts';

const NAMES = new Set([
  'application_default_credentials.json',
  'adc.json',
  'credentials.json',
  'client_secret.json',
]);

export const gcloudAdc: FormatDetector = {
  id: 'gcloud-user-credential',
  description:
    'Google OAuth user credential (application default credentials: refresh token and client secret)',
  kind: 'google-oauth-token',
  severity: 'high',
  confidence: 'high',
  files: 'application_default_credentials.json, legacy_credentials/*/adc.json, client_secret*.json',
  appliesTo: (f) => {
    const n = f.base;
    return NAMES.has(n) || /^client_secret[\w.-]*\.json$/.test(n);
  },
  detect(text) {
    if (!/"(?:authorized_user|installed|web)"/.test(text)) return [];
    const hits: FormatHit[] = [];
    const clientId = jsonStrings(text).find((s) => s.path[s.path.length - 1] === 'client_id')?.value;
    for (const s of jsonStrings(text)) {
      const key = s.path[s.path.length - 1];
      // gcloud's own client secret is published with the SDK: only the refresh token is the user's.
      if (
        (key === 'refresh_token' || key === 'client_secret') &&
        s.value.length >= 16 &&
        !KNOWN_EXAMPLES.has(s.value)
      ) {
        hits.push({
          start: s.start,
          end: s.end,
          field: s.path.join('.'),
          ...(clientId === undefined ? {} : { identifier: clientId }),
          ...(key === 'client_secret' ? { kind: 'google-oauth-client-secret' } : {}),
        });
      }
    }
    return hits;
  },
  examples: [
    {
      path: '.config/gcloud/application_default_credentials.json',
      text: '{\n  "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",\n  "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",\n  "refresh_token": "1//0gLq7Vb2mXc9QkF8nTzR-L9Ir4wZpYtH3sJd0K6aEuN2xWvB5oCqG7yP1lM",\n  "type": "authorized_user"\n}\n',
      finds: [
        { field: 'refresh_token', secret: '1//0gLq7Vb2mXc9QkF8nTzR-L9Ir4wZpYtH3sJd0K6aEuN2xWvB5oCqG7yP1lM' },
      ],
    },
    {
      path: 'client_secret_4711.json',
      text: '{"installed":{"client_id":"4711-abc.apps.googleusercontent.com","project_id":"acme-tools","client_secret":"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","redirect_uris":["http://localhost"]}}',
      finds: [{ field: 'installed.client_secret', secret: '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' }],
    },
    { path: 'credentials.json', text: '{"type": "service_account", "project_id": "acme"}', finds: [] },
  ],
};
