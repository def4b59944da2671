// Layer entries, whiteouts and visibility: which later layer (if any) deletes or overwrites a file of a lower layer.

/** What a layer puts at a path: a directory (merged with lower ones), or anything else (replaces what was there). */
export type EntryKind = 'dir' | 'file';

/** The paths one layer touches: what it adds, what it whites out (`.wh.NAME`), which folders it makes opaque. */
export interface LayerPaths {
  readonly entries: Map<string, EntryKind>;
  readonly whiteouts: Set<string>;
  readonly opaque: Set<string>;
}

export function emptyLayerPaths(): LayerPaths {
  return { entries: new Map(), whiteouts: new Set(), opaque: new Set() };
}

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * A tar entry name as a path inside the image: no leading `./` or `/`, no `.` segments, no trailing `/`. `..`
 * segments are kept as written (nothing is ever written to disk; such a name is only reported).
 */
export function normaliseEntryPath(name: string): string {
  const out: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    out.push(seg);
  }
  return out.join('/');
}

export type EntryRole =
  | { readonly role: 'path'; readonly path: string }
  | { readonly role: 'whiteout'; readonly path: string }
  | { readonly role: 'opaque'; readonly dir: string }
  /** Other `.wh..wh.` names (aufs hard-link bookkeeping): not part of the image's filesystem. */
  | { readonly role: 'meta' };

/** What a (normalised) entry name means in the layer: a path, a whiteout of a lower path, an opaque folder. */
export function entryRole(path: string): EntryRole {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (!base.startsWith(WH)) return { role: 'path', path };
  if (base === OPAQUE) return { role: 'opaque', dir };
  if (base.startsWith('.wh..wh.')) return { role: 'meta' };
  const target = base.slice(WH.length);
  if (target === '') return { role: 'meta' };
  return { role: 'whiteout', path: dir === '' ? target : `${dir}/${target}` };
}

/** Records one entry of a layer. */
export function addEntry(layer: LayerPaths, path: string, kind: EntryKind): void {
  const r = entryRole(path);
  if (r.role === 'path') {
    if (r.path !== '') layer.entries.set(r.path, kind);
  } else if (r.role === 'whiteout') layer.whiteouts.add(r.path);
  else if (r.role === 'opaque') layer.opaque.add(r.dir);
}

export interface Hidden {
  /** 0-based index of the first later layer that hides the path. */
  readonly layer: number;
  readonly how: 'deleted' | 'overwritten';
}

function hiddenIn(l: LayerPaths, path: string): Hidden['how'] | undefined {
  if (l.whiteouts.has(path)) return 'deleted';
  let at = path.indexOf('/');
  while (at >= 0) {
    const ancestor = path.slice(0, at);
    if (l.whiteouts.has(ancestor) || l.opaque.has(ancestor)) return 'deleted';
    if (l.entries.get(ancestor) === 'file') return 'overwritten';
    at = path.indexOf('/', at + 1);
  }
  // The root folder made opaque (`.wh..wh..opq` at the top) hides everything below.
  if (l.opaque.has('')) return 'deleted';
  return l.entries.has(path) ? 'overwritten' : undefined;
}

/**
 * Whether the file at `path` of layer `index` (0-based) is hidden in the final image, and by which later layer: a
 * whiteout of the path or of a parent, an opaque parent, or a later entry at the path (or a non-folder at a parent).
 */
export function hiddenBy(layers: readonly LayerPaths[], index: number, path: string): Hidden | undefined {
  for (let j = index + 1; j < layers.length; j++) {
    const how = hiddenIn(layers[j]!, path);
    if (how !== undefined) return { layer: j, how };
  }
  return undefined;
}
