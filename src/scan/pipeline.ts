// Scan service: source events through the engine and the findings pipeline into a ScanResult.
import type { CutShort, FragmentResult } from '../detect/engine.ts';
import type { Ruleset } from '../detect/ruleset.ts';
import { findingsOf, withMinConfidence, withoutKnown } from '../findings/pipeline.ts';
import type { Fragment } from '../model/fragment.ts';
import type { Finding, Match } from '../model/match.ts';
import type { Provenance } from '../model/provenance.ts';
import { DEFAULT_MIN_CONFIDENCE, type Confidence } from '../model/rule.ts';
import type { ScanResult, Skipped, SkipReason } from '../model/result.ts';
import { EXIT, KeyspillError, reasonOf } from '../errors.ts';
import type { RulesetSpec } from '../catalog/active.ts';
import type { Source } from '../sources/types.ts';
import { createPool, WorkerFailure } from './pool.ts';

export interface Progress {
  readonly items: number;
  readonly bytes: number;
  readonly matches: number;
}

export interface ScanSourceOptions {
  readonly source: Source;
  readonly ruleset: Ruleset;
  /** Fingerprints from .keyspillignore. */
  readonly ignored: ReadonlySet<string>;
  /** Fingerprints from --baseline, if any. */
  readonly baseline: ReadonlySet<string> | undefined;
  readonly signal: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly now?: () => number;
  /** The ruleset as data, for a worker thread on large scans; inline only when undefined. */
  readonly workerRules?: RulesetSpec;
  /** Bytes scanned inline before the worker starts (default 16 MB). */
  readonly workerAfterBytes?: number;
  /** Findings below this confidence are hidden and counted (default medium). */
  readonly minConfidence?: Confidence;
}

export interface SourceScan {
  readonly result: ScanResult;
  /** Findings before the baseline filter (what --write-baseline records). */
  readonly beforeBaseline: readonly Finding[];
  readonly interrupted: boolean;
  /** Fragments matched on the worker thread (0 when the scan stayed inline). */
  readonly workerFragments: number;
}

const MAX_SKIPPED_LISTED = 200;

