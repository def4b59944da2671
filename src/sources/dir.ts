// Folder source: walks files and folders (iteratively), honours .gitignore, skips .git/, and reads every name git could.
//
// Paths are kept as bytes: a file or folder name that is not valid UTF-8 is read like any other and shown with
// escapes (`caf\xe9.env`). Credential files that .gitignore keeps out of git (.env, .npmrc, id_rsa…) are scanned
// anyway, and counted: a folder scan is about what is on disk.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkipReason } from '../model/result.ts';
import { contentEvents, sizeSkip, streamContent, WINDOW_BYTES, type ContentPolicy } from './content.ts';
import { archiveKind } from './archive-kind.ts';
import { isCredentialFile } from './credential-files.ts';
import type { Source, SourceEvent } from './types.ts';

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
  readonly base: Buffer;
  readonly ig: Ignore;
}

const SEP = Buffer.from(sep);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of a path as text: UTF-8 where valid, `\xNN` for each byte that is not. */
export function showBytes(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    let out = '';
    let i = 0;
    while (i < b.length) {
      const c = b[i]!;
      const len =
        c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
      let ok = len > 0 && i + len <= b.length;
      for (let k = 1; ok && k < len; k++) ok = (b[i + k]! & 0xc0) === 0x80;
      if (ok) {
        try {
          out += utf8.decode(b.subarray(i, i + len));
          i += len;
          continue;
        } catch {
          // An overlong or surrogate sequence: escape its first byte like any other invalid byte.
        }
      }
      out += `\\x${c.toString(16).padStart(2, '0')}`;
      i++;
    }
    return out;
  }
}

function join(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, SEP, name]);
}

function under(root: Buffer, p: Buffer): boolean {
  return (
    p.equals(root) ||
    (p.length > root.length &&
      p.subarray(0, root.length).equals(root) &&
      p.subarray(root.length, root.length + SEP.length).equals(SEP))
  );
}

