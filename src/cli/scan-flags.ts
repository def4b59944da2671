// Flags shared by every scan command: rules, config, noise control, output.
import { Flags, type Interfaces } from '@oclif/core';
import { FORMAT_NAMES } from '../report/formats.ts';

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
  'exit-code': Flags.integer({ summary: 'Exit code when leaks are found.', default: 1, min: 0, max: 255 }),
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
