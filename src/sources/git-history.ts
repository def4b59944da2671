// Git history source (`scan git`): every unique blob of the chosen history read once, then attributed on demand.
//
// Pipeline: `git rev-list --objects --stdin` (each object once, with a path) → `git cat-file --batch-check`
// (type and size) → here: blobs under the size limit are requested from one `git cat-file --batch`, whose output
// is read with a bounded read-ahead. Every stage blocks on its pipe when the scanner falls behind, so memory does
// not grow with history. Only blobs that matched are attributed, in `resolve`, by one `git log --raw` pass.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributeMatches, introducingCommits } from '../git/attribution.ts';
import { CatFile, type ObjectResult } from '../git/cat-file.ts';
import { defaultHead, findIntroductions, headPaths } from '../git/introductions.ts';
import { listObjects, type ListedObject, type ListingMode } from '../git/object-listing.ts';
import { pathsTouched } from '../git/config-files.ts';
import { withSignal } from '../git/process.ts';
import { refsReaching } from '../git/refs-reaching.ts';
import type { GitRepo } from '../git/repo.ts';
import { resolveRevisions, type Revisions } from '../git/revisions.ts';
import type { RevisionSpec } from '../model/revisions.ts';
import type { Match } from '../model/match.ts';
import type { GitProvenance } from '../model/provenance.ts';
import type { Skipped } from '../model/result.ts';
import { reasonOf } from '../errors.ts';
import { loadAttributionMemo, saveAttributionMemo } from '../state/attribution-memo.ts';
import { loadBlobCache, saveBlobCache } from '../state/blob-cache.ts';
import { appendEntry, loadListingMemo, saveListingMemo, type ListingEntry } from '../state/listing-memo.ts';
import { AsyncQueue } from './async-queue.ts';
import {
  contentEvents,
  simpleContentEvent,
  sizeSkip,
  type ContentItem,
  type ContentPolicy,
} from './content.ts';
import type { Resolved, Source, SourceEvent } from './types.ts';

export interface GitHistoryOptions {
  readonly repo: GitRepo;
  readonly revisions: RevisionSpec;
  /** Also scan objects no ref reaches (dangling blobs, amended-away commits). */
  readonly allObjects: boolean;
  readonly policy: ContentPolicy;
  /** Bytes of blob content git may run ahead of the scanner (default 8 MiB). */
  readonly readAhead?: number;
  /**
   * Configuration files (repository-relative: .keyspill.yaml, .keyspillignore, the baseline) that a range scan
   * reports when the range itself changes them, since their suppressions then judge the very change that adds them.
   */
  readonly watch?: readonly string[];
  /** The revision configuration is read from (--config-from), said in a note. */
  readonly configFrom?: string | undefined;
  /** The scan cache: blobs scanned clean (or binary) under the same ruleset are not read again. */
  readonly cache?: { readonly dir: string; readonly key: string } | undefined;
}

/** One listed object, in the order its answer will come back: a blob to read, or an event to pass on. */
type Pending =
  | { readonly kind: 'read'; readonly oid: string; readonly path: string }
  | { readonly kind: 'event'; readonly event: SourceEvent };

const INTERRUPTED_ATTRIBUTION =
  'interrupted before attribution finished: findings are real but may lack their introducing commit, HEAD status or refs';

/** The skip a binary blob gets, the same whether it was read now or is known from the cache. */
function binarySkipFor(path: string, oid: string): SourceEvent {
  return {
    type: 'skip',
    incomplete: false,
    skipped: {
      path,
      reason: 'binary',
      detail: `${shortBlob(oid)}: NUL byte in the first 8000 bytes (--include-binary to scan)`,
    },
  };
}

function blobLabel(oid: string): string {
  return `<blob ${oid.slice(0, 12)}>`;
}

function shortBlob(oid: string): string {
  return `blob ${oid.slice(0, 12)}`;
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

/** A blob git cannot give us: a loose object file that exists is corrupt; an absent one is missing (partial clone). */
function missingSkip(gitDir: string, oid: string, path: string): Skipped {
  const corrupt = existsSync(join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2)));
  return {
    path,
    reason: corrupt ? 'corrupt' : 'missing-object',
    detail: `${corrupt ? 'corrupt' : 'missing'} object ${oid}`,
  };
}

