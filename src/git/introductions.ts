// Attribution: which commits introduced the blobs that matched, where they sit at HEAD, and which refs hold them.
import { ByteReader } from './byte-reader.ts';
import { firstLine, runGit, spawnGit, type GitContext } from './process.ts';

export interface CommitMeta {
  readonly commit: string;
  /** Committer time, seconds since the epoch. */
  readonly time: number;
  /** Position in `git log --date-order` output: children before parents, so a larger order is older. */
  readonly order: number;
  readonly author: string;
  readonly email: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  readonly summary: string;
}

/** A commit whose diff against its parent(s) adds or modifies `path` to hold the blob. */
export interface Intro {
  readonly commit: string;
  readonly path: string;
}

export interface Introductions {
  readonly byBlob: ReadonlyMap<string, readonly Intro[]>;
  readonly commits: ReadonlyMap<string, CommitMeta>;
  /** Set when git log failed part-way: attribution may be incomplete. */
  readonly error: string | undefined;
}

/** Introductions kept per blob (a file reverted back and forth could have thousands). */
const MAX_INTROS_PER_BLOB = 256;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes a path or message as UTF-8; invalid bytes become U+FFFD. */
export function decodeBytes(b: Uint8Array): string {
  return utf8.decode(b);
}

/** True when `a` is older than `b`: earlier committer time, then later in date order (an ancestor). */
export function olderCommit(a: CommitMeta, b: CommitMeta): boolean {
  return a.time < b.time || (a.time === b.time && a.order > b.order);
}

const LOG_FORMAT = '--format=%x01%H%x00%ct%x00%an%x00%ae%x00%cI%x00%s%x00';

/**
 * One pass of `git log --raw` over the scanned history (no content diffs: cheap) recording, for each blob in
 * `blobs`, the commits that introduced it. Merges are diffed combined (`-c`): a merge counts only for paths that
 * differ from every parent, so a blob brought in from a side branch is attributed to the side branch's commit.
 * Root commits (orphan branches, shallow boundaries) are diffed against the empty tree.
 */
export async function findIntroductions(
  ctx: GitContext,
  revLines: readonly string[],
  blobs: ReadonlySet<string>,
): Promise<Introductions> {
  const args = [
    'log',
    '--stdin',
    '--raw',
    '-c',
    '--no-renames',
    '--no-abbrev',
    '-z',
    '--date-order',
    '--root',
    '--no-color',
    '--no-ext-diff',
    '--no-show-signature',
    '--no-notes',
    LOG_FORMAT,
  ];
  const { child, stderr, exited } = spawnGit(ctx, args);
  child.stdin.end(revLines.map((l) => `${l}\n`).join(''));
  const found = await readIntroductions(new ByteReader(child.stdout, 1024 * 1024), blobs);
  const code = await exited;
  return { ...found, error: code === 0 ? undefined : `git log failed: ${firstLine(stderr())}` };
}

/**
 * Parses `git log --raw -c -z` output with LOG_FORMAT headers (pure over a byte reader): for each blob in `blobs`,
 * the commits and paths that introduced it. Output that is not what git writes is skipped, never trusted.
 */
export async function readIntroductions(
  reader: { readUntil(delimiter: number): Promise<Buffer | undefined> },
  blobs: ReadonlySet<string>,
): Promise<Pick<Introductions, 'byBlob' | 'commits'>> {
  const byBlob = new Map<string, Intro[]>();
  const commits = new Map<string, CommitMeta>();
  let current: CommitMeta | undefined;
  let header: string[] | undefined;
  let order = 0;

  const token = async (): Promise<Buffer | undefined> => reader.readUntil(0);
  for (;;) {
    const t = await token();
    if (t === undefined) break;
    if (t.length === 0) continue;
    if (t[0] === 0x01) {
      header = [t.subarray(1).toString('latin1')];
      for (let i = 0; i < 5; i++) {
        const f = await token();
        if (f === undefined) break;
        header.push(i === 0 ? f.toString('latin1') : decodeBytes(f));
      }
      const [commit, ct, author, email, date, summary] = header;
      current = {
        commit: commit!,
        time: Number(ct),
        order: order++,
        author: author ?? '',
        email: email ?? '',
        date: date ?? '',
        summary: summary ?? '',
      };
      continue;
    }
    const start = t[0] === 0x0a ? 1 : 0;
    if (t[start] !== 0x3a /* ':' */) continue;
    const path = await token();
    if (path === undefined || current === undefined) break;
    const meta = t.subarray(start).toString('latin1');
    const parts = meta.split(' ');
    const oid = parts[parts.length - 2];
    if (oid === undefined || !blobs.has(oid)) continue;
    let list = byBlob.get(oid);
    if (list === undefined) byBlob.set(oid, (list = []));
    list.push({ commit: current.commit, path: decodeBytes(path) });
    if (!commits.has(current.commit)) commits.set(current.commit, current);
    if (list.length > 2 * MAX_INTROS_PER_BLOB) {
      list.sort((a, b) => (olderCommit(commits.get(a.commit)!, commits.get(b.commit)!) ? -1 : 1));
      list.length = MAX_INTROS_PER_BLOB;
    }
  }
  return { byBlob, commits };
}

/** For each blob in `blobs`, the paths where it sits in the tree of `rev` (empty when `rev` does not resolve). */
export async function headPaths(
  ctx: GitContext,
  rev: string,
  blobs: ReadonlySet<string>,
): Promise<Map<string, Set<string>>> {
  const out = await runGit(ctx, ['ls-tree', '-r', '-z', '--full-tree', rev]);
  const paths = new Map<string, Set<string>>();
  if (out.code !== 0) return paths;
  const buf = out.stdout;
  let pos = 0;
  while (pos < buf.length) {
    let end = buf.indexOf(0, pos);
    if (end === -1) end = buf.length;
    const tab = buf.indexOf(0x09, pos);
    if (tab !== -1 && tab < end) {
      // "<mode> <type> <oid>\t<path>"
      const meta = buf.subarray(pos, tab).toString('latin1').split(' ');
      const oid = meta[2];
      if (meta[1] === 'blob' && oid !== undefined && blobs.has(oid)) {
        let set = paths.get(oid);
        if (set === undefined) paths.set(oid, (set = new Set()));
        set.add(decodeBytes(buf.subarray(tab + 1, end)));
      }
    }
    pos = end + 1;
  }
  return paths;
}

/** The revision "still at HEAD" means: HEAD in a bare repository, else origin/HEAD when set, else HEAD. */
export async function defaultHead(ctx: GitContext, bare: boolean): Promise<string | undefined> {
  const candidates = bare ? ['HEAD'] : ['refs/remotes/origin/HEAD', 'HEAD'];
  for (const c of candidates) {
    const out = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${c}^{commit}`]);
    const oid = out.stdout.toString('utf8').trim();
    if (out.code === 0 && oid !== '') return oid;
  }
  return undefined;
}
