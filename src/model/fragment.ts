// Fragment: a piece of text to scan, with the provenance it came from.
import type { Provenance } from './provenance.ts';

export interface Fragment {
  readonly text: string;
  /** Logical path used by path allowlists (the file path, or the path inside a commit/image). */
  readonly path: string;
  readonly provenance: Provenance;
  /** The path inside an archive (`inner/app.properties`; nested archives joined with `!/`), when the bytes were in one. */
  readonly member?: string;
  /**
   * Lines of `text` the scan should report (1-based, inclusive ranges). When set, matches on other
   * lines are dropped: used for staged changes, where only added lines count.
   */
  readonly lines?: readonly (readonly [number, number])[];
  /** Line number of the first line of `text` in the original file (default 1). */
  readonly firstLine?: number;
  /** Column of the first character of `text` in its line (default 1): a window may start in the middle of a line. */
  readonly firstColumn?: number;
  /**
   * A window of a large item: only matches starting before this offset of `text` are reported (the next window,
   * which starts there, reports the rest, so a match in the overlap is found once and never cut).
   */
  readonly reportBefore?: number;
}
