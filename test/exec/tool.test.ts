// External tools through execa: output and exit codes, a missing tool, a timeout, an abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, InterruptedError, ScanError } from '../../src/errors.ts';
import { runTool } from '../../src/exec/tool.ts';

const node = process.execPath;

test('a tool runs with its environment and input; a non-zero exit is a result', async () => {
  const r = await runTool({
    command: node,
    args: [
      '-e',
      'process.stdin.pipe(process.stdout); process.stderr.write(process.env.X_TEST); process.exitCode = 4',
    ],
    install: 'n/a',
    input: 'hello',
    env: { X_TEST: 'from-env' },
  });
  assert.deepEqual(r, { exitCode: 4, stdout: 'hello', stderr: 'from-env' });
});

test('a missing tool is an EnvironmentError that says how to install it', async () => {
  await assert.rejects(
    runTool({ command: 'keyspill-no-such-tool', args: [], install: 'apt-get install keyspill-no-such-tool' }),
    (e: unknown) =>
      e instanceof EnvironmentError &&
      e.tool === 'keyspill-no-such-tool' &&
      /not found on PATH/.test(e.message) &&
      e.hint === 'apt-get install keyspill-no-such-tool' &&
      e.exitCode === 3,
  );
});

test('a tool that runs too long is killed and named', async () => {
  const started = Date.now();
  await assert.rejects(
    runTool({ command: node, args: ['-e', 'setTimeout(() => {}, 60000)'], install: 'n/a', timeoutMs: 300 }),
    (e: unknown) => e instanceof ScanError && /did not finish within/.test(e.message),
  );
  assert.ok(Date.now() - started < 5000);
});

test('an abort stops the tool and is an interruption', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(
    runTool({
      command: node,
      args: ['-e', 'setTimeout(() => {}, 60000)'],
      install: 'n/a',
      signal: ac.signal,
    }),
    (e: unknown) => e instanceof InterruptedError && e.exitCode === 130,
  );
});
