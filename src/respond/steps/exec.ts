// Step kind exec: the organisation's own script (execa), incident context in KEYSPILL_* variables, never a secret in argv.
import { z } from 'zod';
import { runTool } from '../../exec/tool.ts';
import { ScanError } from '../../errors.ts';
import { defineStep, type StepContext } from './types.ts';

const argv = z.array(z.string().min(1)).min(1);
const input = z
  .object({
    /** The command and its arguments (no shell). */
    run: argv,
    /** Exit 0: already done (act is skipped); exit 1: not done; anything else is an error. */
    probe: argv.optional(),
    /** Must exit 0 after run. */
    verify: argv.optional(),
    env: z
      .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'), z.string())
      .default({}),
    cwd: z.string().optional(),
    timeoutSeconds: z.number().int().positive().default(300),
  })
  .strict();
type Input = z.infer<typeof input>;

function contextEnv(i: Input, ctx: StepContext): Record<string, string> {
  const c = ctx.incident;
  return {
    ...i.env,
    KEYSPILL_INCIDENT_ID: c.id,
    KEYSPILL_INCIDENT_DIR: c.dir,
    KEYSPILL_RUNBOOK: c.runbook,
    KEYSPILL_STEP_ID: ctx.stepId,
    KEYSPILL_CREDENTIAL_KIND: c.credential.kind,
    KEYSPILL_CREDENTIAL_ID: c.credential.id,
    KEYSPILL_CREDENTIAL_REDACTED: c.credential.redacted ?? '',
    KEYSPILL_LEAK_SINCE: c.since ?? '',
    KEYSPILL_RESPONDER: ctx.responder,
    /** Stable across retries and resumes: scripts use it to make their own calls idempotent. */
    KEYSPILL_IDEMPOTENCY_KEY: ctx.token('exec'),
  };
}

async function run(
  cmd: readonly string[],
  i: Input,
  ctx: StepContext,
): Promise<{ code: number; tail: string }> {
  const r = await runTool({
    command: cmd[0]!,
    args: cmd.slice(1),
    install: `install ${cmd[0]} or fix the exec step's command in the runbook`,
    cwd: i.cwd,
    env: contextEnv(i, ctx),
    timeoutMs: i.timeoutSeconds * 1000,
    signal: ctx.signal,
  });
  // The script's output is shown to the person running it, never journaled (it is not ours to vouch for).
  for (const line of `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-20))
    ctx.note(`  │ ${line}`);
  return { code: r.exitCode, tail: r.stderr.trim().split('\n').slice(-1)[0] ?? '' };
}

export const exec = defineStep<Input>({
  kind: 'exec',
  summary:
    'Run your own script (no shell), with the incident in KEYSPILL_* environment variables; optional probe and verify commands.',
  effect: 'reversible',
  notInDryRun: true,
  input,
  outputs: ['exitCode'],
  plan: (i) => [
    ...(i.probe ? [{ call: `exec ${i.probe.join(' ')}`, args: {}, effect: false }] : []),
    { call: `exec ${i.run.join(' ')}`, args: { env: 'KEYSPILL_* (incident context)' }, effect: true },
    ...(i.verify ? [{ call: `exec ${i.verify.join(' ')}`, args: {}, effect: false }] : []),
  ],
  confirmText: (i) => `Run ${i.run.join(' ')}?`,
  async probe(i, ctx) {
    if (i.probe !== undefined) {
      const r = await run(i.probe, i, ctx);
      if (r.code === 0) return { done: true, facts: [`${i.probe.join(' ')} says it is already done`] };
      if (r.code !== 1)
        throw new ScanError(
          `the probe ${i.probe.join(' ')} exited ${r.code} (0 = done, 1 = not done): ${r.tail}`,
        );
      return { done: false, facts: [`${i.probe.join(' ')} says it is not done yet`] };
    }
    const ran = ctx.history.some((e) => e.type === 'outcome' && e.call === 'exec' && e.ok);
    return ran ? { done: true, facts: ['the script already ran to success'] } : { done: false, facts: [] };
  },
  async act(i, _p, ctx) {
    await ctx.effect(
      { call: 'exec', args: { command: i.run[0]!, args: i.run.length - 1 } },
      async () => {
        const r = await run(i.run, i, ctx);
        if (r.code !== 0)
          throw new ScanError(
            `${i.run.join(' ')} exited ${r.code}: ${r.tail}`,
            'fix the script or its cause, then resume',
          );
        return r;
      },
      (r) => ({ exitCode: r.code }),
    );
  },
  async verify(i, ctx) {
    if (i.verify !== undefined) {
      const r = await run(i.verify, i, ctx);
      if (r.code !== 0)
        throw new ScanError(`the verify command ${i.verify.join(' ')} exited ${r.code}: ${r.tail}`);
    }
    return { exitCode: 0 };
  },
});
