// External tools (kubectl, docker, skopeo, a runbook's own script) run through execa: bounded, abortable, clear errors.
import { EnvironmentError, InterruptedError, ScanError } from '../errors.ts';

export interface ToolRun {
  /** The program (looked up on PATH) and its arguments; never a secret on the command line. */
  readonly command: string;
  readonly args: readonly string[];
  /** How to install the tool, for the error when it is missing. */
  readonly install: string;
  readonly cwd?: string | undefined;
  /** Environment added to (or, with `extendEnv: false`, replacing) the current one. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly extendEnv?: boolean | undefined;
  readonly input?: string | Uint8Array | undefined;
  /** Killed (SIGTERM, then SIGKILL after 2 s) when it runs longer; default 120 s. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Output kept per stream; more is an error (default 64 MiB). */
  readonly maxBuffer?: number | undefined;
}

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs a tool to completion and returns its exit code and output (a non-zero exit is a result, not an error: the
 * caller knows what it means). A missing tool is an EnvironmentError naming how to install it; a timeout a
 * ScanError naming the command; an abort an InterruptedError. The tool never sees a terminal.
 */
export async function runTool(o: ToolRun): Promise<ToolResult> {
  // execa costs ~110 ms to load: only paths that run tools pay for it (never the pre-commit scan).
  const { execa } = await import('execa');
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await execa(o.command, [...o.args], {
    reject: false,
    ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
    ...(o.env === undefined ? {} : { env: o.env }),
    extendEnv: o.extendEnv ?? true,
    ...(o.input === undefined ? { stdin: 'ignore' as const } : { input: o.input }),
    timeout,
    forceKillAfterDelay: 2000,
    maxBuffer: o.maxBuffer ?? 64 * 1024 * 1024,
    ...(o.signal === undefined ? {} : { cancelSignal: o.signal }),
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  const what = `${o.command} ${o.args.join(' ')}`.trim();
  if (r.isCanceled) throw new InterruptedError(`interrupted while running ${o.command}`);
  if (r.timedOut)
    throw new ScanError(`${what} did not finish within ${Math.round(timeout / 1000)} s`, undefined, {
      cause: r,
    });
  const code = (r as { code?: string }).code;
  if (code === 'ENOENT' || (r.exitCode === undefined && /ENOENT/.test(String(r.message))))
    throw new EnvironmentError(o.command, `${o.command} was not found on PATH`, o.install, { cause: r });
  if (r.isMaxBuffer)
    throw new ScanError(`${what} wrote more output than keyspill keeps`, undefined, { cause: r });
  if (r.exitCode === undefined)
    throw new ScanError(`${what} failed to run: ${r.shortMessage}`, undefined, { cause: r });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}
