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

export function parseBaseline(text: string): Set<string> {
  const data = JSON.parse(text) as { version?: unknown; findings?: unknown };
  if (data.version !== 1 || !Array.isArray(data.findings)) {
    throw new Error('not a keyspill baseline (expected {"version": 1, "findings": [...]})');
  }
  return new Set((data.findings as { fingerprint: string }[]).map((f) => f.fingerprint));
}
