// Image source (`scan image`): opens each reference, scans each unique layer and config once, then works out visibility.
import { ConfigError, KeyspillError } from '../../errors.ts';
import type { Match } from '../../model/match.ts';
import type { ImageLayerRef, ImageProvenance } from '../../model/provenance.ts';
import { contentEvents, type ContentPolicy } from '../content.ts';
import type { Resolved, Source, SourceEvent } from '../types.ts';
import { configFields, layerHistory, type LayerHistory } from './config-fields.ts';
import { parseCreds } from './credentials.ts';
import type { ImageHandle, LayerBlob, OpenedRef, PlatformChoice } from './image.ts';
import { scanLayer } from './layer-scan.ts';
import { parsePlatform } from './manifest.ts';
import { openRef, type OpenContext } from './open.ts';
import { parseImageRef, type ImageRef } from './reference.ts';
import type { RegistryClient } from './registry.ts';
import { emptyLayerPaths, hiddenBy, type LayerPaths } from './whiteout.ts';

export const DEFAULT_PLATFORM = 'linux/amd64';
export const DEFAULT_MAX_LAYER_SIZE = 10 * 1000 * 1000 * 1000;

export interface ImageSourceOptions {
  /** References in transport syntax, as the user wrote them. */
  readonly refs: readonly string[];
  /** --platform os/arch[/variant] (default linux/amd64). */
  readonly platform: string | undefined;
  readonly allPlatforms: boolean;
  /** --creds USER:PASS */
  readonly creds: string | undefined;
  /** --insecure-registry HOST[:PORT]: plain HTTP to these. */
  readonly insecureRegistries: readonly string[];
  /** Bound on the uncompressed bytes of one layer. */
  readonly maxLayerSize: number;
  readonly policy: ContentPolicy;
  readonly cwd: string;
  /** DOCKER_CONFIG is read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly userAgent: string;
  readonly registryTuning?: OpenContext['registryTuning'];
}

interface ScannedImage {
  readonly handle: ImageHandle;
  /**
   * Each layer's key, what "the same layer" means across images: the blob digest where the store names blobs by
   * digest (checked while reading), else the diff_id (then checked instead). Never an unchecked claim, so an image
   * cannot hide a layer by naming another one's diff_id.
   */
  readonly keys: readonly string[];
  readonly history: readonly (LayerHistory | undefined)[];
}

interface LayerState {
  readonly paths: LayerPaths;
  refused: boolean;
}

const short = (digest: string): string => digest.replace(/^(sha\d+:[0-9a-f]{12})[0-9a-f]*$/, '$1');

function layerRef(img: ScannedImage, i: number): ImageLayerRef {
  const l = img.handle.layers[i]!;
  const h = img.history[i];
  return { index: i + 1, digest: l.digest, diffId: l.diffId, createdBy: h?.createdBy, created: h?.created };
}

function base(img: ImageHandle): Omit<ImageProvenance, 'target'> {
  return {
    kind: 'image',
    image: img.image,
    manifestDigest: img.manifestDigest,
    platform: img.platform,
    configDigest: img.configDigest,
  };
}

/** The provenance of a file of layer `i` of `img`, visible or hidden by a later layer. */
function layerProvenance(
  img: ScannedImage,
  i: number,
  path: string,
  layers: ReadonlyMap<string, LayerState>,
): ImageProvenance {
  const paths = img.keys.map((k) => layers.get(k)?.paths ?? emptyLayerPaths());
  const hidden = hiddenBy(paths, i, path);
  return {
    ...base(img.handle),
    target: {
      type: 'layer',
      path,
      layer: layerRef(img, i),
      layers: img.handle.layers.length,
      visibility: hidden === undefined ? 'visible' : hidden.how,
      hiddenBy: hidden === undefined ? undefined : layerRef(img, hidden.layer),
    },
  };
}

function layerKey(l: LayerBlob): string {
  return l.verifyDigest ? l.digest : (l.diffId ?? l.digest);
}

