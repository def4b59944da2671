// On a terminal (a real pty through util-linux `script`): prompts before each step, a "no" stops, "yes" is recorded.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN } from '../helpers/cli.ts';
import { ks, type Ks } from '../helpers/respond.ts';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * Runs the CLI on a pty; answers each prompt from `answers`, in order: `(y/N)` confirmations and typed ones
 * ("Type X to confirm").
 */
function onTty(
  k: Ks,
  args: string[],
  answers: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...extraEnv,
    KEYSPILL_STATE_DIR: k.state,
    NO_COLOR: '1',
    TERM: 'xterm',
  };
  delete env['CI'];
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    cwd: k.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let asked = 0;
  let answeredAt = -1;
  const onData = (b: Buffer): void => {
    out += b.toString();
    // A prompt is waiting when the screen ends with "(y/N) " (re-renders after a key show "(y/N) y").
    // eslint-disable-next-line no-control-regex
    const plain = out.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
    const at = Math.max(plain.lastIndexOf('(y/N)'), plain.lastIndexOf('cancels):'));
    if (at > answeredAt && /(\(y\/N\)|cancels\):)\s*$/.test(plain) && asked < answers.length) {
      answeredAt = at;
      child.stdin.write(`${answers[asked++]}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      resolve({ code: code ?? -1, out: out.replaceAll('\r', '').replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '') });
    }),
  );
}

test(
  'a terminal gets a prompt per step: "no" stops with nothing changed (exit 2); "yes" goes on and is recorded',
  { skip: !hasScript && 'util-linux script is not installed' },
  async () => {
    const k = ks();
    const first = await onTty(
      k,
      ['respond', 'incident', '--kind', 'generic', '--name', 'partner token'],
      ['n'],
    );
    assert.equal(first.code, 2, first.out);
    assert.match(first.out, /incident inc-\d{8}-\d{6}-[0-9a-f]{4}/);
    assert.match(first.out, /Revoke partner token .* at the service that issued it/);
    assert.match(first.out, /stopped: revoke was not confirmed; nothing was changed by it/);
    const id = k.incidents()[0]!;
    const second = await onTty(k, ['respond', 'resume', id], ['y', 'y', 'y', 'y', 'y']);
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /is contained/);
    const confirmed = k.journal(id).filter((e) => e['type'] === 'confirmed');
    assert.equal(confirmed.length, 5);
    assert.ok(confirmed.every((e) => e['how'] === 'prompt'));
  },
);

test(
  'an irreversible step asks for the key id to be typed; anything else cancels',
  { skip: !hasScript && 'util-linux script is not installed' },
  async () => {
    const { startMoto } = await import('../helpers/moto.ts');
    const { startCloudTrailServer } = await import('../helpers/cloudtrail-server.ts');
    const { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } =
      await import('@aws-sdk/client-iam');
    const moto = await startMoto();
    const trail = await startCloudTrailServer();
    try {
      const env = { ...moto.env, ...trail.env };
      Object.assign(process.env, env);
      const iam = new IAMClient({});
      await iam.send(new CreateUserCommand({ UserName: 'ci' }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ci' }))).AccessKey!.AccessKeyId!;
      const k = ks(env);
      assert.equal(
        (
          await k.run([
            'respond',
            'incident',
            '--kind',
            'aws-access-key',
            '--id',
            key,
            '--yes',
            '--regions',
            'us-east-1',
          ])
        ).code,
        0,
      );
      const id = k.incidents()[0]!;
      const wrong = await onTty(k, ['respond', 'finish', id], ['yes'], env);
      assert.equal(wrong.code, 2, wrong.out);
      assert.match(
        wrong.out.replace(/\s+/g, ' '),
        new RegExp(
          `Delete access key ${key} of IAM user ci in account 123456789012 for good\\? This cannot be undone\\.`,
        ),
      );
      assert.match(wrong.out, new RegExp(`Type ${key} to confirm`));
      const keys = async () =>
        ((await iam.send(new ListAccessKeysCommand({ UserName: 'ci' }))).AccessKeyMetadata ?? []).map(
          (x) => x.AccessKeyId,
        );
      assert.ok((await keys()).includes(key), 'not deleted');
      const right = await onTty(k, ['respond', 'finish', id], [key], env);
      assert.equal(right.code, 0, right.out);
      assert.ok(!(await keys()).includes(key), 'deleted');
      assert.ok(k.journal(id).some((e) => e['type'] === 'confirmed' && e['how'] === 'typed'));
      iam.destroy();
    } finally {
      await moto.stop();
      await trail.close();
    }
  },
);
