// `keyspill respond verify ID`: check an incident journal's hash chain (edits, deletions, reordering, truncation).
import { Args } from '@oclif/core';
import { RespondCommand } from '../../cli/respond-command.ts';
import { stateFlags } from '../../cli/respond-flags.ts';
import { EXIT } from '../../errors.ts';
import type { VerifyResult } from '../../respond/inspect.ts';

export default class RespondVerify extends RespondCommand<VerifyResult> {
  static override summary =
    'Verify an incident journal: every entry’s hash, the chain, the order and the recorded end.';
  static override description =
    'Exits 0 when the journal is intact, 3 when it is not (each problem with its line number).';
  static override examples = ['<%= config.bin %> respond verify inc-20261204-031207-a1b2'];
  static override args = { id: Args.string({ description: 'Incident id.', required: true }) };
  static override flags = { ...stateFlags };

  async run(): Promise<VerifyResult> {
    const { args, flags } = await this.parse(RespondVerify);
    const { verifyIncident } = await import('../../respond/inspect.ts');
    const r = verifyIncident(await this.stateDir(flags['state-dir']), args.id);
    if (!this.jsonEnabled()) {
      if (r.ok) this.log(`ok   ${r.id}: ${r.entries} entries, hash chain intact`);
      else {
        this.log(`FAIL ${r.id}: ${r.problems.length} problem(s)`);
        for (const p of r.problems) this.log(`  ${p.message}`);
      }
    }
    if (!r.ok) this.setExitCode(EXIT.failed);
    return r;
  }
}
