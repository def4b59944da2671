// Scan use case: config, rules, ignore file and baseline around one source → a ScanResult and its exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { parseSize } from '../config/size.ts';
import { ConfigError, EXIT, reasonOf } from '../errors.ts';
import { formatBaseline, parseBaseline, parseIgnoreFile } from '../findings/ignore-file.ts';
import type { ScanResult } from '../model/result.ts';
import { loadActiveRuleset } from '../catalog/active.ts';
import type { ContentPolicy } from '../sources/content.ts';
import type { Source } from '../sources/types.ts';
import { scanSource, type Progress } from './pipeline.ts';

export const DEFAULT_MAX_FILE_SIZE = 25 * 1000 * 1000;
export const IGNORE_FILE = '.keyspillignore';

export interface ExecuteScanOptions {
  /** Where .keyspill.yaml and .keyspillignore are looked for. */
  readonly root: string;
  readonly cwd: string;
  readonly configFile: string | undefined;
  readonly ruleFiles: readonly string[];
  readonly builtin: boolean;
  readonly ignoreFile: string | undefined;
  readonly baselineFile: string | undefined;
  readonly writeBaselineFile: string | undefined;
  readonly findingsExitCode: number;
  readonly maxFileSize: string | undefined;
  readonly includeBinary: boolean;
  readonly makeSource: (policy: ContentPolicy) => Source | Promise<Source>;
  readonly onProgress?: (p: Progress) => void;
  readonly signal: AbortSignal;
}

export interface ExecuteScanResult {
  readonly exitCode: number;
  readonly result: ScanResult;
  /** Fragments matched on the worker thread (for --verbose). */
  readonly workerFragments: number;
}

function readFingerprints(
  file: string,
  what: string,
  parse: (t: string) => Set<string>,
  required: boolean,
): Set<string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${what} ${file}: ${reasonOf(e)}`, undefined, { cause: e });
  }
  try {
    return parse(text);
  } catch (e) {
    throw new ConfigError(
      `${what} ${file}: ${(e as Error).message}`,
      `write a new one with --write-baseline ${file}`,
      { cause: e },
    );
  }
}

export async function executeScan(o: ExecuteScanOptions): Promise<ExecuteScanResult> {
  const config = await loadConfig(
    o.root,
    o.configFile === undefined ? undefined : resolve(o.cwd, o.configFile),
  );
  const rulesOptions = {
    config,
    ruleFiles: o.ruleFiles.map((f) => resolve(o.cwd, f)),
    noBuiltin: !o.builtin,
  };
  const { ruleset, spec } = await loadActiveRuleset(rulesOptions);
  if (ruleset.rules.length === 0)
    throw new ConfigError('no rules are active', 'drop --no-builtin, or add rule files with --rules');
  let maxFileSize: number;
  try {
    maxFileSize =
      o.maxFileSize === undefined ? (config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) : parseSize(o.maxFileSize);
  } catch (e) {
    throw new ConfigError(`--max-file-size: ${(e as Error).message}`, undefined, { cause: e });
  }
  const ignoreFile = o.ignoreFile === undefined ? join(o.root, IGNORE_FILE) : resolve(o.cwd, o.ignoreFile);
  const ignored =
    readFingerprints(ignoreFile, 'ignore file', parseIgnoreFile, o.ignoreFile !== undefined) ??
    new Set<string>();
  const baseline =
    o.baselineFile === undefined
      ? undefined
      : readFingerprints(resolve(o.cwd, o.baselineFile), 'baseline', parseBaseline, true);

  const source = await o.makeSource({ maxFileSize, includeBinary: o.includeBinary });
  const out = await scanSource({
    source,
    ruleset,
    ignored,
    baseline,
    signal: o.signal,
    workerRules: spec,
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  });

  if (o.writeBaselineFile !== undefined) {
    const entries = out.beforeBaseline.map((f) => ({
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      path: f.locations[0]!.path,
      line: f.locations[0]!.line,
    }));
    writeFileSync(resolve(o.cwd, o.writeBaselineFile), formatBaseline(entries));
  }
  const exitCode = out.interrupted
    ? EXIT.interrupted
    : out.result.findings.length > 0
      ? o.findingsExitCode
      : out.result.summary.incomplete
        ? EXIT.failed
        : EXIT.clean;
  return { exitCode, result: out.result, workerFragments: out.workerFragments };
}
