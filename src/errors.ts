// The typed error hierarchy; each error carries its fixed exit code and what the user should do next.

export const EXIT = {
  clean: 0,
  findings: 1,
  usage: 2,
  failed: 3,
  interrupted: 130,
} as const;

/** An error the user must act on: a bad flag, a bad config or rule file, an unreadable input. */
export class KeyspillError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Configuration, rule file or usage problem: exit 2. */
export class ConfigError extends KeyspillError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** Something asked for could not be scanned at all: exit 3. */
export class ScanError extends KeyspillError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.failed, hint);
  }
}
