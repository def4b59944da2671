// Staged source (`scan git --staged`): what the commit being made adds, from the index against HEAD.
// Three git processes, started together: the staged files (diff --raw), the hunks of the modified ones (diff -U0),
// and one cat-file for the staged blobs.
import { ConfigError, ScanError } from '../errors.ts';
import type { Source, SourceEvent } from './types.ts';
import { contentEvents, type ContentPolicy } from './content.ts';
import { CatFile } from '../git/cat-file.ts';
import { firstLine, runGit, withSignal } from '../git/process.ts';
import type { GitRepo } from '../git/repo.ts';
import { parseStagedDiff, STAGED_PATCH_ARGS, STAGED_RAW_ARGS, type StagedEntry } from '../git/staged-diff.ts';

export interface GitStagedOptions {
  readonly repo: GitRepo;
  readonly policy: ContentPolicy;
}

/** Regular files only: symlinks (120000) hold a target path, gitlinks (160000) a submodule commit. */
const REGULAR = new Set(['100644', '100755', '100664']);

function wanted(e: StagedEntry): boolean {
  if (!REGULAR.has(e.newMode)) return false;
  return e.added.kind !== 'ranges' || e.added.ranges.length > 0;
}

export function gitStagedSource(o: GitStagedOptions): Source {
  const repoPath = o.repo.root;
  return {
    name: 'staged',
    targets: [repoPath],
    async *events(signal): AsyncGenerator<SourceEvent> {
      if (o.repo.workTree === undefined) {
        throw new ConfigError(
          `${o.repo.gitDir} has no work tree, so nothing is staged`,
          'run --staged inside a checkout',
        );
      }
      const ctx = withSignal(o.repo.ctx, signal);
      const [raw, patch] = await Promise.all([runGit(ctx, STAGED_RAW_ARGS), runGit(ctx, STAGED_PATCH_ARGS)]);
      for (const out of [raw, patch]) {
        if (out.code !== 0) throw new ScanError(`git diff --cached failed: ${firstLine(out.stderr)}`);
      }
      const diff = parseStagedDiff(raw.stdout, patch.stdout);
      if (!diff.consistent) {
        yield {
          type: 'note',
          note: 'could not match git diff hunks to files: every line of each staged file is reported',
          incomplete: false,
        };
      }
      const entries = diff.entries.filter(wanted);
      if (entries.length === 0) return;
      const cat = new CatFile(ctx);
      try {
        // Few objects: request them all (Node buffers the writes) and read the answers in order.
        for (const e of entries) void cat.request(e.oid);
        for (const e of entries) {
          if (signal.aborted) return;
          const r = await cat.next();
          if (r === undefined) break;
          if (r.kind !== 'object') {
            yield {
              type: 'skip',
              incomplete: true,
              skipped: {
                path: e.path,
                reason: r.kind === 'missing' ? 'missing-object' : 'corrupt',
                detail: r.kind === 'failed' ? r.detail : `staged blob ${e.oid} is missing`,
              },
            };
            continue;
          }
          yield* contentEvents(r.content, o.policy, {
            path: e.path,
            provenance: { kind: 'staged', repo: repoPath, path: e.path },
            ...(e.added.kind === 'ranges' ? { lines: e.added.ranges } : {}),
          });
        }
      } finally {
        cat.close();
      }
    },
  };
}
