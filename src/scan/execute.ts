// Scan use case: config, rules, ignore file and baseline around one source → a ScanResult and its exit code.
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { parseSize } from '../config/size.ts';
import { ConfigError, EXIT, reasonOf } from '../errors.ts';
import { DISK_FILES, FileTooLarge, type ConfigFiles } from '../config/files.ts';
import {
  formatBaseline,
  parseBaseline,
  parseBaselineEntries,
  parseIgnoreFile,
  type BaselineEntry,
} from '../findings/ignore-file.ts';
import type { Finding } from '../model/match.ts';
import type { Confidence } from '../model/rule.ts';
import { shownPath } from '../report/place.ts';
import type { ScanResult } from '../model/result.ts';
import { loadActiveRuleset } from '../catalog/active.ts';
import { OVERLAP_BYTES, WINDOW_BYTES, type ContentPolicy } from '../sources/content.ts';
import { rulesetKey } from '../state/blob-cache.ts';
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
  /** Findings below this confidence are hidden and counted in summary.suppressed.lowConfidence (default medium). */
  readonly minConfidence?: Confidence | undefined;
  readonly makeSource: (policy: ContentPolicy, context: SourceContext) => Source | Promise<Source>;
  /** keyspill's version: part of the scan cache's key (a new engine starts a new cache). */
  readonly toolVersion?: string;
  /** Where .keyspill.yaml, .keyspillignore and the baseline are read (default this disk; --config-from REF). */
  readonly configFiles?: ConfigFiles | undefined;
  readonly onProgress?: (p: Progress) => void;
  readonly signal: AbortSignal;
}

/** What a source may need from the scan it belongs to. */
export interface SourceContext {
  /** A hash of everything that decides what scanning a given blob finds (the scan cache's key; computed on demand). */
  rulesetKey(): string;
}

export interface ExecuteScanResult {
  readonly exitCode: number;
  readonly result: ScanResult;
  /** Fragments matched on the worker thread (for --verbose). */
  readonly workerFragments: number;
}

/** Reads an ignore file or baseline (from disk, or the --config-from revision); never echoes its content. */
async function readFingerprints(
  files: ConfigFiles,
  file: string,
  what: string,
  parse: (t: string) => Set<string>,
  required: boolean,
): Promise<Set<string> | undefined> {
  let text: string | undefined;
  try {
    text = await files.read(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const why = e instanceof FileTooLarge ? e.message : reasonOf(e);
    throw new ConfigError(`cannot read ${what} ${file}: ${why}`, undefined, { cause: e });
  }
  if (text === undefined) {
    if (!required) return undefined;
    const where = files.revision === undefined ? '' : ` in ${files.revision}`;
    throw new ConfigError(
      `cannot read ${what} ${file}: ENOENT${where}`,
      `check the path, or write one with --write-baseline ${file}`,
    );
  }
  try {
    return parse(text);
  } catch (e) {
    // The message is ours (parseBaseline never quotes the file: it may hold anything).
    throw new ConfigError(
      `${what} ${file}: ${(e as Error).message}`,
      `write a new one with --write-baseline ${file}`,
      {
        cause: e,
      },
    );
  }
}

/**
 * Writes the baseline: every current finding merged into the entries already there (so a partial scan, such as
 * the pre-commit hook's staged one, adds its findings without dropping the others), sorted by fingerprint. A file
 * that exists but is not a baseline is left alone.
 */
function writeBaseline(file: string, findings: readonly Finding[]): void {
  let existing: BaselineEntry[] = [];
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`cannot read the baseline ${file}: ${reasonOf(e)}`, undefined, { cause: e });
  }
  if (text !== undefined) {
    try {
      existing = parseBaselineEntries(text);
    } catch (e) {
      throw new ConfigError(
        `${file} exists and is not a keyspill baseline (${(e as Error).message}): not overwritten`,
        'name a new file, or remove that one first',
        { cause: e },
      );
    }
  }
  const merged = new Map(existing.map((e) => [e.fingerprint, e]));
  for (const f of findings)
    merged.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      path: shownPath(f.locations[0]!),
      line: f.locations[0]!.line,
    });
  writeFileSync(file, formatBaseline([...merged.values()]));
}

export async function executeScan(o: ExecuteScanOptions): Promise<ExecuteScanResult> {
  const files = o.configFiles ?? DISK_FILES;
  const config = await loadConfig(
    o.root,
    o.configFile === undefined ? undefined : resolve(o.cwd, o.configFile),
    files,
  );
  const rulesOptions = {
    config,
    ruleFiles: o.ruleFiles.map((f) => resolve(o.cwd, f)),
    noBuiltin: !o.builtin,
    configFiles: files,
  };
  const { ruleset, spec } = await loadActiveRuleset(rulesOptions);
  if (ruleset.rules.length + ruleset.formats.length === 0)
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
    (await readFingerprints(files, ignoreFile, 'ignore file', parseIgnoreFile, o.ignoreFile !== undefined)) ??
    new Set<string>();
  // A baseline that does not exist yet (a CI check set up before the first baseline is committed, or one read
  // --config-from a base branch that has none) applies nothing, and the summary says so.
  const baselinePath = o.baselineFile === undefined ? undefined : resolve(o.cwd, o.baselineFile);
  const baseline =
    baselinePath === undefined
      ? undefined
      : await readFingerprints(files, baselinePath, 'baseline', parseBaseline, false);
  const baselineNote =
    baselinePath !== undefined && baseline === undefined
      ? `baseline ${o.baselineFile} not found${files.revision === undefined ? '' : ` in ${files.revision}`}: none applied, every finding counts as new (write one with --write-baseline)`
      : undefined;
  const baselineOut = o.writeBaselineFile === undefined ? undefined : resolve(o.cwd, o.writeBaselineFile);
  if (baselineOut !== undefined) assertWritable(baselineOut, '--write-baseline');

  const policy: ContentPolicy = { maxFileSize, includeBinary: o.includeBinary };
  const source = await o.makeSource(policy, {
    rulesetKey: () =>
      rulesetKey({
        version: o.toolVersion ?? '',
        rules: spec,
        policy,
        windows: [WINDOW_BYTES, OVERLAP_BYTES],
      }),
  });
  const out = await scanSource({
    source,
    ruleset,
    ignored,
    baseline,
    signal: o.signal,
    workerRules: spec,
    ...(o.minConfidence === undefined ? {} : { minConfidence: o.minConfidence }),
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  });

  if (baselineOut !== undefined && !out.interrupted) writeBaseline(baselineOut, out.beforeBaseline);
  const result =
    baselineNote === undefined
      ? out.result
      : {
          ...out.result,
          summary: { ...out.result.summary, notes: [baselineNote, ...out.result.summary.notes] },
        };
  // Writing the baseline accepts the findings: that run succeeded (unless it could not scan everything).
  const exitCode = out.interrupted
    ? EXIT.interrupted
    : result.findings.length > 0 && baselineOut === undefined
      ? o.findingsExitCode
      : result.summary.incomplete
        ? EXIT.failed
        : EXIT.clean;
  return { exitCode, result, workerFragments: out.workerFragments };
}

/** Fails before a long scan, not after it, when `file` cannot be written (a missing folder, no permission). */
export function assertWritable(file: string, flag: string): void {
  const dir = dirname(file);
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new ConfigError(
      `${flag} ${file}: cannot write in ${dir} (${reasonOf(e)})`,
      'create the folder first, or choose another path',
      {
        cause: e,
      },
    );
  }
}
