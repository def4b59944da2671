// `keyspill runbooks list`: the built-in runbooks and the organisation's, with their kinds, steps and step kinds.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.ts';

export interface RunbooksListResult {
  readonly runbooks: readonly {
    readonly name: string;
    readonly source: string;
    readonly file: string;
    readonly kinds: readonly string[];
    readonly description: string;
    readonly params: readonly string[];
    readonly steps: readonly {
      readonly id: string;
      readonly kind: string;
      readonly title: string;
      readonly section: string;
    }[];
  }[];
  readonly stepKinds: readonly { readonly kind: string; readonly effect: string; readonly summary: string }[];
}

export default class RunbooksList extends BaseCommand<RunbooksListResult> {
  static override summary =
    'List runbooks (built-in, and from respond.runbooks in .keyspill.yaml) and the step kinds they can use.';
  static override examples = ['<%= config.bin %> runbooks list', '<%= config.bin %> runbooks list --json'];
  static override flags = {
    config: Flags.string({
      char: 'c',
      summary: 'Config file (default: .keyspill.yaml here).',
      helpValue: 'FILE',
      env: 'KEYSPILL_CONFIG',
    }),
  };

  async run(): Promise<RunbooksListResult> {
    const { flags } = await this.parse(RunbooksList);
    const { loadConfig } = await import('../../config/load.ts');
    const { listRunbooks } = await import('../../respond/runbooks.ts');
    const { STEP_KINDS } = await import('../../respond/steps/registry.ts');
    const config = await loadConfig(process.cwd(), flags.config);
    const runbooks = listRunbooks(config.respond.runbooks).map(({ runbook: r, source, file }) => ({
      name: r.name,
      source,
      file,
      kinds: r.kinds,
      description: r.description,
      params: Object.keys(r.params),
      steps: [
        ...r.steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title, section: 'steps' })),
        ...r.finish.map((s) => ({ id: s.id, kind: s.kind, title: s.title, section: 'finish' })),
      ],
    }));
    const stepKinds = [...STEP_KINDS.values()].map((k) => ({
      kind: k.kind,
      effect: k.effect,
      summary: k.summary,
    }));
    if (!this.jsonEnabled()) {
      for (const r of runbooks) {
        this.log(`${r.name}  (${r.source}; kinds: ${r.kinds.join(', ')})`);
        this.log(`  ${r.description}`);
        if (r.params.length > 0) this.log(`  params: ${r.params.join(', ')}`);
        for (const s of r.steps)
          this.log(`  ${s.section === 'finish' ? 'finish ' : ''}${s.id}  ${s.kind}: ${s.title}`);
        this.log('');
      }
      this.log('step kinds:');
      for (const k of stepKinds) this.log(`  ${k.kind.padEnd(30)} ${k.effect.padEnd(12)} ${k.summary}`);
    }
    return { runbooks, stepKinds };
  }
}
