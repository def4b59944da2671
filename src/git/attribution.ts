// Attributing blob matches (pure): fans each match out to the paths its blob was committed at, folds the versions
// of one file that hold the same secret into one location, and fills in who introduced it and whether it is at HEAD.
import type { Match } from '../model/match.ts';
import type { GitCommitRef, GitProvenance } from '../model/provenance.ts';
import { olderCommit, type CommitMeta, type Intro, type Introductions } from './introductions.ts';

export interface AttributionData {
  readonly repo: string;
  readonly intros: Pick<Introductions, 'byBlob' | 'commits'>;
  /** Blob → the paths where it sits at the default branch's HEAD. */
  readonly head: ReadonlyMap<string, ReadonlySet<string>>;
  /** Commit → refs it is reachable from (only for the commits looked up). */
  readonly refs: ReadonlyMap<string, readonly string[]>;
}

/** seenIn is bounded: a file rewritten a thousand times keeps its first introductions. */
export const MAX_SEEN_IN = 20;

interface Group {
  readonly path: string;
  /** Matches by blob, in first-seen order. */
  readonly byBlob: Map<string, Match[]>;
}

function gitProvenance(m: Match): GitProvenance | undefined {
  const p = m.location.provenance;
  return p.kind === 'git' ? p : undefined;
}

function groupMatches(
  matches: readonly Match[],
  data: AttributionData,
): { groups: Group[]; others: Match[] } {
  const groups = new Map<string, Group>();
  const others: Match[] = [];
  for (const m of matches) {
    const prov = gitProvenance(m);
    if (prov === undefined) {
      others.push(m);
      continue;
    }
    const intros = data.intros.byBlob.get(prov.blob) ?? [];
    const paths = intros.length > 0 ? [...new Set(intros.map((i) => i.path))] : [prov.path];
    for (const path of paths) {
      const key = JSON.stringify([m.ruleId, m.secret, path, m.location.decodedFrom]);
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { path, byBlob: new Map() }));
      let list = g.byBlob.get(prov.blob);
      if (list === undefined) g.byBlob.set(prov.blob, (list = []));
      list.push(m);
    }
  }
  return { groups: [...groups.values()], others };
}

function oldest(intros: Iterable<Intro>, commits: ReadonlyMap<string, CommitMeta>): Intro | undefined {
  let best: Intro | undefined;
  let bestMeta: CommitMeta | undefined;
  for (const i of intros) {
    const meta = commits.get(i.commit);
    if (meta === undefined) continue;
    if (bestMeta === undefined || olderCommit(meta, bestMeta)) {
      best = i;
      bestMeta = meta;
    }
  }
  return best;
}

interface Planned {
  readonly group: Group;
  readonly blob: string;
  readonly atHead: boolean;
  readonly introduced: Intro | undefined;
  readonly seenIn: Intro[];
}

function plan(group: Group, data: AttributionData): Planned {
  const { byBlob, commits } = data.intros;
  const blobs = [...group.byBlob.keys()];
  const atHeadBlob = blobs.find((b) => data.head.get(b)?.has(group.path) === true);
  const allIntros = blobs.flatMap((b) => byBlob.get(b) ?? []);
  const here = allIntros.filter((i) => i.path === group.path);
  let blob = atHeadBlob;
  if (blob === undefined) {
    // The oldest version of the file holding the secret: its line is where the secret was introduced.
    const first = oldest(here, commits);
    blob =
      first === undefined ? blobs[0]! : blobs.find((b) => (byBlob.get(b) ?? []).some((i) => i === first))!;
  }
  const seen = new Map<string, Intro>();
  for (const i of here) if (!seen.has(i.commit)) seen.set(i.commit, i);
  const seenIn = [...seen.values()]
    .filter((i) => commits.has(i.commit))
    .sort((a, b) => (olderCommit(commits.get(a.commit)!, commits.get(b.commit)!) ? -1 : 1))
    .slice(0, MAX_SEEN_IN);
  // The oldest introduction; when that commit also added this path, name this path rather than a twin's.
  const first = oldest(allIntros, commits);
  const introduced = first === undefined ? undefined : (here.find((i) => i.commit === first.commit) ?? first);
  return { group, blob, atHead: atHeadBlob !== undefined, introduced, seenIn };
}

/** The commits that will be reported as introducing each secret (to look up their refs). */
export function introducingCommits(matches: readonly Match[], data: AttributionData): string[] {
  const out = new Set<string>();
  for (const g of groupMatches(matches, data).groups) {
    const c = plan(g, data).introduced?.commit;
    if (c !== undefined) out.add(c);
  }
  return [...out];
}

function commitRef(i: Intro, commits: ReadonlyMap<string, CommitMeta>): GitCommitRef {
  const m = commits.get(i.commit)!;
  return {
    commit: i.commit,
    path: i.path,
    author: m.author,
    email: m.email,
    date: m.date,
    summary: m.summary,
  };
}

/** Matches with attributed git provenance; matches from other sources pass through unchanged. */
export function attributeMatches(matches: readonly Match[], data: AttributionData): Match[] {
  const { groups, others } = groupMatches(matches, data);
  const out = [...others];
  for (const g of groups) {
    const p = plan(g, data);
    const commits = data.intros.commits;
    const refs = p.introduced === undefined ? undefined : data.refs.get(p.introduced.commit);
    for (const m of g.byBlob.get(p.blob) ?? []) {
      const prov: GitProvenance = {
        kind: 'git',
        repo: data.repo,
        blob: p.blob,
        path: g.path,
        introduced: p.introduced === undefined ? undefined : commitRef(p.introduced, commits),
        seenIn: p.seenIn.map((i) => commitRef(i, commits)),
        atHead: p.atHead,
        ...(refs === undefined ? {} : { refs }),
      };
      out.push({ ...m, location: { ...m.location, path: g.path, provenance: prov } });
    }
  }
  return out;
}
