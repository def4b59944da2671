// `keyspill scan stdin`: scan whatever is piped in.
import { Flags } from '@oclif/core';
import { ScanCommand } from '../../cli/scan-command.ts';
import { scanFlags } from '../../cli/scan-flags.ts';
import type { Json } from '../../report/json.ts';

export default class ScanStdin extends ScanCommand {
  static override summary = 'Scan standard input for leaked secrets.';
  static override examples = [
    'kubectl get configmap app -o yaml | <%= config.bin %> scan stdin --name configmap/app',
  ];
  static override flags = {
    ...scanFlags,
    name: Flags.string({ summary: 'Name for the input in reports.', default: '-' }),
  };

  async run(): Promise<Json> {
    const { flags } = await this.parse(ScanStdin);
    this.assertStdinIsPiped();
    const { stdinSource } = await import('../../sources/stdin.ts');
    return this.scanWith(flags, process.cwd(), (s) =>
      stdinSource({
        stream: process.stdin,
        name: flags.name,
        policy: s,
      }),
    );
  }
}
