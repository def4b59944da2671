// Object listings: `rev-list --objects | cat-file --batch-check` (reachable) or `--batch-all-objects`, line by line.
import { ByteReader } from './byte-reader.ts';
import { decodeBytes } from './introductions.ts';
import { firstLine, spawnGit, type GitContext } from './process.ts';

export interface ListedObject {
  readonly oid: string;
  readonly type: string;
  readonly size: number;
  /** The path rev-list first reached the object at ('' for --batch-all-objects). */
  readonly path: string;
}

export type ListingLine = ListedObject | { readonly missing: string };

/** Parses a `%(objectname) %(objecttype) %(objectsize) %(rest)` line; `missing` lines have no type. */
export function parseCheckLine(line: Buffer): ListingLine {
  const a = line.indexOf(0x20);
  const oid = line.subarray(0, a === -1 ? line.length : a).toString('latin1');
  const b = a === -1 ? -1 : line.indexOf(0x20, a + 1);
  const second = line.subarray(a + 1, b === -1 ? line.length : b).toString('latin1');
  if (b === -1 && (second === 'missing' || second === 'ambiguous'))
    return { missing: oid.replace(/^\?/, '') };
  const c = b === -1 ? -1 : line.indexOf(0x20, b + 1);
  const size = Number(line.subarray(b + 1, c === -1 ? line.length : c).toString('latin1'));
  const path = c === -1 ? '' : decodeBytes(line.subarray(c + 1));
  return { oid, type: second, size, path };
}

export type ListingMode =
  /** Objects reachable from `revLines` (rev-list `--stdin` lines), each once, with a path. */
  | { readonly kind: 'reachable'; readonly revLines: readonly string[] }
  /** Every object in the object database (reachable or not), without paths. */
  | { readonly kind: 'all' };

export interface ObjectListing {
  /** The lines in batches (every line already buffered, without waiting between them). */
  readonly lines: AsyncIterable<readonly ListingLine[]>;
  /** After `lines` ends: undefined when git succeeded, else which command failed and its first error line. */
  readonly failure: () => Promise<{ readonly command: string; readonly message: string } | undefined>;
  /** Ends the git processes (on abort, or when the reader stops early). */
  readonly kill: () => void;
}

const LINE_BUFFER = 1024 * 1024;

export function listObjects(ctx: GitContext, mode: ListingMode): ObjectListing {
  if (mode.kind === 'all') {
    const all = spawnGit(ctx, [
      'cat-file',
      '--batch-all-objects',
      '--batch-check=%(objectname) %(objecttype) %(objectsize)',
      '--unordered',
    ]);
    all.child.stdin.end();
    return {
      lines: readLines(new ByteReader(all.child.stdout, LINE_BUFFER)),
      failure: async () =>
        (await all.exited) === 0
          ? undefined
          : { command: 'git cat-file --batch-all-objects', message: firstLine(all.stderr()) },
      kill: () => all.child.kill(),
    };
  }
  const revList = spawnGit(ctx, ['rev-list', '--objects', '--missing=print', '--stdin']);
  const check = spawnGit(ctx, [
    'cat-file',
    '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)',
    '--buffer',
  ]);
  revList.child.stdin.end(mode.revLines.map((l) => `${l}\n`).join(''));
  revList.child.stdout.pipe(check.child.stdin);
  return {
    lines: readLines(new ByteReader(check.child.stdout, LINE_BUFFER)),
    failure: async () => {
      const [revCode, checkCode] = await Promise.all([revList.exited, check.exited]);
      if (revCode !== 0) return { command: 'git rev-list', message: firstLine(revList.stderr()) };
      if (checkCode !== 0)
        return { command: 'git cat-file --batch-check', message: firstLine(check.stderr()) };
      return undefined;
    },
    kill: () => {
      revList.child.kill();
      check.child.kill();
    },
  };
}

async function* readLines(reader: ByteReader): AsyncGenerator<ListingLine[]> {
  for (;;) {
    const first = await reader.readUntil(0x0a);
    if (first === undefined) return;
    const batch = [parseCheckLine(first)];
    for (
      let line = reader.readUntilNow(0x0a);
      line !== null && line !== undefined;
      line = reader.readUntilNow(0x0a)
    )
      batch.push(parseCheckLine(line));
    yield batch;
  }
}