function parsePlatformFlag(value: string | undefined, all: boolean): PlatformChoice {
  try {
    return { platform: parsePlatform(value ?? DEFAULT_PLATFORM), explicit: value !== undefined, all };
  } catch (e) {
    throw new ConfigError(`--platform: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/**
 * Opens every reference (manifests and configs: small reads), then returns the source that streams their layers.
 * A reference that cannot be opened at all (a 404 tag, a refused login, not an image) fails here, before the scan,
 * with its own error and fix, when it is the only one; among several, it becomes a note and the rest are scanned.
 */
export async function imageSource(o: ImageSourceOptions): Promise<Source> {
  if (o.refs.length === 0)
    throw new ConfigError('no image to scan', 'name one, e.g.: keyspill scan image docker-archive:app.tar');
  const refs: ImageRef[] = o.refs.map(parseImageRef);
  const choice = parsePlatformFlag(o.platform, o.allPlatforms);
  const explicit = o.creds === undefined ? undefined : parseCreds(o.creds);
  const images: ScannedImage[] = [];
  const layers = new Map<string, LayerState>();
  const configs = new Set<string>();
  let shared = 0;
  /** Layer key by the (digest, diff_id) a fragment's provenance carries. */
  const keyOfProvenance = new Map<string, string>();

  async function* scanImage(img: ImageHandle, signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const scanned: ScannedImage = {
      handle: img,
      keys: img.layers.map(layerKey),
      history: layerHistory(img.config, img.layers.length),
    };
    images.push(scanned);
    if (img.config !== undefined && !configs.has(img.configDigest)) {
      configs.add(img.configDigest);
      for (const f of configFields(img.config)) {
        yield* contentEvents(Buffer.from(f.text, 'utf8'), o.policy, {
          path: f.field,
          provenance: { ...base(img), target: { type: 'config', field: f.field, created: f.created } },
          label: `${img.image} config`,
        });
      }
    }
    const total = img.layers.length;
    for (const [i, blob] of img.layers.entries()) {
      if (signal.aborted) return;
      const key = scanned.keys[i]!;
      if (layers.has(key)) {
        shared++;
        continue;
      }
      const state: LayerState = { paths: emptyLayerPaths(), refused: false };
      layers.set(key, state);
      keyOfProvenance.set(`${blob.digest}\0${blob.diffId ?? ''}`, key);
      const label = `${img.image} layer ${i + 1}/${total} ${short(blob.digest)}`;
      const gen = scanLayer({
        open: () => blob.open(),
        digest: blob.verifyDigest ? blob.digest : undefined,
        diffId: blob.diffId,
        maxLayerSize: o.maxLayerSize,
        policy: o.policy,
        // Visibility needs the later layers: `resolve` works it out once every layer is read.
        provenance: (path) => ({
          ...base(img),
          target: {
            type: 'layer',
            path,
            layer: layerRef(scanned, i),
            layers: total,
            visibility: 'visible',
            hiddenBy: undefined,
          },
        }),
        label,
        paths: state.paths,
        signal,
      });
      let step = await gen.next();
      while (step.done !== true) {
        yield step.value;
        step = await gen.next();
      }
      const problem = step.value.problem;
      if (problem !== undefined) {
        state.refused = problem.refused;
        yield {
          type: 'skip',
          incomplete: true,
          skipped: {
            path: label,
            reason: problem.reason,
            detail: problem.refused
              ? `${problem.detail}; nothing found in it is reported`
              : `${problem.detail}; scanned up to there`,
          },
        };
      }
    }
  }

  // The scan's own signal only exists once events() runs: until then nothing aborts the small open phase.
  const phase = new AbortController();
  const ctx: OpenContext = {
    choice,
    insecure: new Set(o.insecureRegistries.map((h) => h.toLowerCase())),
    credentials: { explicit, env: o.env, homedir: o.homedir, signal: phase.signal },
    signal: phase.signal,
    userAgent: o.userAgent,
    cwd: o.cwd,
    clients: new Map<string, RegistryClient>(),
    ...(o.registryTuning === undefined ? {} : { registryTuning: o.registryTuning }),
  };
  const opened: OpenedRef[] = [];
  const failures: { readonly ref: string; readonly error: KeyspillError }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const r of opened.splice(0)) await r.close().catch(() => undefined);
  };
  for (const [i, ref] of refs.entries()) {
    try {
      opened.push(await openRef(ref, ctx));
    } catch (e) {
      if (!(e instanceof KeyspillError)) {
        await closeAll();
        throw e;
      }
      failures.push({ ref: o.refs[i]!, error: e });
    }
  }
  if (opened.length === 0) throw failures[0]!.error;

  return {
    name: 'image',
    targets: o.refs,
    async *events(signal) {
      const onAbort = (): void => phase.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        for (const { ref, error } of failures)
          yield {
            type: 'note',
            note: `${ref}: not scanned: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`,
            incomplete: true,
          };
        for (let r = opened[0]; r !== undefined; r = opened[0]) {
          let told = 0;
          for (const img of r.images) {
            for (; told < r.notes.length; told++) yield { type: 'note', ...r.notes[told]! };
            if (signal.aborted) return;
            yield* scanImage(img, signal);
          }
          for (; told < r.notes.length; told++) yield { type: 'note', ...r.notes[told]! };
          opened.shift();
          await r.close();
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        await closeAll();
      }
      if (shared > 0)
        yield {
          type: 'note',
          note: `${shared} ${shared === 1 ? 'layer appears' : 'layers appear'} in more than one image (or twice in one) and ${shared === 1 ? 'was' : 'were'} scanned once; findings list every image`,
          incomplete: false,
        };
    },

    async resolve(matches: Match[]): Promise<Resolved> {
      const byLayer = new Map<string, { img: ScannedImage; index: number }[]>();
      for (const img of images)
        img.keys.forEach((k, index) => {
          const list = byLayer.get(k);
          if (list === undefined) byLayer.set(k, [{ img, index }]);
          else list.push({ img, index });
        });
      const out: Match[] = [];
      let refused = 0;
      for (const m of matches) {
        const p = m.location.provenance;
        if (p.kind !== 'image') {
          out.push(m);
          continue;
        }
        const t = p.target;
        if (t.type === 'config') {
          const same = images.filter((img) => img.handle.configDigest === p.configDigest);
          if (same.length === 0) out.push(m);
          for (const img of same)
            out.push({ ...m, location: { ...m.location, provenance: { ...base(img.handle), target: t } } });
          continue;
        }
        const key = keyOfProvenance.get(`${t.layer.digest}\0${t.layer.diffId ?? ''}`) ?? t.layer.digest;
        if (layers.get(key)?.refused === true) {
          refused++;
          continue;
        }
        const places = byLayer.get(key) ?? [];
        if (places.length === 0) out.push(m);
        for (const { img, index } of places)
          out.push({
            ...m,
            location: { ...m.location, provenance: layerProvenance(img, index, t.path, layers) },
          });
      }
      const notes =
        refused > 0
          ? [
              {
                note: `${refused} ${refused === 1 ? 'match' : 'matches'} in refused layers (digest mismatch) not reported`,
                incomplete: true,
              },
            ]
          : [];
      return { matches: out, notes };
    },
  };
}
