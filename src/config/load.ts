// .keyspill.yaml loader: found in the scan root, or named with --config; parsing loads only when a file exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import { CONFIG_NAMES, EMPTY_CONFIG, type Config } from './types.ts';

/** Loads `explicit` (must exist) or the first config file found in `root`. */
export async function loadConfig(root: string, explicit?: string): Promise<Config> {
  const file = explicit ?? CONFIG_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (file === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${reasonOf(e)}`, 'check the --config path', {
      cause: e,
    });
  }
  // YAML and the schema load only when there is a config file to read.
  const { parseConfig } = await import('./parse.ts');
  return parseConfig(text, file);
}
