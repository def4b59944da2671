// Which history to scan: every ref, some refs or branches, or a range; resolved to `--stdin` lines for git.
import { ConfigError } from '../errors.ts';
import type { RevisionSpec } from '../model/revisions.ts';
import { firstLine, runGit, type GitContext } from './process.ts';

export interface Revisions {
  /** Lines for `git rev-list --stdin` / `git log --stdin`: oids, and ^oids to exclude. */
  readonly lines: readonly string[];
  /** Which refs to name as holding a finding (undefined: do not look refs up, as for ranges). */
  readonly refFilter: ((ref: string) => boolean) | undefined;
  /** Human description for notes and targets. */
  readonly describe: string;
}

function refError(what: string, detail: string): ConfigError {
  return new ConfigError(`${what}: ${detail}`, "list the repository's refs with: git for-each-ref");
}

/** Refuses names git would read as options. */
function checkName(flag: string, name: string): void {
  if (name === '' || name.startsWith('-')) throw new ConfigError(`${flag} "${name}" is not a revision name`);
}

async function verifyCommit(ctx: GitContext, flag: string, rev: string): Promise<string> {
  checkName(flag, rev);
  const out = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  const oid = out.stdout.toString('utf8').trim();
  if (out.code !== 0 || oid === '') throw refError(`${flag} ${rev}`, 'no such commit in this repository');
  return oid;
}

function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\[\]]/g, '\\$&')
    .replace(/\*+/g, '.*')
    .replace(/\?/g, '.');
  // Without wildcards a pattern names a ref or a folder of refs ("refs/pull" is every pull-request ref).
  return /[*?]/.test(glob) ? new RegExp(`^${body}$`) : new RegExp(`^${body}(?:/.*)?$`);
}

/**
 * Ref globs: `*` and `?` match any characters, slashes included (`refs/pull/*` is every pull-request ref); a name
 * without `refs/` is also tried under refs/heads/, refs/tags/ and refs/remotes/.
 */
export function refMatcher(globs: readonly string[]): (ref: string) => boolean {
  const res: RegExp[] = [];
  for (const g of globs) {
    res.push(globRegex(g));
    if (!g.startsWith('refs/'))
      for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/']) res.push(globRegex(prefix + g));
  }
  return (ref) => res.some((r) => r.test(ref));
}

interface Ref {
  readonly oid: string;
  readonly name: string;
}

async function listRefs(ctx: GitContext): Promise<Ref[]> {
  const out = await runGit(ctx, ['for-each-ref', '--format=%(objectname) %(refname)']);
  if (out.code !== 0) throw refError('cannot list refs', firstLine(out.stderr));
  const refs: Ref[] = [];
  for (const line of out.stdout.toString('utf8').split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) refs.push({ oid: line.slice(0, sp), name: line.slice(sp + 1) });
  }
  return refs;
}

async function headOid(ctx: GitContext): Promise<string | undefined> {
  const out = await runGit(ctx, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const oid = out.stdout.toString('utf8').trim();
  return out.code === 0 && oid !== '' ? oid : undefined;
}

export async function resolveRevisions(ctx: GitContext, spec: RevisionSpec): Promise<Revisions> {
  switch (spec.kind) {
    case 'all': {
      const oids = new Set((await listRefs(ctx)).map((r) => r.oid));
      const head = await headOid(ctx);
      if (head !== undefined) oids.add(head);
      return { lines: [...oids], refFilter: () => true, describe: 'all refs' };
    }
    case 'refs': {
      for (const g of spec.globs) checkName('--refs', g);
      const match = refMatcher(spec.globs);
      const oids = [...new Set((await listRefs(ctx)).filter((r) => match(r.name)).map((r) => r.oid))];
      if (oids.length === 0) throw refError(`--refs ${spec.globs.join(' ')}`, 'no ref matches');
      return { lines: oids, refFilter: match, describe: `refs ${spec.globs.join(', ')}` };
    }
    case 'branch': {
      const oids: string[] = [];
      const names = new Set<string>();
      for (const name of spec.names) {
        oids.push(await verifyCommit(ctx, '--branch', name));
        const full = await runGit(ctx, ['rev-parse', '--symbolic-full-name', name]);
        const ref = full.stdout.toString('utf8').trim();
        if (full.code === 0 && ref.startsWith('refs/')) names.add(ref);
      }
      return {
        lines: [...new Set(oids)],
        refFilter: names.size > 0 ? (r) => names.has(r) : undefined,
        describe: spec.names.join(', '),
      };
    }
    case 'since': {
      const base = await verifyCommit(ctx, '--since-commit', spec.base);
      const tips = spec.tips.length > 0 ? spec.tips : ['HEAD'];
      const oids: string[] = [];
      for (const t of tips) oids.push(await verifyCommit(ctx, spec.tips.length > 0 ? '--branch' : 'HEAD', t));
      return {
        lines: [...new Set(oids), `^${base}`],
        refFilter: undefined,
        describe: `${spec.base}..${tips.join(',')}`,
      };
    }
    case 'range': {
      checkName('--range', spec.range);
      if (!spec.range.includes('..'))
        throw new ConfigError(
          `--range "${spec.range}" is not a range`,
          'write it as A..B (commits in B, not in A) or A...B',
        );
      const out = await runGit(ctx, ['rev-parse', '--revs-only', spec.range]);
      const lines = out.stdout
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      if (out.code !== 0 || lines.length === 0)
        throw refError(`--range ${spec.range}`, out.code !== 0 ? firstLine(out.stderr) : 'not a valid range');
      return { lines, refFilter: undefined, describe: spec.range };
    }
  }
}
