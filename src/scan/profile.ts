// `rules profile` service: scan files with every rule timed, to find the rules that cost most on the user's own data.
import { resolve } from 'node:path';
import { loadActiveRuleset } from '../catalog/active.ts';
import { loadConfig } from '../config/load.ts';
import { scanFragment } from '../detect/engine.ts';
import { profiledRuleset, type RuleCost } from '../detect/profile.ts';
import { dirSource } from '../sources/dir.ts';

export interface ProfileOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly configFile: string | undefined;
  readonly ruleFiles: readonly string[];
  readonly builtin: boolean;
  readonly maxFileSize: number;
  readonly signal: AbortSignal;
}

export interface RuleProfile extends RuleCost {
  /** Share of all regex time, 0..1. */
  readonly share: number;
  /** Characters per second the rule's regex got through, in MB/s (UTF-16 units ~ bytes for ASCII text). */
  readonly mbps: number;
}

export interface ProfileResult {
  readonly files: number;
  readonly bytes: number;
  readonly totalMs: number;
  readonly regexMs: number;
  /** Every rule that ran, costliest first. */
  readonly rules: readonly RuleProfile[];
}

export async function profileRules(o: ProfileOptions): Promise<ProfileResult> {
  const config = await loadConfig(
    o.cwd,
    o.configFile === undefined ? undefined : resolve(o.cwd, o.configFile),
  );
  const { ruleset } = await loadActiveRuleset({
    config,
    ruleFiles: o.ruleFiles.map((f) => resolve(o.cwd, f)),
    noBuiltin: !o.builtin,
  });
  const clock = (): number => performance.now();
  const { ruleset: timed, costs } = profiledRuleset(ruleset, clock);
  const source = dirSource({
    paths: o.paths,
    cwd: o.cwd,
    useGitignore: true,
    policy: { maxFileSize: o.maxFileSize, includeBinary: false },
  });
  let files = 0;
  let bytes = 0;
  const started = clock();
  for await (const ev of source.events(o.signal)) {
    if (ev.type !== 'fragment') continue;
    if (ev.continued !== true) files++;
    bytes += ev.bytes;
    scanFragment(ev.fragment, timed);
  }
  const totalMs = clock() - started;
  const regexMs = costs.reduce((n, c) => n + c.ms, 0);
  const rules = costs
    .filter((c) => c.runs > 0)
    .map((c) => ({
      ...c,
      share: regexMs > 0 ? c.ms / regexMs : 0,
      mbps: c.ms > 0 ? c.chars / 1e6 / (c.ms / 1000) : Infinity,
    }))
    .sort((a, b) => b.ms - a.ms);
  return { files, bytes, totalMs, regexMs, rules };
}
