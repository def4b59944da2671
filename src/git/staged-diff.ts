// Parsing the staged diff (pure): each staged file's blob from `--raw -z`, and the lines it adds from `-p -U0`.
import { decodeBytes } from './introductions.ts';

export type AddedLines =
  /** A new file: every line is added. */
  | { readonly kind: 'all' }
  /** Ranges of added lines in the staged file (1-based, inclusive); empty when the change only removes lines. */
  | { readonly kind: 'ranges'; readonly ranges: readonly (readonly [number, number])[] }
  /** git showed no hunks because it considers the file binary (perhaps by .gitattributes). */
  | { readonly kind: 'binary' };

export interface StagedEntry {
  /** A, M, T… (no renames: they show as a deletion and an addition). */
  readonly status: string;
  readonly newMode: string;
  /** The staged blob. */
  readonly oid: string;
  readonly path: string;
  readonly added: AddedLines;
}

export interface StagedDiff {
  readonly entries: readonly StagedEntry[];
  /** False when the patch did not line up with the raw entries: every line of each file is then reported. */
  readonly consistent: boolean;
}

const COMMON = [
  'diff',
  '--cached',
  '--no-renames',
  '--no-abbrev',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--submodule=short',
] as const;

/** Every staged file added, modified or changed in type, with its staged blob (`parseStagedDiff`'s first input). */
export const STAGED_RAW_ARGS = [...COMMON, '-z', '--raw', '--diff-filter=ACMT'] as const;

/**
 * Hunks of the modified files only (`parseStagedDiff`'s second input): a new file is wholly added, so its
 * content is not sent twice. Same filter and order as the raw list, so the n-th patch is the n-th "M" entry.
 */
export const STAGED_PATCH_ARGS = [...COMMON, '-p', '-U0', '--diff-filter=M'] as const;

interface RawEntry {
  readonly status: string;
  readonly newMode: string;
  readonly oid: string;
  readonly path: string;
}

interface PatchFile {
  readonly ranges: [number, number][];
  binary: boolean;
}

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

function parsePatch(patch: Buffer): PatchFile[] {
  const files: PatchFile[] = [];
  let current: PatchFile | undefined;
  let pos = 0;
  while (pos < patch.length) {
    let end = patch.indexOf(0x0a, pos);
    if (end === -1) end = patch.length;
    const c = patch[pos];
    // Hunk content lines start with '+', '-', ' ' or '\\': only headers start with 'd', '@' or 'B'.
    if (c === 0x64 /* d */ && patch.subarray(pos, pos + 11).toString('latin1') === 'diff --git ') {
      current = { ranges: [], binary: false };
      files.push(current);
    } else if (c === 0x40 /* @ */ && current !== undefined) {
      const m = HUNK.exec(patch.subarray(pos, Math.min(end, pos + 200)).toString('latin1'));
      if (m !== null) {
        const start = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        if (count > 0) current.ranges.push([start, start + count - 1]);
      }
    } else if (
      c === 0x42 /* B */ &&
      current !== undefined &&
      patch.subarray(pos, pos + 13).toString('latin1') === 'Binary files '
    ) {
      current.binary = true;
    }
    pos = end + 1;
  }
  return files;
}

export function parseStagedDiff(rawOut: Buffer, patchOut: Buffer): StagedDiff {
  const raw: RawEntry[] = [];
  let pos = 0;
  while (pos < rawOut.length && rawOut[pos] === 0x3a /* ':' */) {
    const metaEnd = rawOut.indexOf(0, pos);
    if (metaEnd === -1) break;
    const pathEnd = rawOut.indexOf(0, metaEnd + 1);
    if (pathEnd === -1) break;
    // ":<old mode> <new mode> <old oid> <new oid> <status>"
    const meta = rawOut
      .subarray(pos + 1, metaEnd)
      .toString('latin1')
      .split(' ');
    raw.push({
      newMode: meta[1] ?? '',
      oid: meta[3] ?? '',
      status: (meta[4] ?? '').slice(0, 1),
      path: decodeBytes(rawOut.subarray(metaEnd + 1, pathEnd)),
    });
    pos = pathEnd + 1;
  }
  const patch = parsePatch(patchOut);
  const consistent = patch.length === raw.filter((r) => r.status === 'M').length;
  let next = 0;
  const entries = raw.map((r): StagedEntry => {
    // New files and type changes (symlink to file) are wholly added.
    if (r.status !== 'M') return { ...r, added: { kind: 'all' } };
    const p = consistent ? patch[next++] : undefined;
    const added: AddedLines =
      p === undefined
        ? { kind: 'all' }
        : p.binary
          ? { kind: 'binary' }
          : { kind: 'ranges', ranges: p.ranges };
    return { ...r, added };
  });
  return { entries, consistent };
}
