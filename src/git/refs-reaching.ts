// Which refs reach each commit: one `rev-list --topo-order --parents` walk, ref sets carried from children to parents.
import { ByteReader } from './byte-reader.ts';
import { runGit, spawnGit, type GitContext } from './process.ts';

interface RefTip {
  readonly name: string;
  readonly commit: string;
}

/** Refs (those `filter` accepts) whose tip is a commit, annotated tags peeled. */
async function refTips(ctx: GitContext, filter: (ref: string) => boolean): Promise<RefTip[]> {
  const out = await runGit(ctx, [
    'for-each-ref',
    '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)',
  ]);
  if (out.code !== 0) return [];
  const tips: RefTip[] = [];
  for (const line of out.stdout.toString('utf8').split('\n')) {
    // "<oid> <type> <peeled oid> <peeled type> <name>"; the peeled fields are empty for all but annotated tags.
    const m = /^([0-9a-f]+) (\w+) ([0-9a-f]*) (\w*) (.+)$/.exec(line);
    if (m === null || !filter(m[5]!)) continue;
    if (m[2] === 'commit') tips.push({ name: m[5]!, commit: m[1]! });
    else if (m[4] === 'commit') tips.push({ name: m[5]!, commit: m[3]! });
  }
  return tips;
}

/**
 * For each commit in `targets`, the refs (of those `filter` accepts) from which it is reachable. One walk of the
 * refs' history in topological order (every child before its parents): each commit's set of refs is the union of
 * its children's sets and its own tips, handed down to its parents and dropped once used, so memory follows the
 * width of the graph, not its length. A commit held by more than `maxRefs` refs gets no list (naming every tag of
 * a long-lived secret says nothing). The walk stops as soon as every target is known, and on abort (ctx.signal).
 */
export async function refsReaching(
  ctx: GitContext,
  targets: readonly string[],
  filter: (ref: string) => boolean,
  o: { readonly maxRefs?: number } = {},
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const wanted = new Set(targets);
  if (wanted.size === 0 || ctx.signal?.aborted === true) return out;
  const tips = await refTips(ctx, filter);
  if (tips.length === 0) return out;
  const words = Math.ceil(tips.length / 32);
  const tipBits = new Map<string, number[]>();
  tips.forEach((t, i) => {
    const list = tipBits.get(t.commit);
    if (list === undefined) tipBits.set(t.commit, [i]);
    else list.push(i);
  });
  const maxRefs = o.maxRefs ?? 20;
  const sets = new Map<string, Uint32Array>();
  const walk = spawnGit(ctx, ['rev-list', '--topo-order', '--parents', '--stdin']);
  walk.child.stdin.end([...tipBits.keys()].map((c) => `${c}\n`).join(''));
  const lines = new ByteReader(walk.child.stdout, 1024 * 1024);
  try {
    for (let line = await lines.readUntil(0x0a); line !== undefined; line = await lines.readUntil(0x0a)) {
      const [commit, ...parents] = line.toString('latin1').trim().split(' ');
      if (commit === undefined || commit === '') continue;
      const set = sets.get(commit) ?? new Uint32Array(words);
      sets.delete(commit);
      for (const i of tipBits.get(commit) ?? []) set[i >>> 5]! |= 1 << (i & 31);
      if (wanted.has(commit)) {
        const names: string[] = [];
        for (let i = 0; i < tips.length && names.length <= maxRefs; i++)
          if ((set[i >>> 5]! & (1 << (i & 31))) !== 0) names.push(tips[i]!.name);
        if (names.length <= maxRefs) out.set(commit, names.sort());
        wanted.delete(commit);
        if (wanted.size === 0) break;
      }
      for (const p of parents) {
        const ps = sets.get(p);
        if (ps === undefined) sets.set(p, set.slice());
        else for (let w = 0; w < words; w++) ps[w]! |= set[w]!;
      }
    }
  } finally {
    walk.child.kill();
  }
  return out;
}
