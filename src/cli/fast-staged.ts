// The pre-commit fast path: `scan git --staged` with the flags the hooks pass, run without loading oclif.
//
// A pre-commit hook runs on every commit, and oclif's start-up is about half of a staged scan's wall time. bin/run.js
// sends `scan git --staged` here when its arguments are all among the few below (the hook script and the
// pre-commit framework's use only these); anything else goes through oclif. The scan, report, exit codes and error
// messages are the same code as the command's (cli/run-scan.ts, errors.ts); KEYSPILL_NO_FAST=1 turns this off.
import { BugError, KeyspillError } from '../errors.ts';
import { CONFIDENCES, DEFAULT_MIN_CONFIDENCE, type Confidence } from '../model/rule.ts';
import type { ScanFlagValues } from './scan-flags.ts';

/** Flags this path understands, with whether they take a value. */
const FLAGS: Readonly<Record<string, { readonly name: string; readonly value: boolean }>> = {
  '--staged': { name: 'staged', value: false },
  '--baseline': { name: 'baseline', value: true },
  '-b': { name: 'baseline', value: true },
  '--config': { name: 'config', value: true },
  '-c': { name: 'config', value: true },
  '--state-dir': { name: 'state-dir', value: true },
  '--no-save': { name: 'no-save', value: false },
  '--color': { name: 'color', value: false },
  '--no-color': { name: 'no-color', value: false },
};

/** The arguments after `scan git`, when every one is understood here; undefined sends the run to oclif. */
export function parseStagedArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Map<string, string> | undefined {
  // An environment value oclif would refuse goes through oclif, which names it.
  const min = env['KEYSPILL_MIN_CONFIDENCE'];
  if (min !== undefined && !CONFIDENCES.includes(min as Confidence)) return undefined;
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const key = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[key];
    if (spec === undefined || out.has(spec.name)) return undefined;
    if (!spec.value) {
      if (eq > 0) return undefined;
      out.set(spec.name, '');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    out.set(spec.name, value);
  }
  return out.has('staged') ? out : undefined;
}

function flagValues(a: Map<string, string>, env: NodeJS.ProcessEnv): ScanFlagValues {
  return {
    format: 'text',
    output: undefined,
    'show-secrets': false,
    config: a.get('config') ?? env['KEYSPILL_CONFIG'],
    rules: undefined,
    builtin: true,
    'ignore-file': undefined,
    baseline: a.get('baseline') ?? env['KEYSPILL_BASELINE'],
    'write-baseline': undefined,
    'exit-code': 1,
    'max-file-size': undefined,
    'include-binary': false,
    'min-confidence': (env['KEYSPILL_MIN_CONFIDENCE'] as Confidence | undefined) ?? DEFAULT_MIN_CONFIDENCE,
    color: a.has('color') ? true : a.has('no-color') ? false : undefined,
    save: !a.has('no-save'),
    'state-dir': a.get('state-dir') ?? env['KEYSPILL_STATE_DIR'],
    verbose: false,
  } as ScanFlagValues;
}

/** Runs the staged scan; returns the exit code. Errors are printed as the commands print them. */
export async function fastStaged(args: Map<string, string>, version: string): Promise<number> {
  try {
    const { openGitTarget } = await import('../sources/git-target.ts');
    const { runScan } = await import('./run-scan.ts');
    const target = await openGitTarget({ path: undefined, cwd: process.cwd(), env: process.env });
    const out = await runScan(
      flagValues(args, process.env),
      target.root,
      (policy) => target.staged(policy),
      {},
      {
        json: false,
        version,
        warn: (m) => process.stderr.write(`keyspill: warning: ${m}\n`),
      },
    );
    return out.exitCode;
  } catch (err) {
    const e = err instanceof KeyspillError ? err : new BugError(err);
    const hint = e.hint === undefined ? '' : `\n  fix: ${e.hint}`;
    process.stderr.write(`keyspill: ${e.message}${hint}\n`);
    return e.exitCode;
  }
}
