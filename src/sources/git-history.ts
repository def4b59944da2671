// Git history source (`scan git`): every unique blob of the chosen history read once, then attributed on demand.
//
// Pipeline: `git rev-list --objects --stdin` (each object once, with a path) → `git cat-file --batch-check`
// (type and size) → here: blobs under the size limit are requested from one `git cat-file --batch`, whose output
// is read with a bounded read-ahead. Every stage blocks on its pipe when the scanner falls behind, so memory does
// not grow with history. Only blobs that matched are attributed, in `resolve`, by one `git log --raw` pass.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Match } from '../model/match.ts';
import type { Skipped } from '../model/result.ts';
import type { Resolved, Source, SourceEvent } from './types.ts';
import { decodeText, looksBinary } from './content.ts';
import {
  decodeBytes,
  defaultHead,
  findIntroductions,
  headPaths,
  refsContaining,
} from '../git/introductions.ts';
import { ByteReader } from '../git/byte-reader.ts';
import { CatFile } from '../git/cat-file.ts';
import { firstLine, spawnGit, type GitContext } from '../git/process.ts';
import type { GitRepo } from '../git/repo.ts';
import { attributeMatches, introducingCommits } from '../git/attribution.ts';
import { resolveRevisions, type Revisions, type RevisionSpec } from '../git/revisions.ts';

export interface GitHistoryOptions {
  readonly repo: GitRepo;
  readonly revisions: RevisionSpec;
  /** Also scan objects no ref reaches (dangling blobs, amended-away commits). */
  readonly allObjects: boolean;
  readonly maxBlobSize: number;
  readonly includeBinary: boolean;
  /** Bytes of blob content git may run ahead of the scanner (default 8 MiB). */
  readonly readAhead?: number;
}

/** One object from the enumeration, in the order its answer will come back. */
type Pending =
  | { readonly kind: 'read'; readonly oid: string; readonly path: string }
  | { readonly kind: 'event'; readonly event: SourceEvent };

interface Listed {
  readonly oid: string;
  readonly type: string;
  readonly size: number;
  readonly path: string;
}

