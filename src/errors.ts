// The typed error hierarchy; each error carries its fixed exit code and what the user should do next.

export const EXIT = {
  clean: 0,
  findings: 1,
  usage: 2,
  failed: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorOptions {
  /** The next step, printed as `fix: …`. */
  readonly hint?: string | undefined;
  /** The error this one wraps (kept for --verbose and for `cause` chains). */
  readonly cause?: unknown;
}

/** An error the user must act on: a bad flag, a bad config or rule file, an unreadable input. */
export class KeyspillError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: number, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
  /** Extra fields for the `--json` error envelope (subclasses add what identifies the failure). */
  details(): Record<string, string> {
    return {};
  }
}

/** Configuration, rule file or usage problem: exit 2. */
export class ConfigError extends KeyspillError {
  constructor(message: string, hint?: string, options: Omit<ErrorOptions, 'hint'> = {}) {
    super(message, EXIT.usage, { ...options, hint });
  }
}

/** Something asked for could not be scanned or done at all: exit 3. */
export class ScanError extends KeyspillError {
  constructor(message: string, hint?: string, options: Omit<ErrorOptions, 'hint'> = {}) {
    super(message, EXIT.failed, { ...options, hint });
  }
}

/** A tool keyspill needs is missing from this machine (git, kubectl, skopeo, docker…): exit 3, with how to install it. */
export class EnvironmentError extends KeyspillError {
  readonly tool: string;
  constructor(tool: string, message: string, install: string, options: Omit<ErrorOptions, 'hint'> = {}) {
    super(message, EXIT.failed, { ...options, hint: install });
    this.tool = tool;
  }
  override details(): Record<string, string> {
    return { tool: this.tool };
  }
}

/** What a remote refusal is about: which endpoint, as whom, lacking which permission. */
export interface RemoteContext {
  /** A registry, a cluster context, an AWS service and region. */
  readonly endpoint: string;
  /** The identity in use (an ARN, a user, a kube context's user), when known. */
  readonly principal?: string | undefined;
  /** The permission that was refused (`iam:UpdateAccessKey`, `list secrets`), when known. */
  readonly permission?: string | undefined;
}

/** A remote service refused or failed (a registry, a cluster, AWS): exit 3, naming endpoint, principal, permission. */
export class RemoteError extends KeyspillError {
  readonly remote: RemoteContext;
  constructor(
    remote: RemoteContext,
    message: string,
    hint?: string,
    options: Omit<ErrorOptions, 'hint'> = {},
  ) {
    super(message, EXIT.failed, { ...options, hint });
    this.remote = remote;
  }
  override details(): Record<string, string> {
    const d: Record<string, string> = { endpoint: this.remote.endpoint };
    if (this.remote.principal !== undefined) d['principal'] = this.remote.principal;
    if (this.remote.permission !== undefined) d['permission'] = this.remote.permission;
    return d;
  }
}

/** Another run holds what this one needs (an incident's lock): exit 3, naming the holder. */
export class LockedError extends KeyspillError {
  readonly holder: Readonly<Record<string, string>>;
  constructor(message: string, hint: string, holder: Readonly<Record<string, string>>) {
    super(message, EXIT.failed, { hint });
    this.holder = holder;
  }
  override details(): Record<string, string> {
    return { ...this.holder };
  }
}

/** The run was interrupted (Ctrl-C) before it could finish: exit 130. */
export class InterruptedError extends KeyspillError {
  constructor(message = 'interrupted', hint?: string) {
    super(message, EXIT.interrupted, { hint });
  }
}

export const REPORT_BUGS = 'https://github.com/keyspill/keyspill/issues';

/** Anything we did not expect: exit 3 and "please report"; the stack only under --verbose. */
export class BugError extends KeyspillError {
  constructor(cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`unexpected error: ${message}`, EXIT.failed, {
      cause,
      hint: `this is a bug in keyspill: please report it at ${REPORT_BUGS} with the command you ran (--verbose prints the stack)`,
    });
  }
}

/** Why something failed, for messages that wrap it: the errno code (ENOENT, EACCES) when there is one, else the message. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ?? e.message;
  return String(e);
}
