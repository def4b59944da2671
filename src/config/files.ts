// Where configuration files are read from: this disk (default), or a git revision (`scan git --config-from REF`).
import { readFile, stat } from 'node:fs/promises';

/** A config file is a few kilobytes; anything past this is not one (and is untrusted input). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export class FileTooLarge extends Error {
  readonly size: number;
  constructor(size: number) {
    super(`${size} bytes: more than a configuration file needs (at most ${MAX_CONFIG_BYTES})`);
    this.size = size;
  }
}

export interface ConfigFiles {
  /** Where the files come from, for messages: undefined for this disk, else the revision (`origin/main`). */
  readonly revision: string | undefined;
  /** The text of `path` (absolute), undefined when it does not exist; FileTooLarge past MAX_CONFIG_BYTES. */
  read(path: string): Promise<string | undefined>;
}

/** Configuration, ignore and baseline files as they are on disk. */
export const DISK_FILES: ConfigFiles = {
  revision: undefined,
  async read(path) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    if (size > MAX_CONFIG_BYTES) throw new FileTooLarge(size);
    return readFile(path, 'utf8');
  },
};
