// `keyspill respond list`: every incident in the state folder, newest last.
import { RespondCommand } from '../../cli/respond-command.ts';
import { stateFlags } from '../../cli/respond-flags.ts';
import type { ListedIncident } from '../../respond/inspect.ts';

export default class RespondList extends RespondCommand<ListedIncident[]> {
  static override summary = 'List incidents: id, status, credential, runbook, when.';
  static override examples = ['<%= config.bin %> respond list', '<%= config.bin %> respond list --json'];
  static override flags = { ...stateFlags };

  async run(): Promise<ListedIncident[]> {
    const { flags } = await this.parse(RespondList);
    const { listIncidents } = await import('../../respond/inspect.ts');
    const list = listIncidents(await this.stateDir(flags['state-dir']));
    if (!this.jsonEnabled()) {
      if (list.length === 0) this.log('no incidents');
      for (const i of list)
        this.log(
          `${i.id}  ${i.status.padEnd(9)}  ${i.kind} ${i.credential}  (${i.runbook})${i.stopped ? `  stopped: ${i.stopped}` : ''}`,
        );
    }
    return list;
  }
}
