// Test helpers for git sources: deterministic real repositories in temp folders, and scans of them.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_CONFIG } from '../../src/config/types.ts';
import type { Ruleset } from '../../src/detect/ruleset.ts';
import type { Finding, Location } from '../../src/model/match.ts';
import type { GitProvenance } from '../../src/model/provenance.ts';
import type { ScanResult } from '../../src/model/result.ts';
import { activeRuleset } from '../../src/catalog/active.ts';
import { scanSource } from '../../src/scan/pipeline.ts';
import { gitHistorySource, type GitHistoryOptions } from '../../src/sources/git-history.ts';
import { openRepo } from '../../src/git/repo.ts';
import type { RevisionSpec } from '../../src/model/revisions.ts';
import { gitStagedSource } from '../../src/sources/git-staged.ts';
import { TEST_STATE_DIR } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

export const CORPORA = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora');
export const HAVE_CORPORA = existsSync(CORPORA);

/** Fake AWS access key IDs in the real format (random-looking, not the AWS documentation example). */
export const KEYS = [
  'AKIAQYLPMN5HFIQR7XYA',
  'AKIA2E5RQK7TNVW3LXPD',
  'AKIAZ7MWQ3RTK4YJ6HVC',
  'AKIAR5TXW2KQ7MNB3LPZ',
  'AKIAJ3NVX6QZW2TRK7YM',
  'AKIAW4ZQK2NTR7XV5MPJ',
  'AKIAT6KRM3XQZW7NVB2L',
  'AKIAN2VXZ7RKQ4TWM6JP',
  'AKIAP7QZT3MWK2RVN6XB',
  'AKIAV3RKZ7NQW5TXM2JL',
  'AKIAK6TWN2ZQR7VXM4PB',
] as const;

/** A git environment with no user or system config, fixed identities and a fixed clock. */
export function gitEnv(date = '2021-01-01T00:00:00Z'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_')) delete env[k];
  return {
    ...env,
    KEYSPILL_STATE_DIR: TEST_STATE_DIR,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Alice Author',
    GIT_AUTHOR_EMAIL: 'alice@example.com',
    GIT_COMMITTER_NAME: 'Carol Committer',
    GIT_COMMITTER_EMAIL: 'carol@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

export function git(
  cwd: string,
  args: readonly string[],
  o: { date?: string; input?: string; allowFail?: boolean } = {},
): string {
  const r = spawnSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: gitEnv(o.date),
    input: o.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0 && o.allowFail !== true) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A fresh repository in a temp folder. */
export class Repo {
  readonly dir: string;
  private clock = Date.parse('2021-01-01T00:00:00Z');

  constructor(dir?: string, init = true) {
    this.dir = dir ?? tempDir('keyspill-git-');
    if (init) git(this.dir, ['init', '-q']);
  }

  git(...args: string[]): string {
    return git(this.dir, args, { date: new Date(this.clock).toISOString() });
  }

  write(files: Record<string, string | Uint8Array>): this {
    writeTree(this.dir, files);
    return this;
  }

  /** Stages everything and commits one day after the previous commit; returns the commit id. */
  commit(message: string, files: Record<string, string | Uint8Array> = {}): string {
    this.write(files);
    this.git('add', '-A');
    this.clock += 24 * 3600 * 1000;
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** ISO date of the next commit (what commit() will use). */
  get nextDate(): string {
    return new Date(this.clock + 24 * 3600 * 1000).toISOString();
  }
}

let rulesetPromise: Promise<Ruleset> | undefined;
export function builtinRuleset(): Promise<Ruleset> {
  rulesetPromise ??= activeRuleset({ config: EMPTY_CONFIG, ruleFiles: [], noBuiltin: false });
  return rulesetPromise;
}

async function run(source: Parameters<typeof scanSource>[0]['source']): Promise<ScanResult> {
  const out = await scanSource({
    source,
    ruleset: await builtinRuleset(),
    ignored: new Set(),
    baseline: undefined,
    signal: new AbortController().signal,
  });
  return out.result;
}

export interface HistoryScanOptions {
  readonly revisions?: RevisionSpec;
  readonly allObjects?: boolean;
  readonly maxBlobSize?: number;
  readonly includeBinary?: boolean;
  readonly readAhead?: number;
}

export async function scanHistory(dir: string, o: HistoryScanOptions = {}): Promise<ScanResult> {
  const repo = await openRepo({ path: dir, cwd: dir, env: gitEnv() });
  const options: GitHistoryOptions = {
    repo,
    revisions: o.revisions ?? { kind: 'all' },
    allObjects: o.allObjects ?? false,
    policy: { maxFileSize: o.maxBlobSize ?? 25_000_000, includeBinary: o.includeBinary ?? false },
    ...(o.readAhead === undefined ? {} : { readAhead: o.readAhead }),
  };
  return run(gitHistorySource(options));
}

export async function scanStaged(dir: string, env: NodeJS.ProcessEnv = gitEnv()): Promise<ScanResult> {
  const repo = await openRepo({ path: undefined, cwd: dir, env });
  return run(gitStagedSource({ repo, policy: { maxFileSize: 25_000_000, includeBinary: false } }));
}

/** The finding for one secret, or undefined. */
export function findingFor(result: ScanResult, secret: string): Finding | undefined {
  return result.findings.find((f) => f.secret === secret);
}

export function gitProv(l: Location): GitProvenance {
  if (l.provenance.kind !== 'git') throw new Error(`expected git provenance, got ${l.provenance.kind}`);
  return l.provenance;
}

/** Location of a secret at `path` (throws with the locations found when absent). */
export function locationAt(result: ScanResult, secret: string, path: string): Location {
  const f = findingFor(result, secret);
  if (f === undefined)
    throw new Error(`no finding for ${secret}; findings: ${result.findings.map((x) => x.secret).join(', ')}`);
  const l = f.locations.find((x) => x.path === path);
  if (l === undefined)
    throw new Error(
      `no location ${path} for ${secret}; locations: ${f.locations.map((x) => x.path).join(', ')}`,
    );
  return l;
}

/**
 * A `git` first on PATH that runs `shell` (sh lines that see git's arguments as $1, $2 …) and then the real git:
 * how tests slow a step down or watch which git commands run. Returns its folder and the PATH to use.
 */
export function wrappedGit(shell: string): { bin: string; path: string } {
  const bin = tempDir('keyspill-git-wrapper-');
  const real = (process.env['PATH'] ?? '')
    .split(':')
    .map((d) => join(d, 'git'))
    .find((p) => existsSync(p));
  if (real === undefined) throw new Error('git is not on PATH');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\n${shell}\nexec ${JSON.stringify(real)} "$@"\n`, {
    mode: 0o755,
  });
  return { bin, path: `${bin}:${process.env['PATH'] ?? ''}` };
}
