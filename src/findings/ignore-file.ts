// .keyspillignore and baseline files: sets of fingerprints, parsed and written deterministically.

/** `.keyspillignore`: one fingerprint a line; `#` starts a comment; blank lines are ignored. */
export function parseIgnoreFile(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') out.add(line);
  }
  return out;
}

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly path: string;
  readonly line: number;
}

export interface Baseline {
  readonly version: 1;
  readonly findings: readonly BaselineEntry[];
}

/** A baseline sorted by fingerprint, one entry a line, so two branches' baselines merge cleanly. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) =>
    a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
  );
  const lines = sorted.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "version": 1,\n  "findings": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

/**
 * The entries of a baseline. Errors are ours and never quote the text (a file passed as a baseline by mistake may
 * hold anything, secrets included).
 */
export function parseBaselineEntries(text: string): BaselineEntry[] {
  let data: { version?: unknown; findings?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    throw new Error('it is not valid JSON');
  }
  if (data === null || typeof data !== 'object' || data.version !== 1 || !Array.isArray(data.findings)) {
    throw new Error('not a keyspill baseline (expected {"version": 1, "findings": [...]})');
  }
  return (data.findings as unknown[]).map((f, i) => {
    const e = f as Partial<BaselineEntry> | null;
    if (e === null || typeof e !== 'object' || typeof e.fingerprint !== 'string')
      throw new Error(`entry ${i + 1} has no fingerprint`);
    return {
      fingerprint: e.fingerprint,
      ruleId: typeof e.ruleId === 'string' ? e.ruleId : '',
      path: typeof e.path === 'string' ? e.path : '',
      line: typeof e.line === 'number' ? e.line : 0,
    };
  });
}

export function parseBaseline(text: string): Set<string> {
  return new Set(parseBaselineEntries(text).map((e) => e.fingerprint));
}