/** True when the open file starts like an archive (zip, gzip, tar). */
async function isArchive(fh: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(512);
  const { bytesRead } = await fh.read(head, 0, 512, 0);
  return archiveKind(head.subarray(0, bytesRead)) !== undefined;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Git semantics: the deepest .gitignore with a rule for the path decides (so a nested `!keep.log` re-includes). */
function ignored(levels: readonly IgnoreLevel[], abs: Buffer, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const { base, ig } = levels[i]!;
    if (!under(base, abs) || abs.length === base.length) continue;
    const rel = showBytes(abs.subarray(base.length + SEP.length))
      .split(sep)
      .join('/');
    const r = ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

interface Frame {
  readonly dir: Buffer;
  readonly levels: IgnoreLevel[];
  readonly entries: { readonly name: Buffer; readonly kind: 'dir' | 'file' | 'link' | 'other' }[];
  next: number;
}

export function dirSource(o: DirSourceOptions): Source {
  const cwd = Buffer.from(o.cwd);
  /** Path as reported: relative to cwd with forward slashes when inside it, else absolute. */
  const shown = (abs: Buffer): string => {
    if (abs.equals(cwd)) return '.';
    const rel = under(cwd, abs) ? abs.subarray(cwd.length + SEP.length) : abs;
    return showBytes(rel).split(sep).join('/');
  };
  const skip = (abs: Buffer, reason: SkipReason, detail: string, incomplete: boolean): SourceEvent => ({
    type: 'skip',
    skipped: { path: shown(abs), reason, detail },
    incomplete,
  });
  /** Credential files scanned although a .gitignore excludes them (named in a note at the end). */
  const keptDespiteIgnore: string[] = [];

  /** One file: opened first (O_NONBLOCK: a FIFO swapped in cannot block us), then checked and sized by its handle. */
  async function* file(abs: Buffer): AsyncGenerator<SourceEvent> {
    const path = shown(abs);
    const item = { path, provenance: { kind: 'file', path } } as const;
    let fh;
    let size: number;
    try {
      fh = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        yield skip(abs, 'special-file', 'not a regular file', false);
        return;
      }
      size = st.size;
    } catch (e) {
      await fh?.close();
      yield skip(abs, 'unreadable', errCode(e), true);
      return;
    }
    const tooLarge = sizeSkip(size, o.policy, item);
    if (tooLarge !== undefined) {
      await fh.close();
      yield tooLarge;
      return;
    }
    try {
      // Archives are opened in memory (up to --max-file-size); other large files stream in windows.
      if (size <= (o.policy.windowBytes ?? WINDOW_BYTES) || (await isArchive(fh))) {
        yield* contentEvents(await readFile(fh), o.policy, item);
      } else {
        // Large files stream in windows: memory stays bounded whatever their size.
        yield* streamContent(
          fh.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }),
          o.policy,
          item,
        );
      }
    } catch (e) {
      yield skip(abs, 'unreadable', errCode(e), true);
    } finally {
      await fh.close();
    }
  }

  /** A link is scanned through only when it stays inside the root and points at a regular file. */
  async function* symlink(root: Buffer, abs: Buffer): AsyncGenerator<SourceEvent> {
    let target: Buffer;
    try {
      target = await realpath(abs, { encoding: 'buffer' });
    } catch {
      yield skip(abs, 'symlink', 'dangling link', false);
      return;
    }
    if (!under(root, target)) {
      yield skip(abs, 'symlink', 'points outside the scanned folder', false);
      return;
    }
    const st = await stat(target);
    if (st.isFile()) yield* file(abs);
    else yield skip(abs, 'symlink', 'link to a folder inside the root (scanned at its real path)', false);
  }

  /** Reads a folder: its entries sorted by name, and its .gitignore added to the levels. */
  async function* enter(dir: Buffer, levels: IgnoreLevel[]): AsyncGenerator<SourceEvent, Frame | undefined> {
    let dirents;
    try {
      dirents = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      yield skip(dir, 'unreadable', errCode(e), true);
      return undefined;
    }
    const entries = dirents
      .map((d) => ({
        name: Buffer.from(d.name),
        kind: d.isDirectory()
          ? ('dir' as const)
          : d.isFile()
            ? ('file' as const)
            : d.isSymbolicLink()
              ? ('link' as const)
              : ('other' as const),
      }))
      .sort((a, b) => Buffer.compare(a.name, b.name));
    let here = levels;
    if (
      o.useGitignore &&
      entries.some((e) => e.kind === 'file' && e.name.toString('latin1') === '.gitignore')
    ) {
      const file = join(dir, Buffer.from('.gitignore'));
      try {
        here = [...levels, { base: dir, ig: ignore().add(await readFile(file, 'utf8')) }];
      } catch (e) {
        yield { type: 'note', note: `could not read ${shown(file)}: ${errCode(e)}`, incomplete: false };
      }
    }
    return { dir, levels: here, entries, next: 0 };
  }

  /** Depth-first over the tree with an explicit stack: a folder 100,000 levels deep costs memory, not the stack. */
  async function* walk(root: Buffer, signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const first = yield* enter(root, []);
    const stack: Frame[] = first === undefined ? [] : [first];
    while (stack.length > 0) {
      if (signal.aborted) return;
      const frame = stack[stack.length - 1]!;
      const entry = frame.entries[frame.next++];
      if (entry === undefined) {
        stack.pop();
        continue;
      }
      const abs = join(frame.dir, entry.name);
      const isIgnored = o.useGitignore && ignored(frame.levels, abs, entry.kind === 'dir');
      if (entry.kind === 'dir') {
        if (entry.name.toString('latin1') === '.git' || isIgnored) continue;
        const child = yield* enter(abs, frame.levels);
        if (child !== undefined) stack.push(child);
      } else if (entry.kind === 'file') {
        if (o.accept !== undefined && !o.accept(showBytes(entry.name))) continue;
        if (isIgnored) {
          if (!isCredentialFile(showBytes(entry.name))) continue;
          keptDespiteIgnore.push(shown(abs));
        }
        yield* file(abs);
      } else if (entry.kind === 'link') {
        if (isIgnored || (o.accept !== undefined && !o.accept(showBytes(entry.name)))) continue;
        yield* symlink(root, abs);
      } else {
        yield skip(abs, 'special-file', 'socket, FIFO or device', false);
      }
    }
  }

  return {
    name: 'dir',
    targets: o.paths,
    async *events(signal) {
      for (const p of o.paths) {
        const abs = Buffer.from(resolve(o.cwd, p));
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
          let root: Buffer;
          try {
            root = await realpath(abs, { encoding: 'buffer' });
          } catch (e) {
            yield skip(abs, 'unreadable', errCode(e), true);
            continue;
          }
          yield* walk(root, signal);
        } else if (st.isFile()) {
          yield* file(abs);
        } else {
          yield skip(abs, 'special-file', 'not a regular file or folder', true);
        }
      }
      if (keptDespiteIgnore.length > 0) {
        const listed = keptDespiteIgnore.slice(0, 5).join(', ');
        const more = keptDespiteIgnore.length > 5 ? ` and ${keptDespiteIgnore.length - 5} more` : '';
        yield {
          type: 'note',
          note: `scanned ${keptDespiteIgnore.length} credential file(s) that .gitignore excludes (${listed}${more}): .gitignore keeps them out of git, not off this disk`,
          incomplete: false,
        };
      }
    },
  };
}
