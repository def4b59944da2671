// A repository to scan: opened once, then the history or the staged change as a source (commands see no git plumbing).
import { isAbsolute, relative, sep } from 'node:path';
import type { ConfigFiles } from '../config/files.ts';
import { openRepo } from '../git/repo.ts';
import type { RevisionSpec } from '../model/revisions.ts';
import type { ContentPolicy } from './content.ts';
import { withSecretManifests } from './k8s/secret-manifests.ts';
import type { Source } from './types.ts';

export interface GitTarget {
  /** Where config and ignore files are looked for: the work tree, else the git folder. */
  readonly root: string;
  history(o: {
    readonly revisions: RevisionSpec;
    readonly allObjects: boolean;
    readonly policy: ContentPolicy;
    readonly watch?: readonly string[];
    readonly configFrom?: string | undefined;
    /** Scan checked-out submodules' histories too (else they are only named in a note). */
    readonly recurseSubmodules?: boolean;
    /** The scan cache (folder and ruleset key), or undefined for --no-cache. */
    readonly cache?: { readonly dir: string; readonly key: string } | undefined;
  }): Promise<Source>;
  /** Configuration, ignore and baseline files as they are in `ref` (--config-from). */
  configFiles(ref: string): Promise<ConfigFiles>;
  /** A path on disk as the repository names it (relative, forward slashes), or undefined outside it. */
  relative(path: string): string | undefined;
  staged(policy: ContentPolicy): Promise<Source>;
}

/** Opens the repository at `path` (default: the current one, honouring GIT_DIR); a clear error when it is not one. */
export async function openGitTarget(o: {
  readonly path: string | undefined;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}): Promise<GitTarget> {
  const repo = await openRepo(o);
  return {
    root: repo.root,
    // Each source loads only when used: the pre-commit path (staged) never loads the history pipeline. Both find
    // Kubernetes Secret manifests too, whichever path runs them (the command, or the hook's fast path).
    history: async ({ recurseSubmodules, ...h }) =>
      withSecretManifests(
        (await import('./git-superproject.ts')).superprojectSource(repo, h, recurseSubmodules === true),
      ),
    staged: async (policy) =>
      withSecretManifests((await import('./git-staged.ts')).gitStagedSource({ repo, policy })),
    configFiles: async (ref) =>
      (await import('../git/config-files.ts')).gitConfigFiles(repo.ctx, repo.root, ref),
    relative: (path) => {
      const rel = relative(repo.root, path);
      return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
    },
  };
}
