// `keyspill rules list`: every active rule, with where it came from.
import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { BaseCommand } from '../../cli/base.ts';

export interface RuleRow {
  readonly id: string;
  readonly kind: string;
  readonly severity: string;
  readonly source: string;
  readonly engine: string;
  readonly keywords: readonly string[];
  readonly description: string;
  /** The rule's own confidence, before context and value lower it. */
  readonly confidence: string;
}

export default class RulesList extends BaseCommand<{ rules: RuleRow[] }> {
  static override summary = 'List the active rules and where each comes from.';
  static override examples = [
    '<%= config.bin %> rules list',
    '<%= config.bin %> rules list --config .keyspill.yaml --json',
  ];
  static override flags = {
    config: Flags.string({
      char: 'c',
      summary: 'Config file (default: .keyspill.yaml in the current folder).',
      helpValue: 'FILE',
    }),
    rules: Flags.string({ char: 'r', summary: 'Extra rule file(s).', multiple: true, helpValue: 'FILE' }),
    builtin: Flags.boolean({ summary: 'Include the built-in catalogue.', default: true, allowNo: true }),
  };

  async run(): Promise<{ rules: RuleRow[] }> {
    const { flags } = await this.parse(RulesList);
    const { loadConfig } = await import('../../config/load.ts');
    const { activeRules, activeFormats } = await import('../../catalog/active.ts');
    const { K8S_RULES } = await import('../../sources/k8s/rules.ts');
    const cwd = process.cwd();
    const config = await loadConfig(cwd, flags.config === undefined ? undefined : resolve(cwd, flags.config));
    const options = {
      config,
      ruleFiles: (flags.rules ?? []).map((f) => resolve(cwd, f)),
      noBuiltin: !flags.builtin,
    };
    const rules = await activeRules(options);
    const rows: RuleRow[] = rules.map((r) => ({
      id: r.spec.id,
      kind: r.spec.kind,
      severity: r.spec.severity,
      source: r.origin.type === 'builtin' ? r.origin.file : `${r.origin.type}:${r.origin.file}`,
      engine: r.matcher.engine,
      keywords: r.spec.keywords,
      description: r.spec.description,
      confidence: r.confidence,
    }));
    // File-format detectors read the files they name (src/detect/formats): rules in code, listed with the rest.
    for (const f of activeFormats(options))
      rows.push({
        id: f.id,
        kind: f.kind,
        severity: f.severity,
        source: `format: ${f.files}`,
        engine: 'format',
        keywords: [],
        description: f.description,
        confidence: f.confidence,
      });
    // Kubernetes rules judge an object's structure (a ConfigMap's data, a Secret manifest, a Secret's
    // last-applied copy): a match found there by any rule is reported under them, at that match's confidence.
    if (flags.builtin)
      for (const k of K8S_RULES)
        rows.push({
          id: k.id,
          kind: k.kind,
          severity: k.severity,
          source: 'structure: Kubernetes objects (scan k8s; Secret manifests also in scan dir and scan git)',
          engine: 'structure',
          keywords: [],
          description: k.description,
          confidence: 'of its match',
        });
    const w = (k: 'id' | 'kind' | 'severity' | 'confidence'): number =>
      Math.max(k.length, ...rows.map((r) => r[k].length));
    const [wi, wk, ws, wc] = [w('id'), w('kind'), w('severity'), w('confidence')];
    this.log(
      `${'ID'.padEnd(wi)}  ${'KIND'.padEnd(wk)}  ${'SEVERITY'.padEnd(ws)}  ${'CONFIDENCE'.padEnd(wc)}  SOURCE`,
    );
    for (const r of rows)
      this.log(
        `${r.id.padEnd(wi)}  ${r.kind.padEnd(wk)}  ${r.severity.padEnd(ws)}  ${r.confidence.padEnd(wc)}  ${r.source}`,
      );
    this.log(`\n${rows.length} rules`);
    return { rules: rows };
  }
}
