// Journal integrity (pure): each line's own hash, its sequence number, the hash chain, and the recorded head.
import { createHash } from 'node:crypto';
import type { JournalEntry } from '../model/incident.ts';

export interface JournalHead {
  readonly seq: number;
  readonly hash: string;
}

export type ProblemKind =
  'not-json' | 'edited' | 'missing' | 'reordered' | 'chain' | 'truncated' | 'removed-tail';

export interface JournalProblem {
  /** 1-based line of the journal file. */
  readonly line: number;
  readonly kind: ProblemKind;
  readonly message: string;
}

export interface JournalCheck {
  /** The entries that parsed, in file order. */
  readonly entries: readonly JournalEntry[];
  readonly problems: readonly JournalProblem[];
  /**
   * An incomplete last line (no newline, not JSON) past the recorded head: what a crash in the middle of a
   * write leaves. `keep` is the byte length of the journal without it.
   */
  readonly torn?: { readonly line: number; readonly keep: number } | undefined;
}

export const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

/** The `prev` of the first entry: binds the chain to its incident, so lines cannot move between incidents. */
export function genesis(incidentId: string): string {
  return sha256(`keyspill-journal-v1\0${incidentId}`);
}

/** The hash an entry carries: over its JSON without the `hash` field, keys in written order. */
export function entryHash(entry: object): string {
  const rest: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
  delete rest['hash'];
  return sha256(JSON.stringify(rest));
}

/** Checks a journal's text; every problem names its line. The head (head.json) catches removed last entries. */
export function checkJournal(text: string, incidentId: string, head?: JournalHead): JournalCheck {
  const endsWithNewline = text.endsWith('\n');
  const lines = text === '' ? [] : text.split('\n');
  if (endsWithNewline) lines.pop();
  const entries: JournalEntry[] = [];
  const problems: JournalProblem[] = [];
  let torn: JournalCheck['torn'];
  const hashes = new Map<number, string>([[0, genesis(incidentId)]]);
  let expected = 1;
  let offset = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const last = i === lines.length - 1;
    const start = offset;
    offset += Buffer.byteLength(raw) + 1;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(raw) as JournalEntry;
      if (entry === null || typeof entry !== 'object' || typeof entry.seq !== 'number')
        throw new Error('no seq');
    } catch {
      if (last && !endsWithNewline) {
        if (head === undefined || head.seq < expected) torn = { line, keep: start };
        problems.push({
          line,
          kind: 'truncated',
          message: `line ${line} is truncated: an incomplete entry (a crash in the middle of a write, or the file was cut)`,
        });
      } else {
        problems.push({
          line,
          kind: 'not-json',
          message: `line ${line} is not a journal entry (not valid JSON): it was edited`,
        });
      }
      expected += 1;
      return;
    }
    entries.push(entry);
    // The entry before this one, wherever it stands (so one misplaced line is reported once, not on every later line).
    const before = hashes.get(entry.seq - 1);
    if (entryHash(entry) !== entry.hash) {
      problems.push({
        line,
        kind: 'edited',
        message: `line ${line} (entry #${entry.seq}) was edited: its content does not match its hash`,
      });
    } else if (entry.seq > expected) {
      const gap = entry.seq - expected;
      problems.push({
        line,
        kind: 'missing',
        message: `line ${line}: entry #${expected}${gap > 1 ? `–#${entry.seq - 1}` : ''} ${gap > 1 ? 'are' : 'is'} missing before it (deleted${gap === 1 ? ' or moved' : ''})`,
      });
    } else if (entry.seq < expected) {
      problems.push({
        line,
        kind: 'reordered',
        message: `line ${line}: entry #${entry.seq} is out of order (expected #${expected})`,
      });
    } else if (before !== undefined && entry.prev !== before) {
      problems.push({
        line,
        kind: 'chain',
        message: `line ${line} (entry #${entry.seq}) does not follow the entry before it: an earlier entry was changed, removed or reordered`,
      });
    }
    hashes.set(entry.seq, entry.hash);
    expected = Math.max(expected, entry.seq + 1);
  });
  if (head !== undefined) {
    const atHead = entries.find((e) => e.seq === head.seq);
    const lastSeq = entries.at(-1)?.seq ?? 0;
    if (atHead === undefined && head.seq > lastSeq) {
      problems.push({
        line: lines.length + 1,
        kind: 'removed-tail',
        message: `the journal ends at entry #${lastSeq} (line ${lines.length}) but was written up to entry #${head.seq}: entries were removed from its end`,
      });
    } else if (atHead !== undefined && atHead.hash !== head.hash) {
      problems.push({
        line: entries.indexOf(atHead) + 1,
        kind: 'edited',
        message: `line ${entries.indexOf(atHead) + 1} (entry #${head.seq}) differs from the entry recorded as the journal's head`,
      });
    }
  }
  return { entries, problems, torn };
}
