// Flags shared by every scan command: rules, config, noise control, output.
import { Errors, Flags, type Interfaces } from '@oclif/core';
import { EXIT } from '../errors.ts';
import { FORMAT_NAMES } from '../report/formats.ts';
import { CONFIDENCES, DEFAULT_MIN_CONFIDENCE } from '../model/rule.ts';

/** Exit codes keyspill gives fixed meanings to; --exit-code may not reuse them. */
const RESERVED_EXIT_CODES: readonly number[] = [EXIT.usage, EXIT.failed, EXIT.interrupted];

export const scanFlags = {
  format: Flags.option({
    char: 'f',
    summary: 'Report format.',
    options: FORMAT_NAMES,
    default: 'text' as const,
  })(),
  output: Flags.string({
    char: 'o',
    summary: 'Write the report to FILE instead of stdout.',
    helpValue: 'FILE',
  }),
  'show-secrets': Flags.boolean({
    summary: 'Print secrets in clear (they are redacted by default).',
    default: false,
  }),
  config: Flags.string({
    char: 'c',
    summary: 'Config file (default: .keyspill.yaml in the scanned root).',
    helpValue: 'FILE',
    env: 'KEYSPILL_CONFIG',
  }),
  rules: Flags.string({
    char: 'r',
    summary: 'Extra rule file(s), RE2 syntax.',
    multiple: true,
    helpValue: 'FILE',
  }),
  builtin: Flags.boolean({
    summary: 'Use the built-in rule catalogue (--no-builtin: only your rules).',
    default: true,
    allowNo: true,
  }),
  'ignore-file': Flags.string({
    summary: 'Fingerprints to ignore (default: .keyspillignore in the scanned root).',
    helpValue: 'FILE',
  }),
  baseline: Flags.string({
    char: 'b',
    summary: 'Report only findings not in this baseline file.',
    helpValue: 'FILE',
    env: 'KEYSPILL_BASELINE',
  }),
  'write-baseline': Flags.string({
    summary: 'Write every current finding to a baseline file.',
    helpValue: 'FILE',
  }),
  'exit-code': Flags.custom<number>({
    summary: 'Exit code when leaks are found (not 2, 3 or 130: those mean usage error, failure, interrupt).',
    default: 1,
    helpValue: 'N',
    parse: async (input) => {
      const n = Number(input);
      if (!/^\d{1,3}$/.test(input) || n > 255)
        throw new Errors.CLIError(`--exit-code ${input}: expected a whole number from 0 to 255`, { exit: 2 });
      if (RESERVED_EXIT_CODES.includes(n))
        throw new Errors.CLIError(
          `--exit-code ${n} would be read as ${n === 2 ? 'a usage error' : n === 3 ? 'a failed scan' : 'an interrupt'}: choose another (e.g. 1 or 4)`,
        );
      return n;
    },
  })(),
  'min-confidence': Flags.option({
    summary:
      'Report findings at or above this confidence: high (provider formats, validated keys), medium (plus credential fields with a plausible value), low (plus generic heuristics).',
    options: CONFIDENCES,
    default: DEFAULT_MIN_CONFIDENCE,
    env: 'KEYSPILL_MIN_CONFIDENCE',
  })(),
  'max-file-size': Flags.string({
    summary: 'Skip files larger than this (default 25MB, or maxFileSize in config).',
    helpValue: 'SIZE',
  }),
  'include-binary': Flags.boolean({ summary: 'Also scan files that look binary.', default: false }),
  color: Flags.boolean({
    summary: 'Colour the text report (default: on a TTY unless NO_COLOR).',
    allowNo: true,
  }),
  save: Flags.boolean({
    summary:
      'Keep a redacted copy of the findings in the state folder, for `keyspill respond incident --finding`.',
    default: true,
    allowNo: true,
  }),
  'state-dir': Flags.string({
    summary: 'Where saved scans and incidents live (default: ~/.local/state/keyspill).',
    helpValue: 'DIR',
    env: 'KEYSPILL_STATE_DIR',
  }),
  verbose: Flags.boolean({
    char: 'v',
    summary: 'Progress and skipped items on stderr even when not a TTY.',
    default: false,
  }),
};

export type ScanFlagValues = Interfaces.InferredFlags<typeof scanFlags>;
