// `docker-daemon:NAME`: `docker save -o` into a private temporary file, read as a docker-archive, removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, ScanError } from '../../errors.ts';
import { runTool } from '../../exec/tool.ts';

const INSTALL_DOCKER =
  'install Docker (https://docs.docker.com/engine/install/), or scan the image from its registry (docker://…)';

/** True when docker's error says no engine answered (socket missing, refused, not permitted). */
export function noEngine(stderr: string): boolean {
  return /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|dial unix .*docker\.sock|permission denied while trying to connect/i.test(
    stderr,
  );
}

export interface SavedImage {
  readonly file: string;
  remove(): Promise<void>;
}

/** Saves `name` from the local Docker engine to a temporary docker-archive file. */
export async function saveFromDaemon(name: string, signal: AbortSignal): Promise<SavedImage> {
  const dir = await mkdtemp(join(tmpdir(), 'keyspill-docker-save-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'image.tar');
  try {
    const r = await runTool({
      command: 'docker',
      args: ['save', '-o', file, name],
      install: INSTALL_DOCKER,
      timeoutMs: 30 * 60_000,
      signal,
    });
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
      if (noEngine(r.stderr))
        throw new EnvironmentError(
          'docker',
          `docker-daemon:${name} needs a running Docker engine, and none answers: docker is installed but ${why}`,
          `start Docker (or point DOCKER_HOST at an engine), or scan the image another way: docker://REGISTRY/${name} from its registry, or docker-archive:FILE from a \`docker save -o FILE ${name}\` made where an engine runs`,
        );
      if (/No such image|reference does not exist|not found/i.test(why))
        throw new ScanError(
          `docker-daemon:${name}: the Docker engine has no such image (${why})`,
          `check the name with docker images, or pull it first: docker pull ${name}`,
        );
      throw new ScanError(`docker-daemon:${name}: docker save failed (exit ${r.exitCode}): ${why}`);
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { file, remove };
}
