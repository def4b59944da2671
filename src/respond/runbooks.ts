// Runbooks on disk: the built-in folder (runbooks/*.yml), the organisation's folder from .keyspill.yaml, a --runbook file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import type { LoadedRunbook } from '../model/runbook.ts';
import { checkRunbook } from './runbook-check.ts';
import { formatRunbookProblem, parseRunbook, type RunbookProblem } from './runbook-schema.ts';

/** runbooks/ at the package root (dist/respond/ and src/respond/ are both two levels down). */
export const BUILTIN_RUNBOOKS = resolve(import.meta.dirname, '..', '..', 'runbooks');

/** The runbook for credentials of no known kind. */
export const GENERIC_RUNBOOK = 'generic';

export interface RunbookFileCheck {
  readonly file: string;
  readonly name: string | undefined;
  readonly steps: number;
  readonly problems: readonly RunbookProblem[];
}

/** Parses and checks one runbook file (schema, step kinds, inputs, template references). */
export function checkRunbookFile(file: string, shown = file): RunbookFileCheck & { text?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      file: shown,
      name: undefined,
      steps: 0,
      problems: [{ file: shown, line: 1, path: '', message: `cannot read it: ${reasonOf(e)}` }],
    };
  }
  const parsed = parseRunbook(text, shown);
  if (parsed.runbook === undefined)
    return { file: shown, name: undefined, steps: 0, problems: parsed.problems };
  const problems = checkRunbook(parsed.runbook, shown, parsed.lineOf);
  return {
    file: shown,
    name: parsed.runbook.name,
    steps: parsed.runbook.steps.length + parsed.runbook.finish.length,
    problems,
    text,
  };
}

/** Loads a runbook that must be valid: any problem is a ConfigError listing them. */
export function loadRunbookFile(file: string, source: LoadedRunbook['source']): LoadedRunbook {
  const c = checkRunbookFile(file);
  if (c.problems.length > 0 || c.text === undefined)
    throw new ConfigError(
      `runbook ${file} is not valid:\n${c.problems.map((p) => `  ${formatRunbookProblem(p)}`).join('\n')}`,
      `fix it (keyspill runbooks check ${file} lists the problems)`,
    );
  const parsed = parseRunbook(c.text, file);
  return { runbook: parsed.runbook!, source, file, text: c.text };
}

function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Built-in runbooks, then the organisation's (from `respond.runbooks`), which win on a name clash. */
export function listRunbooks(configFolder?: string): LoadedRunbook[] {
  const byName = new Map<string, LoadedRunbook>();
  for (const f of ymlFiles(BUILTIN_RUNBOOKS)) {
    const r = loadRunbookFile(f, 'builtin');
    byName.set(r.runbook.name, r);
  }
  if (configFolder !== undefined) {
    if (!existsSync(configFolder) || !statSync(configFolder).isDirectory())
      throw new ConfigError(
        `respond.runbooks names ${configFolder}, which is not a folder`,
        'fix respond.runbooks in .keyspill.yaml',
      );
    for (const f of ymlFiles(configFolder)) {
      const r = loadRunbookFile(f, 'config');
      byName.set(r.runbook.name, r);
    }
  }
  return [...byName.values()];
}

/** Every credential kind some runbook handles. */
export function knownKinds(runbooks: readonly LoadedRunbook[]): string[] {
  return [...new Set(runbooks.flatMap((r) => r.runbook.kinds))].sort();
}

/**
 * The runbook for an incident: `--runbook` (a name, or a file path) when given, else the one for the credential
 * kind; kinds no runbook handles get `generic` when `fallback` (a finding of any kind), else an error.
 */
export function selectRunbook(o: {
  readonly kind: string;
  readonly override?: string | undefined;
  readonly configFolder?: string | undefined;
  readonly fallback: boolean;
}): LoadedRunbook {
  if (
    o.override !== undefined &&
    (o.override.includes('/') || /\.ya?ml$/.test(o.override) || existsSync(o.override))
  ) {
    if (!existsSync(o.override))
      throw new ConfigError(
        `--runbook ${o.override}: no such file`,
        'give a runbook name (keyspill runbooks list) or a file',
      );
    return loadRunbookFile(resolve(o.override), 'file');
  }
  const all = listRunbooks(o.configFolder);
  if (o.override !== undefined) {
    const r = all.find((x) => x.runbook.name === o.override);
    if (r === undefined)
      throw new ConfigError(
        `no runbook named ${o.override}`,
        `known runbooks: ${all.map((x) => x.runbook.name).join(', ')} (keyspill runbooks list)`,
      );
    return r;
  }
  // The organisation's runbooks come last in the list, so look from the end: theirs win for a kind.
  const r = [...all].reverse().find((x) => x.runbook.kinds.includes(o.kind));
  if (r !== undefined) return r;
  const generic = all.find((x) => x.runbook.name === GENERIC_RUNBOOK);
  if (o.fallback && generic !== undefined) return generic;
  throw new ConfigError(
    `unknown credential kind "${o.kind}"`,
    `use one of: ${knownKinds(all).join(', ')} (or --runbook NAME|FILE)`,
  );
}

export const runbookLabel = (r: LoadedRunbook): string =>
  r.source === 'builtin' ? `${r.runbook.name} (built-in)` : `${r.runbook.name} (${basename(r.file)})`;