/** Provenance of a blob before attribution (`resolve` fills in commits, HEAD and refs for blobs that matched). */
function gitProvenance(repo: GitRepo, oid: string, path: string): GitProvenance {
  return {
    kind: 'git',
    repo: repo.root,
    blob: oid,
    path,
    introduced: undefined,
    seenIn: [],
    atHead: undefined,
  };
}

/** The events for one cat-file answer: fragments, or a skip (missing, corrupt, binary, too large). */
async function* blobEvents(o: GitHistoryOptions, r: ObjectResult, path: string): AsyncGenerator<SourceEvent> {
  if (r.kind === 'missing') {
    yield { type: 'skip', skipped: missingSkip(o.repo.gitDir, r.oid, path), incomplete: true };
    return;
  }
  if (r.kind === 'failed') {
    yield {
      type: 'skip',
      skipped: { path, reason: 'corrupt', detail: `blob ${r.oid}: ${r.detail}` },
      incomplete: true,
    };
    return;
  }
  yield* contentEvents(r.content, o.policy, blobItem(o, r.oid, path));
}

function blobItem(o: GitHistoryOptions, oid: string, path: string): ContentItem {
  return { path, label: shortBlob(oid), provenance: gitProvenance(o.repo, oid, path) };
}

export function gitHistorySource(o: GitHistoryOptions): Source {
  const { repo } = o;
  let ctx = repo.ctx;
  let revisions: Revisions | undefined;
  /** --all-objects: every commit in the object database, so attribution also walks unreachable ones. */
  const allCommits: string[] = [];
  const cache = o.cache === undefined ? undefined : loadBlobCache(o.cache.dir, o.cache.key);
  /** Blobs read and scanned this run, blobs skipped as binary, blobs with a match: what the cache learns. */
  const readBlobs = new Map<string, string>();
  const binaryBlobs = new Set<string>();
  const matchedBlobs = new Set<string>();
  /** Blobs that gave a skip besides binary (a too-large archive member, damage): scanned again next time. */
  const partialBlobs = new Set<string>();
  let fromCache = 0;
  /**
   * What this run's listing saw, in order (with a cache, without --all-objects): kept at the end of a complete scan
   * so that a rescan of the same history replays it. `replay` is set when this run replays one.
   */
  let record: ListingEntry<SourceEvent>[] | undefined;
  let replay: ListingEntry<SourceEvent>[] | undefined;
  /** Items and bytes the summary counted for a blob read, when not one item of its size (while recording). */
  const counted = new Map<string, { items: number; bytes: number }>();
  /** Attribution started early for the blobs the cache says had findings. */
  let prefetch:
    | {
        readonly blobs: ReadonlySet<string>;
        readonly intros: ReturnType<typeof findIntroductions>;
        /** From the attribution memo of an earlier run over this exact history (nothing to save again). */
        readonly memo: boolean;
      }
    | undefined;

  /**
   * Lists the objects of the history (then, with --all-objects, every other object) and queues, in order, a
   * read for each blob under the size limit or an event for anything else. Awaiting the cat-file request is
   * the backpressure: the listing stops while git's stdin is full.
   */
  async function feed(cat: CatFile, queue: AsyncQueue<Pending>, signal: AbortSignal): Promise<void> {
    const seen = o.allObjects ? new Set<string>() : undefined;
    const event = (e: SourceEvent): undefined => {
      if (record !== undefined) appendEntry(record, { t: 'event', event: e });
      queue.push({ kind: 'event', event: e });
      return undefined;
    };
    /** Queues one listed object; a promise only when git's stdin is full (the backpressure), else undefined. */
    const offer = (l: ListedObject): Promise<void> | undefined => {
      if (l.type !== 'blob') return;
      const path = l.path === '' ? blobLabel(l.oid) : l.path;
      const tooLarge = sizeSkip(l.size, o.policy, {
        path,
        label: shortBlob(l.oid),
        provenance: gitProvenance(repo, l.oid, path),
      });
      if (tooLarge !== undefined) return event(tooLarge);
      if (cache?.clean.has(l.oid) === true) {
        fromCache++;
        readBlobs.set(l.oid, path);
        if (record !== undefined) appendEntry(record, { t: 'cached', items: 1, bytes: l.size });
        queue.push({ kind: 'event', event: { type: 'cached', bytes: l.size } });
        return undefined;
      }
      if (cache?.binary.has(l.oid) === true && !o.policy.includeBinary) {
        binaryBlobs.add(l.oid);
        return event(binarySkipFor(path, l.oid));
      }
      if (record !== undefined) appendEntry(record, { t: 'read', oid: l.oid, path, size: l.size });
      queue.push({ kind: 'read', oid: l.oid, path });
      return cat.request(l.oid);
    };
    if (replay !== undefined) {
      // The same history under the same rules: what the last complete scan listed, without listing it again.
      for (const e of replay) {
        if (signal.aborted) return;
        if (e.t === 'cached') {
          fromCache += e.items;
          queue.push({ kind: 'event', event: { type: 'cached', bytes: e.bytes, items: e.items } });
        } else if (e.t === 'event') queue.push({ kind: 'event', event: e.event });
        else {
          queue.push({ kind: 'read', oid: e.oid, path: e.path });
          const wait = cat.request(e.oid);
          if (wait !== undefined) await wait;
        }
      }
      return;
    }
    const run = async (
      mode: ListingMode,
      onLine: (l: ListedObject) => Promise<void> | undefined,
    ): Promise<number> => {
      const listing = listObjects(ctx, mode);
      let count = 0;
      try {
        for await (const batch of listing.lines) {
          for (const l of batch) {
            if (signal.aborted) return count;
            count++;
            if ('missing' in l) {
              if (mode.kind === 'reachable')
                event({
                  type: 'skip',
                  skipped: missingSkip(repo.gitDir, l.missing, blobLabel(l.missing)),
                  incomplete: true,
                });
              continue;
            }
            const wait = onLine(l);
            if (wait !== undefined) await wait;
          }
        }
        const failed = await listing.failure();
        if (failed !== undefined || signal.aborted) record = undefined;
        if (failed !== undefined && !signal.aborted) {
          const where = mode.kind === 'reachable' ? ', part of the history was not scanned' : '';
          event({
            type: 'note',
            note: `${failed.command} failed${where}: ${failed.message}`,
            incomplete: true,
          });
        } else if (count === 0 && mode.kind === 'reachable') {
          event({
            type: 'note',
            note: `no commits in ${revisions!.describe}: nothing to scan`,
            incomplete: false,
          });
        }
        return count;
      } finally {
        listing.kill();
      }
    };

    await run({ kind: 'reachable', revLines: revisions!.lines }, (l) => {
      seen?.add(l.oid);
      return offer(l);
    });
    if (!o.allObjects || signal.aborted) return;
    let extra = 0;
    await run({ kind: 'all' }, (l) => {
      if (l.type === 'commit') allCommits.push(l.oid);
      if (l.type !== 'blob' || seen!.has(l.oid)) return undefined;
      extra++;
      return offer({ ...l, path: blobLabel(l.oid) });
    });
    event({
      type: 'note',
      note: `--all-objects: ${extra} blob${extra === 1 ? '' : 's'} not reachable from the scanned refs were also scanned`,
      incomplete: false,
    });
  }

  /** In a range scan (CI), says when the range changes the files that decide what is suppressed. */
  async function* configNotes(revs: Revisions): AsyncGenerator<SourceEvent> {
    if (o.configFrom !== undefined)
      yield {
        type: 'note',
        note: `configuration read from ${o.configFrom} (--config-from)`,
        incomplete: false,
      };
    const ranged = o.revisions.kind === 'since' || o.revisions.kind === 'range';
    if (!ranged || o.watch === undefined || o.watch.length === 0 || o.configFrom !== undefined) return;
    const touched = await pathsTouched(ctx, revs.lines);
    const changed = o.watch.filter((p) => touched.has(p));
    if (changed.length === 0) return;
    yield {
      type: 'note',
      note: `this range changes ${changed.join(', ')}: the suppressions it adds apply to the scan of the same change; to judge it by the base branch's configuration, scan with --config-from <base branch>`,
      incomplete: false,
    };
  }

  /** Reads the queue in order: events pass through, reads take the next cat-file answer. */
  async function* enumerate(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const cat = new CatFile(ctx, {
      buffered: true,
      ...(o.readAhead === undefined ? {} : { readAhead: o.readAhead }),
    });
    const queue = new AsyncQueue<Pending>();
    let feedError: Error | undefined;
    const feeder = feed(cat, queue, signal)
      .catch((e: unknown) => (feedError = e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        cat.endInput();
        queue.end();
      });
    try {
      for (let item = await queue.next(); item !== undefined; item = await queue.next()) {
        if (signal.aborted) return;
        if (item.kind === 'event') {
          yield item.event;
          continue;
        }
        const r = await cat.next();
        if (r === undefined) break;
        const simple =
          r.kind === 'object'
            ? simpleContentEvent(r.content, o.policy, blobItem(o, r.oid, item.path), true)
            : undefined;
        // What the summary counts for this blob (windows once, archive members each), kept for a replay when it
        // is not the usual one item of the blob's size.
        let items = 0;
        let bytes = 0;
        for await (const ev of simple === undefined ? blobEvents(o, r, item.path) : [simple]) {
          if (ev.type === 'fragment' && r.kind === 'object') {
            readBlobs.set(r.oid, item.path);
            items += ev.continued === true ? 0 : 1;
            bytes += ev.bytes;
          } else if (ev.type === 'skip' && r.kind === 'object')
            (ev.skipped.reason === 'binary' ? binaryBlobs : partialBlobs).add(r.oid);
          yield ev;
        }
        if (
          record !== undefined &&
          r.kind === 'object' &&
          items > 0 &&
          (items !== 1 || bytes !== r.content.length)
        )
          counted.set(r.oid, { items, bytes });
      }
      await feeder;
      if (feedError !== undefined) throw feedError;
    } finally {
      cat.close();
    }
  }

  return {
    name: 'git',
    targets: [repo.root],
    async *events(signal) {
      // Every git this source starts stops within a second of Ctrl-C.
      ctx = withSignal(repo.ctx, signal);
      if (repo.shallow) yield { type: 'note', note: shallowNote(repo.gitDir), incomplete: true };
      revisions = await resolveRevisions(ctx, o.revisions);
      // Blobs that had findings last time will likely have them again: start their attribution (one git log
      // pass) now, beside the listing, instead of after the scan. Not with --all-objects (its tips come later).
      if (o.cache !== undefined && cache !== undefined && !o.allObjects) {
        const lines = revisions.lines;
        // An unchanged history replays the last complete listing; a damaged blob cache is rebuilt from a full one.
        if (cache.problem === undefined) replay = loadListingMemo(o.cache.dir, o.cache.key, repo.root, lines);
        if (replay === undefined) record = [];
        // Its attribution is in the attribution memo (no git log at all); else it starts now, beside the listing.
        const memo = cache.matched.size > 0 ? loadAttributionMemo(o.cache.dir, lines) : undefined;
        if (memo !== undefined && [...cache.matched].every((b) => memo.blobs.has(b)))
          prefetch = { blobs: memo.blobs, intros: Promise.resolve(memo.intros), memo: true };
        else if (cache.matched.size > 0) {
          prefetch = {
            blobs: cache.matched,
            intros: findIntroductions(ctx, lines, cache.matched),
            memo: false,
          };
          prefetch.intros.catch(() => undefined);
        }
      }
      yield* configNotes(revisions);
      if (revisions.lines.length === 0 && !o.allObjects) {
        yield { type: 'note', note: 'the repository has no commits yet: nothing to scan', incomplete: false };
        return;
      }
      yield* enumerate(signal);
    },

    async complete(outcome) {
      if (o.cache === undefined || cache === undefined) return [];
      const notes: string[] = [];
      if (cache.problem !== undefined) notes.push(`scan cache ignored (${cache.problem}); it was rebuilt`);
      if (fromCache > 0)
        notes.push(
          `${fromCache} blob(s) were scanned clean by an earlier run with the same rules (scan cache): not read again`,
        );
      if (outcome.interrupted) return notes;
      // A blob whose matches the allowlists dropped is read again next time, so the summary counts them again.
      const allowlisted = new Set<string>();
      for (const p of outcome.suppressed.keys()) if (p.kind === 'git') allowlisted.add(p.blob);
      const clean = [...readBlobs].filter(
        ([oid, path]) =>
          !matchedBlobs.has(oid) &&
          !partialBlobs.has(oid) &&
          !allowlisted.has(oid) &&
          !outcome.unfinishedPaths.has(path),
      );
      if (record !== undefined) {
        // Blobs read clean become counts; binary ones their skip; the rest (findings, partial) are read again.
        const cleanOids = new Set(clean.map(([oid]) => oid));
        const entries: ListingEntry<SourceEvent>[] = [];
        for (const e of record)
          appendEntry(
            entries,
            e.t !== 'read'
              ? e
              : cleanOids.has(e.oid)
                ? { t: 'cached', ...(counted.get(e.oid) ?? { items: 1, bytes: e.size }) }
                : binaryBlobs.has(e.oid)
                  ? { t: 'event', event: binarySkipFor(e.path, e.oid) }
                  : e,
          );
        saveListingMemo(o.cache.dir, o.cache.key, repo.root, revisions!.lines, entries);
      }
      try {
        // Merge with what is on disk now (another run, or a submodule's scan, may have saved since we loaded).
        const now = loadBlobCache(o.cache.dir, o.cache.key);
        const cleanNow = new Set([...now.clean, ...cache.clean, ...clean.map(([oid]) => oid)]);
        for (const oid of matchedBlobs) cleanNow.delete(oid);
        saveBlobCache(o.cache.dir, o.cache.key, {
          clean: cleanNow,
          binary: new Set([...now.binary, ...cache.binary, ...binaryBlobs]),
          matched: matchedBlobs,
        });
      } catch (e) {
        notes.push(
          `could not write the scan cache in ${o.cache.dir} (${reasonOf(e)}); pass --no-cache or --cache-dir DIR`,
        );
      }
      return notes;
    },

    async resolve(matches: Match[], signal: AbortSignal): Promise<Resolved> {
      for (const m of matches)
        if (m.location.provenance.kind === 'git') matchedBlobs.add(m.location.provenance.blob);
      if (revisions === undefined) return { matches, notes: [] };
      const blobs = new Set<string>();
      for (const m of matches)
        if (m.location.provenance.kind === 'git') blobs.add(m.location.provenance.blob);
      if (blobs.size === 0) return { matches, notes: [] };
      const interrupted = {
        matches,
        notes: [{ note: INTERRUPTED_ATTRIBUTION, incomplete: true }],
      };
      if (signal.aborted) return interrupted;
      ctx = withSignal(repo.ctx, signal);
      const tips = o.allObjects ? [...revisions.lines, ...allCommits] : revisions.lines;
      const usePrefetch = prefetch !== undefined && [...blobs].every((b) => prefetch!.blobs.has(b));
      const intros = usePrefetch ? await prefetch!.intros : await findIntroductions(ctx, tips, blobs);
      if (signal.aborted) return interrupted;
      if (o.cache !== undefined && !o.allObjects && !(usePrefetch && prefetch!.memo))
        saveAttributionMemo(o.cache.dir, revisions.lines, usePrefetch ? prefetch!.blobs : blobs, intros);
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
      const refs = await refsReaching(ctx, introducingCommits(matches, data), revisions.refFilter);
      if (signal.aborted) notes.push({ note: INTERRUPTED_ATTRIBUTION, incomplete: true });
      return { matches: attributeMatches(matches, { ...data, refs }), notes };
    },
  };
}
