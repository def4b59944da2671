// The incident journal: append-only JSONL, one fsync per entry, mode 0600, hash-chained, with a head file.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ScanError } from '../errors.ts';
import type { JournalBody, JournalEntry } from '../model/incident.ts';
import { checkJournal, entryHash, genesis, type JournalCheck, type JournalHead } from './journal-verify.ts';

export const JOURNAL_FILE = 'journal.jsonl';
export const HEAD_FILE = 'head.json';

export function readHead(dir: string): JournalHead | undefined {
  try {
    const h = JSON.parse(readFileSync(join(dir, HEAD_FILE), 'utf8')) as JournalHead;
    return typeof h.seq === 'number' && typeof h.hash === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and checks an incident's journal (nothing is changed). */
export function readJournal(dir: string, incidentId: string): JournalCheck {
  let text: string;
  try {
    text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    text = '';
  }
  return checkJournal(text, incidentId, readHead(dir));
}

export class Journal {
  readonly dir: string;
  readonly incidentId: string;
  readonly #entries: JournalEntry[];
  #fd: number;
  readonly #now: () => Date;

  private constructor(dir: string, incidentId: string, entries: JournalEntry[], fd: number, now: () => Date) {
    this.dir = dir;
    this.incidentId = incidentId;
    this.#entries = entries;
    this.#fd = fd;
    this.#now = now;
  }

  /** A new, empty journal (the incident folder exists). */
  static create(dir: string, incidentId: string, now: () => Date = () => new Date()): Journal {
    const fd = openSync(join(dir, JOURNAL_FILE), 'ax', 0o600);
    return new Journal(dir, incidentId, [], fd, now);
  }

  /**
   * Opens a journal to append to it. A journal that fails verification is refused; an incomplete last line past
   * the recorded head (a crash in the middle of a write) is cut off and the repair journaled.
   */
  static open(dir: string, incidentId: string, now: () => Date = () => new Date()): Journal {
    const file = join(dir, JOURNAL_FILE);
    if (!existsSync(file)) throw new ScanError(`incident ${incidentId} has no journal (${file})`);
    const check = readJournal(dir, incidentId);
    const torn = check.torn;
    const real = check.problems.filter(
      (p) => !(torn !== undefined && p.kind === 'truncated' && p.line === torn.line),
    );
    if (real.length > 0) {
      throw new ScanError(
        `the journal of incident ${incidentId} fails verification, so keyspill will not act on it:\n` +
          real.map((p) => `  ${p.message}`).join('\n'),
        `inspect it: keyspill respond verify ${incidentId}; the journal is ${file}`,
      );
    }
    if (torn !== undefined) truncateSync(file, torn.keep);
    const fd = openSync(file, 'a', 0o600);
    const j = new Journal(dir, incidentId, [...check.entries], fd, now);
    if (torn !== undefined) {
      j.append({
        type: 'repaired',
        detail: `cut off an incomplete last line (line ${torn.line}) left by an interrupted write`,
      });
    }
    return j;
  }

  get entries(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** Appends one entry and fsyncs it (then the head) before returning. */
  append(body: JournalBody): JournalEntry {
    const last = this.#entries.at(-1);
    const draft = {
      seq: (last?.seq ?? 0) + 1,
      time: this.#now().toISOString(),
      prev: last?.hash ?? genesis(this.incidentId),
      ...body,
    };
    const entry = { ...draft, hash: entryHash(draft) } as JournalEntry;
    const line = `${JSON.stringify(entry)}\n`;
    writeSync(this.#fd, line);
    fsyncSync(this.#fd);
    this.#entries.push(entry);
    this.#writeHead({ seq: entry.seq, hash: entry.hash });
    return entry;
  }

  #writeHead(head: JournalHead): void {
    const file = join(this.dir, HEAD_FILE);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(head)}\n`, { mode: 0o600, flush: true });
    renameSync(tmp, file);
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
