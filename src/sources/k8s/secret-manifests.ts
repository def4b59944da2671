// Secret manifests found by any source (`scan dir`, `scan git`): a YAML/JSON file holding a Secret with real data
// is a leak whatever its values look like. Wraps a source; parses only the files that name `kind: Secret`.
import type { Fragment } from '../../model/fragment.ts';
import type { Location, Match } from '../../model/match.ts';
import { EncodedFragment } from '../encoded-fragment.ts';
import type { Source } from '../types.ts';

const MANIFEST_PATH = /\.(?:ya?ml|json)$/i;
const SECRET_KIND = /\bkind["']?\s*:\s*["']?Secret\b/;

/** The source, plus a `k8s-secret-manifest` match for each real value of each Secret manifest it reads. */
export function withSecretManifests(inner: Source): Source {
  const found: Match[] = [];
  let secretMatches: ((f: Fragment) => Match[]) | undefined;
  return {
    name: inner.name,
    targets: inner.targets,
    async *events(signal) {
      for await (const ev of inner.events(signal)) {
        yield ev;
        if (ev.type !== 'fragment') continue;
        const f = ev.fragment;
        // Windows of a large file are not parsed (a manifest over 16 MiB is not a Secret someone wrote by hand).
        if (ev.continued === true || f.reportBefore !== undefined) continue;
        if (!MANIFEST_PATH.test(f.member ?? f.path)) continue;
        // A git blob that does not hold the word stays undecoded here (the match worker decodes it).
        if ((f instanceof EncodedFragment && !f.mayHold('Secret')) || !SECRET_KIND.test(f.text)) continue;
        // The YAML parser loads only when a file names a Secret (never on an ordinary pre-commit scan).
        secretMatches ??= (await import('./secret-matches.ts')).secretManifestMatches;
        for (const m of secretMatches(f)) found.push(m);
      }
    },
    async resolve(matches, signal) {
      const all = found.length === 0 ? matches : merge(matches, found);
      return inner.resolve === undefined ? { matches: all, notes: [] } : inner.resolve(all, signal);
    },
    // The git scan cache learns from resolve which blobs matched: a Secret manifest's blob is never cached clean.
    ...(inner.complete === undefined ? {} : { complete: inner.complete.bind(inner) }),
  };
}

function samePlace(a: Location, b: Location): boolean {
  return a.path === b.path && JSON.stringify(a.provenance) === JSON.stringify(b.provenance);
}

function overlaps(a: Location, b: Location): boolean {
  const before = (l1: number, c1: number, l2: number, c2: number): boolean =>
    l1 < l2 || (l1 === l2 && c1 < c2);
  return before(a.line, a.column, b.endLine, b.endColumn) && before(b.line, b.column, a.endLine, a.endColumn);
}

/**
 * One value, one finding: a pattern rule that knows the value (an AWS key in the Secret) wins over the Secret
 * rule; the Secret rule wins over a generic rule that matched the same value still in base64.
 */
function merge(matches: readonly Match[], secrets: readonly Match[]): Match[] {
  const near = (s: Match, m: Match): boolean =>
    samePlace(s.location, m.location) && overlaps(s.location, m.location);
  const kept = secrets.filter((s) => !matches.some((m) => !m.generic && near(s, m)));
  return [...matches.filter((m) => !m.generic || !kept.some((s) => near(s, m))), ...kept];
}
