// .keyspill.yaml loader: found in the scan root, or named with --config; parsing loads only when a file exists.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import { CONFIG_NAMES, EMPTY_CONFIG, type Config } from './types.ts';

/** A config file is a few kilobytes; anything past this is not one (and is untrusted input). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Loads `explicit` (must exist) or the first config file found in `root`. */
export async function loadConfig(root: string, explicit?: string): Promise<Config> {
  const file = explicit ?? CONFIG_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (file === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES)
      throw new ConfigError(
        `config file ${file} is ${size} bytes: more than a config file needs (at most ${MAX_CONFIG_BYTES})`,
        'check that --config names a .keyspill.yaml',
      );
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot read config file ${file}: ${reasonOf(e)}`, 'check the --config path', {
      cause: e,
    });
  }
  // YAML and the schema load only when there is a config file to read.
  const { parseConfig } = await import('./parse.ts');
  return parseConfig(text, file);
}
