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
  /** `respond:`: incident response settings. */
  readonly respond: RespondConfig;
}

/** A notification target as `.keyspill.yaml` (`respond.notify`) or `--notify` gives it. */
export type NotifyTargetSpec =
  | { readonly type: 'slack'; readonly url: string }
  | { readonly type: 'pagerduty'; readonly routingKey: string; readonly url?: string | undefined }
  | { readonly type: 'webhook'; readonly url: string; readonly secretEnv?: string | undefined };

export interface RespondConfig {
  /** A folder of the organisation's own runbooks (`*.yml`), resolved against the config file. */
  readonly runbooks: string | undefined;
  /** The organisation's address ranges: audit flags source IPs outside them. */
  readonly knownCidrs: readonly string[];
  /** Regions to audit (default: every region enabled for the account). */
  readonly regions: readonly string[];
  /** Regions the account really uses (RunInstances elsewhere is flagged). */
  readonly usedRegions: readonly string[];
  readonly notify: readonly NotifyTargetSpec[];
}

export const EMPTY_RESPOND: RespondConfig = {
  runbooks: undefined,
  knownCidrs: [],
  regions: [],
  usedRegions: [],
  notify: [],
};

export const EMPTY_CONFIG: Config = {
  file: undefined,
  ruleFiles: [],
  prefixes: [],
  disable: [],
  allowlist: { paths: [], regexes: [], stopwords: [] },
  maxFileSize: undefined,
  respond: EMPTY_RESPOND,
};