export async function scanSource(o: ScanSourceOptions): Promise<SourceScan> {
  const now = o.now ?? Date.now;
  const started = now();
  let matches: Match[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  const skippedItems: Skipped[] = [];
  const cutShort: CutShort[] = [];
  const notes: string[] = [];
  let items = 0;
  let bytes = 0;
  let incomplete = false;
  let lastProgress = 0;
  const allowlisted = { rule: 0, config: 0 };
  /** Allowlisted matches by the provenance of the fragment they were in (a source may remember them). */
  const suppressedAt = new Map<Provenance, { rule: number; config: number }>();
  /** Fragments that continue an item (a later window): not counted as items of their own. */
  const continued = new WeakSet<Fragment>();
  const pool = createPool({
    ruleset: o.ruleset,
    workerRules: o.workerRules,
    startAfterBytes: o.workerAfterBytes ?? 16 * 1024 * 1024,
    now,
    onError: (reason, fragment, size) => {
      // One item the engine cannot scan (on either thread) is a counted skip, never a lost report: it was counted
      // when it was handed over, and is taken back.
      items -= continued.has(fragment) ? 0 : 1;
      bytes -= size;
      skip({ path: fragment.path, reason: 'scan-error', detail: reason }, true);
    },
    onResult: (r: FragmentResult, fragment: Fragment) => {
      for (const m of r.matches) matches.push(m);
      cutShort.push(...r.cutShort);
      allowlisted.rule += r.suppressed.rule;
      allowlisted.config += r.suppressed.config;
      if (r.suppressed.rule + r.suppressed.config > 0) {
        const before = suppressedAt.get(fragment.provenance) ?? { rule: 0, config: 0 };
        suppressedAt.set(fragment.provenance, {
          rule: before.rule + r.suppressed.rule,
          config: before.config + r.suppressed.config,
        });
      }
    },
  });

  const skip = (s: Skipped, isIncomplete: boolean): void => {
    skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
    if (skippedItems.length < MAX_SKIPPED_LISTED) skippedItems.push(s);
    incomplete ||= isIncomplete;
  };
  try {
    for await (const ev of o.source.events(o.signal)) {
      if (ev.type === 'fragment') {
        if (ev.continued !== true) items++;
        else continued.add(ev.fragment);
        bytes += ev.bytes;
        await pool.submit(ev.fragment, ev.bytes);
        if (o.onProgress !== undefined && now() - lastProgress > 100) {
          lastProgress = now();
          o.onProgress({ items, bytes, matches: matches.length });
        }
      } else if (ev.type === 'cached') {
        items += ev.items ?? 1;
        bytes += ev.bytes;
      } else if (ev.type === 'skip') {
        skip(ev.skipped, ev.incomplete);
      } else {
        notes.push(ev.note);
        incomplete ||= ev.incomplete;
      }
      if (o.signal.aborted) break;
    }
    await pool.drain();
  } catch (e) {
    // A source that fails part-way (an unexpected error) ends the scan early; what was found is still reported.
    // A usage error (a bad flag or config found late) is still the user's to fix.
    if ((e instanceof KeyspillError && e.exitCode === EXIT.usage) || e instanceof WorkerFailure) throw e;
    notes.push(`the scan stopped early: ${reasonOf(e)}; what was scanned before is reported`);
    incomplete = true;
  } finally {
    await pool.close();
  }
  cutShort.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0,
  );
  if (o.source.resolve !== undefined) {
    const resolved = await o.source.resolve(matches, o.signal);
    matches = resolved.matches;
    for (const n of resolved.notes) {
      notes.push(n.note);
      incomplete ||= n.incomplete;
    }
  }

  const { findings: all, inlineAllowed } = findingsOf(matches);
  const confident = withMinConfidence(all, o.minConfidence ?? DEFAULT_MIN_CONFIDENCE);
  const afterIgnore = withoutKnown(confident.kept, o.ignored);
  const afterBaseline =
    o.baseline === undefined
      ? { kept: afterIgnore.kept, dropped: 0 }
      : withoutKnown(afterIgnore.kept, o.baseline);
  if (cutShort.length > 0) incomplete = true;
  if (o.source.complete !== undefined) {
    const unfinishedPaths = new Set([
      ...cutShort.map((c) => c.path),
      ...skippedItems.filter((s) => s.reason === 'scan-error').map((s) => s.path),
    ]);
    notes.push(
      ...(await o.source.complete({
        interrupted: o.signal.aborted,
        unfinishedPaths,
        suppressed: suppressedAt,
      })),
    );
  }
  if (o.signal.aborted)
    notes.unshift(
      'interrupted: the scan stopped early, so this report is partial (it covers what was scanned)',
    );

  return {
    interrupted: o.signal.aborted,
    workerFragments: pool.workerFragments(),
    beforeBaseline: afterIgnore.kept,
    result: {
      findings: afterBaseline.kept,
      summary: {
        source: o.source.name,
        targets: o.source.targets,
        itemsScanned: items,
        bytesScanned: bytes,
        durationMs: Math.round(now() - started),
        rules: o.ruleset.rules.length + o.ruleset.formats.length,
        findings: afterBaseline.kept.length,
        ignored: afterIgnore.dropped,
        baselined: afterBaseline.dropped,
        suppressed: {
          configAllowlist: allowlisted.config,
          ruleAllowlists: allowlisted.rule,
          inlineAllow: inlineAllowed,
          ignoreFile: afterIgnore.dropped,
          baseline: afterBaseline.dropped,
          lowConfidence: confident.dropped,
        },
        minConfidence: o.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
        skipped,
        skippedItems,
        cutShort,
        incomplete: incomplete || o.signal.aborted,
        notes,
      },
    },
  };
}
