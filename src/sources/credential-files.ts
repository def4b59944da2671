// File names that hold credentials by convention: scanned by `scan dir` even when a .gitignore excludes them.

/** Exact base names (case-insensitive). */
const NAMES = new Set([
  '.env',
  '.envrc',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.git-credentials',
  '.dockercfg',
  '.pgpass',
  '.my.cnf',
  '.htpasswd',
  '.s3cfg',
  '.boto',
  '.vault-token',
  '.secrets',
  'credentials',
  'credentials.json',
  'credentials.yml',
  'credentials.yaml',
  'secrets.yml',
  'secrets.yaml',
  'secrets.json',
  'master.key',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'kubeconfig',
  'terraform.tfvars',
  'wp-config.php',
]);

/** Name patterns: `.env.local`, `prod.env`, keys and key stores by extension. */
const PATTERNS = [
  /^\.env\..+$/i,
  /^.+\.env$/i,
  /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|tfvars|kdbx)$/i,
  /^service[-_]?account.*\.json$/i,
];

/** True when `name` (a base name) is a conventional credential file. */
export function isCredentialFile(name: string): boolean {
  const lower = name.toLowerCase();
  return NAMES.has(lower) || PATTERNS.some((p) => p.test(name));
}