/** Parses a `%(objectname) %(objecttype) %(objectsize) %(rest)` line; `missing` lines have no type. */
function parseCheckLine(line: Buffer): Listed | { readonly missing: string } {
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

function blobLabel(oid: string): string {
  return `<blob ${oid.slice(0, 12)}>`;
}

function shallowNote(gitDir: string): string {
  let n = 0;
  try {
    n = readFileSync(join(gitDir, 'shallow'), 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
  } catch {
    // Count unknown: the note still says what happened.
  }
  const boundary = n > 0 ? ` (${n} boundary commit${n === 1 ? '' : 's'})` : '';
  return `shallow clone: history before the shallow boundary${boundary} is not in this clone and was not scanned; secrets first seen at a boundary commit may be older (run git fetch --unshallow, then scan again)`;
}

export function gitHistorySource(o: GitHistoryOptions): Source {
  const { repo } = o;
  const ctx: GitContext = repo.ctx;
  let revisions: Revisions | undefined;
  /** --all-objects: every commit in the object database, so attribution also walks unreachable ones. */
  const allCommits: string[] = [];

  async function* enumerate(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const revs = revisions!;
    const cat = new CatFile(ctx, {
      buffered: true,
      ...(o.readAhead === undefined ? {} : { readAhead: o.readAhead }),
    });
    const pending: Pending[] = [];
    let feederDone = false;
    let feederError: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const children: { kill: () => void }[] = [];
    const seen = o.allObjects ? new Set<string>() : undefined;

    const skip = (skipped: Skipped, incomplete: boolean): void => {
      pending.push({ kind: 'event', event: { type: 'skip', skipped, incomplete } });
      notify();
    };
    const note = (text: string, incomplete: boolean): void => {
      pending.push({ kind: 'event', event: { type: 'note', note: text, incomplete } });
      notify();
    };
    const missingSkip = (oid: string, path: string): Skipped => {
      // A loose object file that git cannot read is corrupt; an absent one is missing (a partial clone).
      const corrupt = existsSync(join(repo.gitDir, 'objects', oid.slice(0, 2), oid.slice(2)));
      return {
        path,
        reason: corrupt ? 'corrupt' : 'missing-object',
        detail: `${corrupt ? 'corrupt' : 'missing'} object ${oid}`,
      };
    };
    const offer = async (l: Listed): Promise<void> => {
      if (l.type !== 'blob') return;
      const path = l.path === '' ? blobLabel(l.oid) : l.path;
      if (l.size > o.maxBlobSize) {
        skip(
          {
            path,
            reason: 'too-large',
            detail: `blob ${l.oid.slice(0, 12)}: ${l.size} bytes > --max-file-size ${o.maxBlobSize}`,
          },
          false,
        );
        return;
      }
      pending.push({ kind: 'read', oid: l.oid, path });
      notify();
      await cat.request(l.oid);
    };

    async function reachable(): Promise<void> {
      const revList = spawnGit(ctx, ['rev-list', '--objects', '--missing=print', '--stdin']);
      const check = spawnGit(ctx, [
        'cat-file',
        '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)',
        '--buffer',
      ]);
      children.push(revList.child, check.child);
      revList.child.stdin.end(revs.lines.map((l) => `${l}\n`).join(''));
      revList.child.stdout.pipe(check.child.stdin);
      const lines = new ByteReader(check.child.stdout, 1024 * 1024);
      let objects = 0;
      for (let line = await lines.readUntil(0x0a); line !== undefined; line = await lines.readUntil(0x0a)) {
        if (signal.aborted) return;
        objects++;
        const l = parseCheckLine(line);
        if ('missing' in l) {
          skip(missingSkip(l.missing, blobLabel(l.missing)), true);
          continue;
        }
        seen?.add(l.oid);
        await offer(l);
      }
      const [revCode, checkCode] = await Promise.all([revList.exited, check.exited]);
      if (objects === 0 && revCode === 0) note(`no commits in ${revs.describe}: nothing to scan`, false);
      if (revCode !== 0 && !signal.aborted)
        note(
          `git rev-list failed, part of the history was not scanned: ${firstLine(revList.stderr())}`,
          true,
        );
      else if (checkCode !== 0 && !signal.aborted)
        note(
          `git cat-file --batch-check failed, part of the history was not scanned: ${firstLine(check.stderr())}`,
          true,
        );
    }

    async function unreachable(): Promise<void> {
      const all = spawnGit(ctx, [
        'cat-file',
        '--batch-all-objects',
        '--batch-check=%(objectname) %(objecttype) %(objectsize)',
        '--unordered',
      ]);
      children.push(all.child);
      all.child.stdin.end();
      const lines = new ByteReader(all.child.stdout, 1024 * 1024);
      let extra = 0;
      for (let line = await lines.readUntil(0x0a); line !== undefined; line = await lines.readUntil(0x0a)) {
        if (signal.aborted) return;
        const l = parseCheckLine(line);
        if ('missing' in l) continue;
        if (l.type === 'commit') allCommits.push(l.oid);
        if (l.type !== 'blob' || seen!.has(l.oid)) continue;
        extra++;
        await offer({ ...l, path: blobLabel(l.oid) });
      }
      if ((await all.exited) !== 0 && !signal.aborted)
        note(`git cat-file --batch-all-objects failed: ${firstLine(all.stderr())}`, true);
      note(
        `--all-objects: ${extra} blob${extra === 1 ? '' : 's'} not reachable from the scanned refs were also scanned`,
        false,
      );
    }

    const feeder = (async () => {
      try {
        await reachable();
        if (o.allObjects && !signal.aborted) await unreachable();
      } catch (e) {
        feederError = e instanceof Error ? e : new Error(String(e));
      } finally {
        cat.endInput();
        feederDone = true;
        notify();
      }
    })();

    try {
      for (;;) {
        if (signal.aborted) return;
        const item = pending.shift();
        if (item === undefined) {
          if (feederDone) break;
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        if (item.kind === 'event') {
          yield item.event;
          continue;
        }
        const r = await cat.next();
        if (r === undefined) break;
        if (r.kind === 'missing') {
          yield { type: 'skip', skipped: missingSkip(r.oid, item.path), incomplete: true };
          continue;
        }
        if (r.kind === 'failed') {
          yield {
            type: 'skip',
            skipped: { path: item.path, reason: 'corrupt', detail: `blob ${r.oid}: ${r.detail}` },
            incomplete: true,
          };
          continue;
        }
        const bytes = r.content;
        if (!o.includeBinary && looksBinary(bytes)) {
          yield {
            type: 'skip',
            skipped: { path: item.path, reason: 'binary', detail: `blob ${r.oid.slice(0, 12)}` },
            incomplete: false,
          };
          continue;
        }
        yield {
          type: 'fragment',
          bytes: bytes.length,
          fragment: {
            text: decodeText(bytes),
            path: item.path,
            provenance: {
              kind: 'git',
              repo: repo.root,
              blob: r.oid,
              path: item.path,
              introduced: undefined,
              seenIn: [],
              atHead: false,
            },
          },
        };
      }
      await feeder;
      if (feederError !== undefined) throw feederError;
    } finally {
      cat.close();
      for (const c of children) c.kill();
    }
  }

  return {
    name: 'git',
    targets: [repo.root],
    async *events(signal) {
      if (repo.shallow) yield { type: 'note', note: shallowNote(repo.gitDir), incomplete: true };
      revisions = await resolveRevisions(ctx, o.revisions);
      if (revisions.lines.length === 0 && !o.allObjects) {
        yield { type: 'note', note: 'the repository has no commits yet: nothing to scan', incomplete: false };
        return;
      }
      yield* enumerate(signal);
    },

    async resolve(matches: Match[]): Promise<Resolved> {
      if (revisions === undefined) return { matches, notes: [] };
      const blobs = new Set<string>();
      for (const m of matches)
        if (m.location.provenance.kind === 'git') blobs.add(m.location.provenance.blob);
      if (blobs.size === 0) return { matches, notes: [] };
      const tips = o.allObjects ? [...revisions.lines, ...allCommits] : revisions.lines;
      const intros = await findIntroductions(ctx, tips, blobs);
      const notes =
        intros.error === undefined
          ? []
          : [
              {
                note: `attribution incomplete: ${intros.error}; findings are real but may lack their introducing commit`,
                incomplete: true,
              },
            ];
      const head = await defaultHead(ctx, repo.bare);
      const data = {
        repo: repo.root,
        intros,
        head: head === undefined ? new Map<string, Set<string>>() : await headPaths(ctx, head, blobs),
        refs: new Map<string, string[]>(),
      };
      if (revisions.refFilter === undefined) return { matches: attributeMatches(matches, data), notes };
      const refs = await refsContaining(ctx, introducingCommits(matches, data), revisions.refFilter);
      return { matches: attributeMatches(matches, { ...data, refs }), notes };
    },
  };
}
