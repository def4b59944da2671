// Composer auth.json (getcomposer.org docs, "Authentication for privately hosted packages"): tokens and passwords.
import { judgeValue } from '../plausibility.ts';
import { type FormatDetector, type FormatHit } from './format.ts';
import { fieldName, jsonStrings } from './json-strings.ts';

/** Sections whose values are tokens keyed by host; http-basic holds {username, password} per host. */
const TOKEN_SECTIONS = new Set([
  'github-oauth',
  'gitlab-token',
  'gitlab-oauth',
  'bitbucket-oauth',
  'bearer',
  'forgejo-token',
]);

export const composerAuth: FormatDetector = {
  id: 'composer-auth-credential',
  description:
    'Package-registry credential in a Composer auth.json (http-basic password, GitHub/GitLab/Bitbucket tokens)',
  kind: 'package-registry-credential',
  severity: 'high',
  confidence: 'medium',
  files: 'auth.json (Composer)',
  appliesTo: (f) => f.base === 'auth.json',
  detect(text) {
    const hits: FormatHit[] = [];
    for (const s of jsonStrings(text)) {
      const [section, host, key] = s.path;
      const isBasic = section === 'http-basic' && key === 'password' && s.path.length === 3;
      const isToken =
        typeof section === 'string' &&
        TOKEN_SECTIONS.has(section) &&
        (s.path.length === 2 || (s.path.length === 3 && /token|secret|consumer-secret/.test(String(key))));
      if (!isBasic && !isToken) continue;
      const judged = judgeValue(s.value, '', true);
      if (s.value.length < 6 || judged === 'reject') continue;
      hits.push({
        start: s.start,
        end: s.end,
        field: fieldName(s.path),
        identifier: String(host),
        ...(judged === 'weak' ? { confidence: 'low' as const } : {}),
      });
    }
    return hits;
  },
  examples: [
    {
      path: 'auth.json',
      text: '{\n  "http-basic": {\n    "repo.packagist.com": {\n      "username": "token",\n      "password": "d0c8f5a1b7e34c92a6f1e8d2b3c4a5f6"\n    }\n  },\n  "github-oauth": {\n    "github.com": "ghp_16C7e42F292c6912E7710c838347Ae178B4a"\n  }\n}\n',
      finds: [
        { field: 'http-basic.repo.packagist.com.password', secret: 'd0c8f5a1b7e34c92a6f1e8d2b3c4a5f6' },
        { field: 'github-oauth.github.com', secret: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
      ],
    },
    {
      path: 'auth.json',
      text: '{"http-basic": {"example.org": {"username": "u", "password": "${COMPOSER_PASS}"}}}',
      finds: [],
    },
  ],
};
