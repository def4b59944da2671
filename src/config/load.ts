// .keyspill.yaml loader: found in the scan root, or named with --config; parsing loads only when a file exists.
import { join } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import { DISK_FILES, FileTooLarge, type ConfigFiles } from './files.ts';
import { CONFIG_NAMES, EMPTY_CONFIG, type Config } from './types.ts';

export { MAX_CONFIG_BYTES } from './files.ts';

/** Loads `explicit` (must exist, read from disk) or the first config file found in `root` (from `files`). */
export async function loadConfig(
  root: string,
  explicit?: string,
  files: ConfigFiles = DISK_FILES,
): Promise<Config> {
  const from = explicit === undefined ? files : DISK_FILES;
  const candidates = explicit === undefined ? CONFIG_NAMES.map((n) => join(root, n)) : [explicit];
  for (const file of candidates) {
    let text: string | undefined;
    try {
      text = await from.read(file);
    } catch (e) {
      const why = e instanceof FileTooLarge ? e.message : reasonOf(e);
      throw new ConfigError(
        `cannot read config file ${file}: ${why}`,
        'check that --config names a .keyspill.yaml',
        {
          cause: e,
        },
      );
    }
    if (text === undefined) {
      if (explicit !== undefined)
        throw new ConfigError(`cannot read config file ${file}: ENOENT`, 'check the --config path');
      continue;
    }
    // YAML and the schema load only when there is a config file to read.
    const { parseConfig } = await import('./parse.ts');
    const shown = from.revision === undefined ? file : `${from.revision}:${file}`;
    return parseConfig(text, shown, file);
  }
  return EMPTY_CONFIG;
}
