// Submodules of a repository: the gitlinks at HEAD, with their .gitmodules URL and whether they are checked out.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from './introductions.ts';
import { runGit, type GitContext } from './process.ts';

export interface Submodule {
  /** Path in the superproject, forward slashes. */
  readonly path: string;
  /** The commit the superproject records. */
  readonly commit: string;
  readonly url: string | undefined;
  /** The submodule's own repository, when it is checked out (`git submodule update --init`). */
  readonly checkout: string | undefined;
}

/** Gitlinks (mode 160000) in the tree of `rev`, paired with .gitmodules. Empty when there are none or no `rev`. */
export async function listSubmodules(
  ctx: GitContext,
  rev: string,
  workTree: string | undefined,
): Promise<Submodule[]> {
  const tree = await runGit(ctx, ['ls-tree', '-r', '-z', '--full-tree', rev]);
  if (tree.code !== 0) return [];
  const links: { path: string; commit: string }[] = [];
  for (const entry of tree.stdout.toString('latin1').split('\0')) {
    // "160000 commit <oid>\t<path>"
    if (!entry.startsWith('160000 commit ')) continue;
    const tab = entry.indexOf('\t');
    links.push({
      commit: entry.slice('160000 commit '.length, tab),
      path: decodeBytes(Buffer.from(entry.slice(tab + 1), 'latin1')),
    });
  }
  if (links.length === 0) return [];
  const urls = new Map<string, string>();
  const config = await runGit(ctx, [
    'config',
    '--blob',
    `${rev}:.gitmodules`,
    '--get-regexp',
    '^submodule\\..*\\.(path|url)$',
  ]);
  if (config.code === 0) {
    const byName = new Map<string, { path?: string; url?: string }>();
    for (const line of config.stdout.toString('utf8').split('\n')) {
      const m = /^submodule\.(.+)\.(path|url) (.*)$/.exec(line);
      if (m === null) continue;
      const e = byName.get(m[1]!) ?? {};
      e[m[2] as 'path' | 'url'] = m[3]!;
      byName.set(m[1]!, e);
    }
    for (const e of byName.values()) if (e.path !== undefined && e.url !== undefined) urls.set(e.path, e.url);
  }
  return links.map((l) => {
    const dir = workTree === undefined ? undefined : join(workTree, l.path);
    return {
      ...l,
      url: urls.get(l.path),
      checkout: dir !== undefined && existsSync(join(dir, '.git')) ? dir : undefined,
    };
  });
}
