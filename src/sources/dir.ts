// Folder source: walks files and folders, honours .gitignore, skips .git/, binaries, huge files and escaping symlinks.
import type { Stats } from 'node:fs';
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkipReason } from '../model/result.ts';
import type { Source, SourceEvent } from './types.ts';
import { contentEvent, sizeSkip, type ContentPolicy } from './content.ts';

export interface DirSourceOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  /** Honour .gitignore files (default); --no-ignore turns it off. */
  readonly useGitignore: boolean;
  readonly policy: ContentPolicy;
  /** Only files whose name passes are read when walking a folder (files named as a PATH always are). */
  readonly accept?: ((name: string) => boolean) | undefined;
}

interface IgnoreLevel {
  readonly base: string;
  readonly ig: Ignore;
}

/** Path as reported: relative to cwd with forward slashes when inside it, else absolute. */
function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  const p = rel === '' ? '.' : rel.startsWith('..') ? abs : rel;
  return p.split(sep).join('/');
}

/** Git semantics: the deepest .gitignore with a rule for the path decides (so a nested `!keep.log` re-includes). */
function ignored(levels: readonly IgnoreLevel[], abs: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const { base, ig } = levels[i]!;
    const rel = relative(base, abs).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    const r = ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export function dirSource(o: DirSourceOptions): Source {
  const skip = (abs: string, reason: SkipReason, detail: string, incomplete: boolean): SourceEvent => ({
    type: 'skip',
    skipped: { path: displayPath(o.cwd, abs), reason, detail },
    incomplete,
  });

  async function* file(abs: string, size: number): AsyncGenerator<SourceEvent> {
    const path = displayPath(o.cwd, abs);
    const item = { path, provenance: { kind: 'file', path } } as const;
    const tooLarge = sizeSkip(size, o.policy, item);
    if (tooLarge !== undefined) {
      yield tooLarge;
      return;
    }
    let bytes: Buffer;
    try {
      // Open then read, so a file replaced by a FIFO between stat and read cannot block us.
      const fh = await open(abs, 'r');
      try {
        const st = await fh.stat();
        if (!st.isFile()) {
          yield skip(abs, 'special-file', 'not a regular file', false);
          return;
        }
        bytes = await readFile(fh);
      } finally {
        await fh.close();
      }
    } catch (e) {
      yield skip(abs, 'unreadable', errCode(e), true);
      return;
    }
    yield contentEvent(bytes, o.policy, item);
  }

  async function* walk(
    root: string,
    dir: string,
    levels: IgnoreLevel[],
    signal: AbortSignal,
  ): AsyncGenerator<SourceEvent> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      yield skip(dir, 'unreadable', errCode(e), true);
      return;
    }
    let here = levels;
    if (o.useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        here = [...levels, { base: dir, ig: ignore().add(await readFile(join(dir, '.gitignore'), 'utf8')) }];
      } catch (e) {
        yield {
          type: 'note',
          note: `could not read ${displayPath(o.cwd, join(dir, '.gitignore'))}: ${errCode(e)}`,
          incomplete: false,
        };
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (signal.aborted) return;
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.git') continue;
        if (o.useGitignore && ignored(here, abs, true)) continue;
        yield* walk(root, abs, here, signal);
      } else if (entry.isFile()) {
        if (o.accept !== undefined && !o.accept(entry.name)) continue;
        if (o.useGitignore && ignored(here, abs, false)) continue;
        let size: number;
        try {
          size = (await stat(abs)).size;
        } catch (e) {
          yield skip(abs, 'unreadable', errCode(e), true);
          continue;
        }
        yield* file(abs, size);
      } else if (entry.isSymbolicLink()) {
        if (o.accept !== undefined && !o.accept(entry.name)) continue;
        if (o.useGitignore && ignored(here, abs, false)) continue;
        yield* symlink(root, abs);
      } else {
        yield skip(abs, 'special-file', 'socket, FIFO or device', false);
      }
    }
  }

  /** A link is scanned through only when it stays inside the root and points at a regular file. */
  async function* symlink(root: string, abs: string): AsyncGenerator<SourceEvent> {
    let target: string;
    try {
      target = await realpath(abs);
    } catch {
      yield skip(abs, 'symlink', 'dangling link', false);
      return;
    }
    if (!inside(root, target)) {
      yield skip(abs, 'symlink', 'points outside the scanned folder', false);
      return;
    }
    const st = await stat(target);
    if (st.isFile()) yield* file(abs, st.size);
    else yield skip(abs, 'symlink', 'link to a folder inside the root (scanned at its real path)', false);
  }

  return {
    name: 'dir',
    targets: o.paths,
    async *events(signal) {
      for (const p of o.paths) {
        const abs = resolve(o.cwd, p);
        let st: Stats;
        try {
          st = await lstat(abs);
        } catch (e) {
          const code = errCode(e);
          yield skip(abs, code === 'ENOENT' ? 'not-found' : 'unreadable', code, true);
          continue;
        }
        if (st.isSymbolicLink()) {
          const link = st;
          st = await stat(abs).catch(() => link);
        }
        if (st.isDirectory()) {
          let root: string;
          try {
            root = await realpath(abs);
          } catch (e) {
            yield skip(abs, 'unreadable', errCode(e), true);
            continue;
          }
          yield* walk(root, root === abs ? abs : root, [], signal);
        } else if (st.isFile()) {
          yield* file(abs, st.size);
        } else {
          yield skip(abs, 'special-file', 'not a regular file or folder', true);
        }
      }
    },
  };
}
