// The image config as text to scan (Env, Labels, Cmd, Entrypoint, each history line), and history → layer attribution.
import type { ImageConfig } from './manifest.ts';

export interface ConfigField {
  /** `config.Env`, `config.Labels`, `config.Cmd`, `config.Entrypoint`, `history[N].created_by`. */
  readonly field: string;
  readonly text: string;
  /** When it entered the image: the history entry's time, else the config's. */
  readonly created: string | undefined;
}

/** The fields where build arguments and ENV values land; one line per Env entry or label. */
export function configFields(config: ImageConfig): ConfigField[] {
  const out: ConfigField[] = [];
  const c = config.config ?? undefined;
  const created = config.created;
  if (c?.Env && c.Env.length > 0) out.push({ field: 'config.Env', text: `${c.Env.join('\n')}\n`, created });
  const labels = Object.entries(c?.Labels ?? {});
  if (labels.length > 0)
    out.push({
      field: 'config.Labels',
      text: `${labels.map(([k, v]) => `${k}=${v}`).join('\n')}\n`,
      created,
    });
  if (c?.Cmd && c.Cmd.length > 0) out.push({ field: 'config.Cmd', text: `${c.Cmd.join(' ')}\n`, created });
  if (c?.Entrypoint && c.Entrypoint.length > 0)
    out.push({ field: 'config.Entrypoint', text: `${c.Entrypoint.join(' ')}\n`, created });
  (config.history ?? []).forEach((h, i) => {
    if (h.created_by !== undefined && h.created_by.trim() !== '')
      out.push({
        field: `history[${i}].created_by`,
        text: `${h.created_by}\n`,
        created: h.created ?? created,
      });
  });
  return out;
}

export interface LayerHistory {
  readonly createdBy: string | undefined;
  readonly created: string | undefined;
}

/**
 * The history entry of each layer: the entries without `empty_layer`, in order. When their count differs from the
 * layer count the mapping is unknown, and no layer gets one (a wrong instruction is worse than none).
 */
export function layerHistory(config: ImageConfig | undefined, layers: number): (LayerHistory | undefined)[] {
  const made = (config?.history ?? []).filter((h) => h.empty_layer !== true);
  if (made.length !== layers) return Array.from({ length: layers }, () => undefined);
  return made.map((h) => ({ createdBy: h.created_by, created: h.created }));
}
