// Test helper: makes sure the real container-image tools (umoci, skopeo, docker-registry, htpasswd, openssl) are installed.
import { execFileSync, spawnSync } from 'node:child_process';

/** Each command the image tests run, and the Debian package that ships it. */
export const IMAGE_TOOLS = {
  umoci: 'umoci',
  skopeo: 'skopeo',
  'docker-registry': 'docker-registry',
  htpasswd: 'apache2-utils',
  openssl: 'openssl',
  tar: 'tar',
  flock: 'util-linux',
} as const satisfies Record<string, string>;

export type ImageTool = keyof typeof IMAGE_TOOLS;

let ensured = false;

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

function missingTools(): ImageTool[] {
  return (Object.keys(IMAGE_TOOLS) as ImageTool[]).filter((t) => !onPath(t));
}

/** Runs an apt command under one machine-wide lock, so two test files installing at once do not collide. */
function apt(args: readonly string[], timeoutMs: number): void {
  const lock = onPath('flock') ? ['flock', '-w', '600', '/tmp/keyspill-apt.lock'] : [];
  const argv = [...lock, 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const why = r.error ? String(r.error) : `exit ${String(r.status ?? r.signal)}`;
    throw new Error(`${argv.join(' ')} failed (${why}):\n${(r.stderr || r.stdout || '').slice(-4000)}`);
  }
}

/** True when apt knows an installable version of every package (otherwise `apt-get update` is needed first). */
function aptKnows(packages: readonly string[]): boolean {
  const r = spawnSync('apt-cache', ['policy', ...packages], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return false;
  const candidates = [...r.stdout.matchAll(/Candidate: (\S+)/g)].map((m) => m[1]);
  return candidates.length === packages.length && candidates.every((c) => c !== '(none)');
}

/**
 * Makes sure every tool in {@link IMAGE_TOOLS} is on PATH. As root it installs the missing ones with
 * `apt-get install -y` (running `apt-get update` first only when apt does not know a package yet);
 * otherwise it throws an error naming the packages to install. It never skips silently.
 * Cheap after the first call in a process. Returns the versions found (for logs and notes).
 */
export function ensureImageTools(): Record<string, string> {
  if (!ensured) {
    const missing = missingTools();
    if (missing.length > 0) {
      const packages = [...new Set(missing.map((t) => IMAGE_TOOLS[t]))];
      const hint = `apt-get install -y ${packages.join(' ')}`;
      if (process.getuid?.() !== 0) {
        throw new Error(
          `The image tests need ${missing.join(', ')}; not root, so not installing. Run as root: ${hint}`,
        );
      }
      if (!aptKnows(packages)) apt(['update'], 300_000);
      apt(['install', '-y', '--no-install-recommends', ...packages], 600_000);
      const still = missingTools();
      if (still.length > 0) throw new Error(`Still missing after \`${hint}\`: ${still.join(', ')}`);
    }
    ensured = true;
  }
  return toolVersions();
}

/** The version line of each tool (first line of its own version output). */
export function toolVersions(): Record<string, string> {
  const first = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).split('\n')[0]!.trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    umoci: first('umoci', ['--version']),
    skopeo: first('skopeo', ['--version']),
    'docker-registry': first('docker-registry', ['--version']),
    openssl: first('openssl', ['version']),
  };
}
