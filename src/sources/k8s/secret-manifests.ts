// Secret manifests found by any source (`scan dir`, `scan git`): a YAML/JSON file holding a Secret with real data
// is a leak whatever its values look like. Wraps a source; parses only the files that name `kind: Secret`.
import type { Fragment } from '../../model/fragment.ts';
import type { Match } from '../../model/match.ts';
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
        if (!MANIFEST_PATH.test(f.path) || !SECRET_KIND.test(f.text)) continue;
        // The YAML parser loads only when a file names a Secret (never on an ordinary pre-commit scan).
        secretMatches ??= (await import('./secret-matches.ts')).secretManifestMatches;
        for (const m of secretMatches(f)) found.push(m);
      }
    },
    async resolve(matches) {
      const all = [...matches, ...found];
      return inner.resolve === undefined ? { matches: all, notes: [] } : inner.resolve(all);
    },
  };
}
