// Scan job: config, rules, ignore file and baseline around one source; renders and writes the report.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, parseSize } from '../config/config.ts';
import { ConfigError, EXIT } from '../errors.ts';
import { formatBaseline, parseBaseline, parseIgnoreFile } from '../findings/ignore-file.ts';
import type { ScanResult } from '../model/result.ts';
import { REPORTERS, type FormatName } from '../report/registry.ts';
import { activeRuleset } from '../catalog/active.ts';
import type { Source } from '../sources/types.ts';
import { scanSource, type Progress } from './pipeline.ts';

export const DEFAULT_MAX_FILE_SIZE = 25 * 1000 * 1000;
export const IGNORE_FILE = '.keyspillignore';

export interface SourceSettings {
  readonly maxFileSize: number;
  readonly includeBinary: boolean;
}

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
  readonly format: FormatName;
  readonly outputFile: string | undefined;
  readonly showSecrets: boolean;
  readonly color: boolean;
  readonly findingsExitCode: number;
  readonly maxFileSize: string | undefined;
  readonly includeBinary: boolean;
  readonly toolVersion: string;
  readonly makeSource: (s: SourceSettings) => Source;
  readonly onProgress?: (p: Progress) => void;
  readonly signal: AbortSignal;
}

export interface ExecuteScanResult {
  readonly exitCode: number;
  readonly result: ScanResult;
  /** The rendered report when it goes to stdout; undefined when written to --output. */
  readonly stdout: string | undefined;
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
    throw new ConfigError(
      `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return parse(text);
  } catch (e) {
    throw new ConfigError(
      `${what} ${file}: ${(e as Error).message}`,
      `write a new one with --write-baseline ${file}`,
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
  const ruleset = await activeRuleset(rulesOptions);
  if (ruleset.rules.length === 0)
    throw new ConfigError('no rules are active', 'drop --no-builtin, or add rule files with --rules');
  let maxFileSize: number;
  try {
    maxFileSize =
      o.maxFileSize === undefined ? (config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) : parseSize(o.maxFileSize);
  } catch (e) {
    throw new ConfigError(`--max-file-size: ${(e as Error).message}`);
  }
  const ignoreFile = o.ignoreFile === undefined ? join(o.root, IGNORE_FILE) : resolve(o.cwd, o.ignoreFile);
  const ignored =
    readFingerprints(ignoreFile, 'ignore file', parseIgnoreFile, o.ignoreFile !== undefined) ??
    new Set<string>();
  const baseline =
    o.baselineFile === undefined
      ? undefined
      : readFingerprints(resolve(o.cwd, o.baselineFile), 'baseline', parseBaseline, true);

  const source = o.makeSource({ maxFileSize, includeBinary: o.includeBinary });
  const out = await scanSource({
    source,
    ruleset,
    ignored,
    baseline,
    signal: o.signal,
    workerRules: rulesOptions,
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
  const report = REPORTERS[o.format].render(out.result, {
    showSecrets: o.showSecrets,
    color: o.color,
    toolVersion: o.toolVersion,
  });
  if (o.outputFile !== undefined) writeFileSync(resolve(o.cwd, o.outputFile), report);

  const exitCode = out.interrupted
    ? EXIT.interrupted
    : out.result.findings.length > 0
      ? o.findingsExitCode
      : out.result.summary.incomplete
        ? EXIT.failed
        : EXIT.clean;
  return { exitCode, result: out.result, stdout: o.outputFile === undefined ? report : undefined };
}
