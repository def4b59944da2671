// A repository's history with its submodules: named when not entered, or scanned too with --recurse-submodules.
import { defaultHead } from '../git/introductions.ts';
import { openRepo, type GitRepo } from '../git/repo.ts';
import { listSubmodules, type Submodule } from '../git/submodules.ts';
import type { Match } from '../model/match.ts';
import type { GitCommitRef, GitProvenance } from '../model/provenance.ts';
import type { Resolved, Source, SourceEvent } from './types.ts';
import { gitHistorySource, type GitHistoryOptions } from './git-history.ts';

/** Submodules inside submodules are followed this deep. */
const MAX_SUBMODULE_DEPTH = 3;

function describe(s: Submodule): string {
  return `${s.path}${s.url === undefined ? '' : ` (${s.url})`} at ${s.commit.slice(0, 7)}`;
}

function prefixed(prefix: string, p: string): string {
  return `${prefix}/${p}`;
}

function prefixRef(prefix: string, r: GitCommitRef): GitCommitRef {
  return { ...r, path: prefixed(prefix, r.path) };
}

/** A submodule's match with its paths shown from the superproject (`libs/foo/config.yml`). */
function underPrefix(m: Match, prefix: string): Match {
  const p = m.location.provenance as GitProvenance;
  const provenance: GitProvenance = {
    ...p,
    path: prefixed(prefix, p.path),
    introduced: p.introduced === undefined ? undefined : prefixRef(prefix, p.introduced),
    seenIn: p.seenIn.map((r) => prefixRef(prefix, r)),
  };
  return { ...m, location: { ...m.location, path: prefixed(prefix, m.location.path), provenance } };
}

interface Part {
  readonly source: Source;
  readonly repoRoot: string;
  readonly prefix: string | undefined;
}

/**
 * The history source of `repo`, plus its submodules: without `recurse` a note names each submodule that was not
 * entered and how to scan it; with it, each checked-out submodule's whole history is scanned as well (every ref of
 * its own repository), its findings shown under the submodule's path.
 */
export function superprojectSource(
  repo: GitRepo,
  history: Omit<GitHistoryOptions, 'repo'>,
  recurse: boolean,
): Source {
  const parts: Part[] = [
    { source: gitHistorySource({ repo, ...history }), repoRoot: repo.root, prefix: undefined },
  ];

  async function* submoduleEvents(
    r: GitRepo,
    prefix: string | undefined,
    depth: number,
    signal: AbortSignal,
  ): AsyncGenerator<SourceEvent> {
    const head = await defaultHead(r.ctx, r.bare);
    const subs = head === undefined ? [] : await listSubmodules(r.ctx, head, r.workTree);
    if (subs.length === 0) return;
    const shown = (s: Submodule): Submodule =>
      prefix === undefined ? s : { ...s, path: prefixed(prefix, s.path) };
    if (!recurse) {
      const listed = subs
        .slice(0, 5)
        .map((s) => describe(shown(s)))
        .join(', ');
      const more = subs.length > 5 ? ` and ${subs.length - 5} more` : '';
      yield {
        type: 'note',
        note: `${subs.length} submodule(s) not entered: ${listed}${more}. Scan them too with --recurse-submodules (after git submodule update --init), or one by one: keyspill scan git PATH`,
        incomplete: false,
      };
      return;
    }
    for (const s of subs) {
      if (signal.aborted) return;
      const path = shown(s).path;
      if (s.checkout === undefined) {
        yield {
          type: 'note',
          note: `submodule ${describe(shown(s))} is not checked out, so it was not scanned: run git submodule update --init, then scan again`,
          incomplete: true,
        };
        continue;
      }
      if (depth >= MAX_SUBMODULE_DEPTH) {
        yield {
          type: 'note',
          note: `submodule ${path} is nested more than ${MAX_SUBMODULE_DEPTH} deep: not scanned`,
          incomplete: true,
        };
        continue;
      }
      const sub = await openRepo({ path: s.checkout, cwd: s.checkout, env: r.ctx.env });
      const source = gitHistorySource({
        ...history,
        repo: sub,
        revisions: { kind: 'all' },
        watch: [],
        configFrom: undefined,
      });
      parts.push({ source, repoRoot: sub.root, prefix: path });
      yield {
        type: 'note',
        note: `submodule ${describe(shown(s))}: its whole history was scanned too`,
        incomplete: false,
      };
      for await (const ev of source.events(signal)) {
        // Fragments keep the submodule's own paths (its attribution needs them); resolve shows them prefixed.
        if (ev.type === 'skip') {
          yield { ...ev, skipped: { ...ev.skipped, path: prefixed(path, ev.skipped.path) } };
        } else yield ev;
      }
      yield* submoduleEvents(sub, path, depth + 1, signal);
    }
  }

  return {
    name: 'git',
    targets: [repo.root],
    async *events(signal) {
      yield* parts[0]!.source.events(signal);
      if (!signal.aborted) yield* submoduleEvents(repo, undefined, 1, signal);
    },
    async complete(outcome) {
      const notes: string[] = [];
      for (const part of parts)
        if (part.source.complete !== undefined) notes.push(...(await part.source.complete(outcome)));
      return notes;
    },
    async resolve(matches: Match[], signal: AbortSignal): Promise<Resolved> {
      const out: Match[] = [];
      const notes: Resolved['notes'][number][] = [];
      for (const part of parts) {
        const mine = matches.filter(
          (m) => m.location.provenance.kind === 'git' && m.location.provenance.repo === part.repoRoot,
        );
        if (mine.length === 0) continue;
        const r =
          part.source.resolve === undefined
            ? { matches: mine, notes: [] }
            : await part.source.resolve(mine, signal);
        out.push(
          ...(part.prefix === undefined ? r.matches : r.matches.map((m) => underPrefix(m, part.prefix!))),
        );
        notes.push(...r.notes);
      }
      out.push(...matches.filter((m) => m.location.provenance.kind !== 'git'));
      return { matches: out, notes };
    },
  };
}
