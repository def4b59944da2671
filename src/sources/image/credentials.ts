// Registry credentials: --creds, else ~/.docker/config.json (auths, credHelpers, credsStore via docker-credential-*).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, KeyspillError, reasonOf } from '../../errors.ts';
import { runTool } from '../../exec/tool.ts';
import { DOCKER_HUB } from './reference.ts';
import type { CredentialLookup, Credentials } from './registry.ts';

interface AuthEntry {
  readonly auth?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
  readonly identitytoken?: unknown;
}

interface DockerConfigFile {
  readonly auths?: Readonly<Record<string, AuthEntry>>;
  readonly credsStore?: unknown;
  readonly credHelpers?: Readonly<Record<string, unknown>>;
}

export interface CredentialOptions {
  /** From --creds. */
  readonly explicit: Credentials | undefined;
  /** DOCKER_CONFIG and HOME are read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly signal: AbortSignal;
  /** A problem that does not stop the scan (an unreadable config, a failing helper): shown as a note. */
  readonly warn: (note: string) => void;
}

/** `USER:PASS` → credentials (the password may hold colons); the error never repeats the value. */
export function parseCreds(value: string): Credentials {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1)
    throw new ConfigError(
      '--creds must be USER:PASS (both parts non-empty)',
      'e.g. --creds ci-bot:"$REGISTRY_TOKEN"',
    );
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

export function dockerConfigPath(env: CredentialOptions['env'], homedir: string): string {
  return join(env['DOCKER_CONFIG'] ?? join(homedir, '.docker'), 'config.json');
}

const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** A config key (`https://index.docker.io/v1/`, `ghcr.io`, `http://host:5000`) as a registry name. */
function keyHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** What Docker passes to a credential helper for a registry. */
function helperServer(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

function fromAuthEntry(e: AuthEntry): Credentials | 'identity-token' | undefined {
  if (typeof e.auth === 'string' && e.auth !== '') {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof e.username === 'string' && typeof e.password === 'string' && e.username !== '')
    return { username: e.username, password: e.password };
  if (typeof e.identitytoken === 'string' && e.identitytoken !== '') return 'identity-token';
  return undefined;
}

async function fromHelper(
  helper: string,
  registry: string,
  configPath: string,
  o: CredentialOptions,
): Promise<Credentials | undefined> {
  const command = `docker-credential-${helper}`;
  let r;
  try {
    r = await runTool({
      command,
      args: ['get'],
      input: helperServer(registry),
      install: `install ${command}, or remove "${helper}" from credsStore/credHelpers in ${configPath}`,
      timeoutMs: 30_000,
      signal: o.signal,
      maxBuffer: 1024 * 1024,
    });
  } catch (e) {
    o.warn(
      `credentials for ${registry}: ${configPath} names the helper ${command}, which could not run (${e instanceof KeyspillError ? e.message : reasonOf(e)}); going on without credentials`,
    );
    return undefined;
  }
  if (r.exitCode !== 0) {
    const why = (r.stdout.trim() || r.stderr.trim()).split('\n')[0]!.slice(0, 200);
    if (!/not found|no credentials/i.test(why))
      o.warn(
        `credentials for ${registry}: ${command} get failed (exit ${r.exitCode}: ${why}); going on without credentials`,
      );
    return undefined;
  }
  let v: { Username?: unknown; Secret?: unknown };
  try {
    v = JSON.parse(r.stdout) as typeof v;
  } catch {
    o.warn(`credentials for ${registry}: ${command} get did not print JSON; going on without credentials`);
    return undefined;
  }
  if (typeof v.Username !== 'string' || typeof v.Secret !== 'string' || v.Secret === '') return undefined;
  if (v.Username === '<token>') {
    o.warn(
      `credentials for ${registry}: ${command} holds an identity token, which keyspill cannot use; pass --creds USER:PASS`,
    );
    return undefined;
  }
  return { username: v.Username, password: v.Secret };
}

/**
 * The credentials for one registry: --creds first; else Docker's config file: a credHelpers entry for the registry,
 * then its auths entry, then the credsStore helper. Nothing found is not an error (anonymous pulls are tried).
 */
export async function lookupCredentials(
  registry: string,
  options: CredentialOptions,
): Promise<CredentialLookup> {
  const problems: string[] = [];
  const o: CredentialOptions = {
    ...options,
    warn: (note) => {
      problems.push(note);
      options.warn(note);
    },
  };
  const found = await lookup(registry, o);
  return problems.length === 0 ? found : { ...found, problems };
}

async function lookup(registry: string, o: CredentialOptions): Promise<CredentialLookup> {
  if (o.explicit !== undefined) return { credentials: o.explicit, from: '--creds' };
  const configPath = dockerConfigPath(o.env, o.homedir);
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') o.warn(`cannot read ${configPath}: ${reasonOf(e)}`);
    return { credentials: undefined, from: undefined };
  }
  let config: DockerConfigFile;
  try {
    config = JSON.parse(text) as DockerConfigFile;
  } catch (e) {
    o.warn(`cannot parse ${configPath}: ${(e as Error).message}; going on without credentials`);
    return { credentials: undefined, from: undefined };
  }
  const want = keyHost(registry);
  const helper = Object.entries(config.credHelpers ?? {}).find(
    ([k, v]) => keyHost(k) === want && typeof v === 'string',
  );
  if (helper !== undefined) {
    const c = await fromHelper(helper[1] as string, registry, configPath, o);
    return { credentials: c, from: c === undefined ? undefined : `docker-credential-${helper[1] as string}` };
  }
  const entry = Object.entries(config.auths ?? {}).find(([k]) => keyHost(k) === want);
  if (entry !== undefined) {
    const c = fromAuthEntry(entry[1]);
    if (c === 'identity-token')
      o.warn(
        `credentials for ${registry}: ${configPath} holds an identity token, which keyspill cannot use; pass --creds USER:PASS`,
      );
    else if (c !== undefined) return { credentials: c, from: configPath };
  }
  if (typeof config.credsStore === 'string' && config.credsStore !== '') {
    const c = await fromHelper(config.credsStore, registry, configPath, o);
    return { credentials: c, from: c === undefined ? undefined : `docker-credential-${config.credsStore}` };
  }
  return { credentials: undefined, from: undefined };
}
