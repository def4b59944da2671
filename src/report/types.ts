// Reporter interface: a pure function from a scan result to text.
import type { ScanResult } from '../model/result.ts';

export interface RenderOptions {
  /** Print secrets in clear (--show-secrets); otherwise only the redacted form. */
  readonly showSecrets: boolean;
  /** ANSI colours (text format, on a TTY without NO_COLOR). */
  readonly color: boolean;
  readonly toolVersion: string;
}

export interface Reporter {
  readonly description: string;
  /** File extension for --output when the format is guessed from it. */
  readonly extension: string;
  render(result: ScanResult, options: RenderOptions): string;
}
