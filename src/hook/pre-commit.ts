// Pre-commit hook service: writes, recognises and removes keyspill's own hook, never a foreign one unless forced.
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, reasonOf } from '../errors.ts';
import { firstLine, runGit } from '../git/process.ts';
import { openRepo, type GitRepo } from '../git/repo.ts';

/** The line that marks a hook as keyspill's own: reinstall replaces it, uninstall removes it. */
export const HOOK_MARKER =
  '# keyspill-hook: managed by `keyspill hook install`; `keyspill hook uninstall` removes it';

/** Where a forced install keeps the hook it replaced; uninstall puts it back. */
export const BACKUP_SUFFIX = '.pre-keyspill';

/** The baseline the hook passes to the scan when the repository has one. */
export const HOOK_BASELINE = '.keyspill-baseline.json';

/** How the hook runs keyspill: this node and bin/run.js when known, else `npx keyspill`. */
export interface HookRunner {
  readonly node: string | undefined;
  readonly bin: string | undefined;
}

/** The runner for the keyspill doing the install: `process.execPath` and the absolute path of bin/run.js. */
export function currentRunner(execPath: string, script: string | undefined): HookRunner {
  if (script === undefined || !isAbsolute(script)) return { node: undefined, bin: undefined };
  const name = basename(script);
  if (name !== 'run.js' && name !== 'keyspill') return { node: undefined, bin: undefined };
  return { node: execPath, bin: script };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The hook script. Plain POSIX sh, so it runs wherever git runs hooks. */
export function hookScript(runner: HookRunner): string {
  return `#!/bin/sh
${HOOK_MARKER}
# Blocks commits that add secrets: scans only what is being committed (keyspill scan git --staged).
# Skip it once with: git commit --no-verify
KEYSPILL_NODE=${shellQuote(runner.node ?? '')}
KEYSPILL_BIN=${shellQuote(runner.bin ?? '')}
if [ -f ${HOOK_BASELINE} ]; then set -- --baseline ${HOOK_BASELINE}; else set --; fi
if [ -n "$KEYSPILL_BIN" ] && [ -f "$KEYSPILL_BIN" ]; then
  if [ -n "$KEYSPILL_NODE" ] && [ -x "$KEYSPILL_NODE" ]; then
    "$KEYSPILL_NODE" "$KEYSPILL_BIN" scan git --staged "$@"
  else
    node "$KEYSPILL_BIN" scan git --staged "$@"
  fi
else
  npx keyspill scan git --staged "$@"
fi
status=$?
if [ "$status" -eq 1 ]; then
  cat >&2 <<'KEYSPILL_EOF'

keyspill blocked this commit: the staged changes add the secret(s) listed above.
  Unstage the file, then take the secret out of it:
      git restore --staged FILE
  A false positive? Either put keyspill:allow in a comment on that line,
  or add its fingerprint (shown above) to .keyspillignore and stage that file.
  Accept every current finding as known (a baseline the hook reads):
      keyspill scan git --staged --write-baseline ${HOOK_BASELINE}
  A real secret that was already pushed must be rotated: deleting it does not remove it from history.
KEYSPILL_EOF
elif [ "$status" -ne 0 ]; then
  echo "keyspill could not check this commit (exit $status): see the message above, or skip the check once with git commit --no-verify." >&2
fi
exit $status
`;
}

/** The pre-commit hook file of a repository, honouring core.hooksPath. */
export async function hookFile(repo: GitRepo): Promise<string> {
  const out = await runGit(repo.ctx, ['rev-parse', '--git-path', 'hooks']);
  const dir = out.stdout.toString('utf8').trim();
  if (out.code !== 0 || dir === '')
    throw new ConfigError(`cannot find the hooks folder of ${repo.root}: ${firstLine(out.stderr)}`);
  return join(resolve(repo.ctx.cwd, dir), 'pre-commit');
}

async function readHook(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${file}: ${reasonOf(e)}`, undefined, { cause: e });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export function isOwnHook(text: string): boolean {
  return text.split('\n').some((l) => l.trim() === HOOK_MARKER);
}

export interface InstallResult {
  readonly file: string;
  /** installed: there was no hook; updated: ours was rewritten; replaced: a foreign hook was moved to `backup`. */
  readonly action: 'installed' | 'updated' | 'replaced';
  readonly backup?: string;
  readonly runner: HookRunner;
}

/** Which repository: a path (default: the current one, honouring GIT_DIR), opened by the service. */
export interface RepoLocation {
  readonly path: string | undefined;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export async function installHook(o: {
  readonly repo: RepoLocation;
  readonly force: boolean;
  readonly runner: HookRunner;
}): Promise<InstallResult> {
  const file = await hookFile(await openRepo(o.repo));
  const current = await readHook(file);
  let action: InstallResult['action'] = current === undefined ? 'installed' : 'updated';
  let backup: string | undefined;
  if (current !== undefined && !isOwnHook(current)) {
    if (!o.force) {
      throw new ConfigError(
        `${file} already exists and was not written by keyspill`,
        'call keyspill from that hook yourself (keyspill scan git --staged), or pass --force to replace it (it is kept as pre-commit' +
          BACKUP_SUFFIX +
          ')',
      );
    }
    backup = file + BACKUP_SUFFIX;
    if (await exists(backup)) {
      throw new ConfigError(
        `${file} is not keyspill's and ${backup} already exists`,
        `move one of them away, then run keyspill hook install --force again`,
      );
    }
    await rename(file, backup);
    action = 'replaced';
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, hookScript(o.runner), { mode: 0o755 });
  await chmod(file, 0o755);
  return { file, action, runner: o.runner, ...(backup === undefined ? {} : { backup }) };
}

export interface UninstallResult {
  readonly file: string;
  /** removed: ours was deleted; absent: there was no hook; restored: ours was deleted and the backed-up hook put back. */
  readonly action: 'removed' | 'absent' | 'restored';
}

export async function uninstallHook(o: { readonly repo: RepoLocation }): Promise<UninstallResult> {
  const file = await hookFile(await openRepo(o.repo));
  const current = await readHook(file);
  if (current === undefined) return { file, action: 'absent' };
  if (!isOwnHook(current)) {
    throw new ConfigError(
      `${file} was not written by keyspill: left as it is`,
      'remove the keyspill line from that hook yourself, if it has one',
    );
  }
  await rm(file);
  const backup = file + BACKUP_SUFFIX;
  if (await exists(backup)) {
    await rename(backup, file);
    return { file, action: 'restored' };
  }
  return { file, action: 'removed' };
}
