// The Config type: .keyspill.yaml after validation, and the empty config used when there is none.
import type { PrefixSpec } from '../model/prefix.ts';

export const CONFIG_NAMES = ['.keyspill.yaml', '.keyspill.yml'] as const;

export interface Config {
  /** The file it came from, or undefined when none was found. */
  readonly file: string | undefined;
  /** Rule files, resolved against the config file's folder. */
  readonly ruleFiles: readonly string[];
  readonly prefixes: readonly PrefixSpec[];
  readonly disable: readonly string[];
  readonly allowlist: {
    readonly paths: readonly string[];
    readonly regexes: readonly string[];
    readonly stopwords: readonly string[];
  };
  readonly maxFileSize: number | undefined;
}

export const EMPTY_CONFIG: Config = {
  file: undefined,
  ruleFiles: [],
  prefixes: [],
  disable: [],
  allowlist: { paths: [], regexes: [], stopwords: [] },
  maxFileSize: undefined,
};
