// Manifest source: files, folders (walked by the dir source, only *.yaml/*.yml/*.json) or stdin, each text taken
// apart into Kubernetes objects; what is not an object is scanned as text, so nothing is lost.
import type { Fragment } from '../../model/fragment.ts';
import type { K8sSource, Provenance } from '../../model/provenance.ts';
import { contentEvent, type ContentPolicy } from '../content.ts';
import type { Source, SourceEvent } from '../types.ts';
import { createK8sCollector } from './collector.ts';
import { lineIndex } from './json-text.ts';
import { looksJson, parseManifests } from './manifest.ts';

/** The files `scan k8s` reads when it walks a folder. */
export const MANIFEST_FILE = /\.(?:ya?ml|json)$/i;

export interface ManifestSourceOptions {
  /** Reads the files or stdin (the dir or stdin source); each fragment it yields is one manifest text. */
  readonly inner: Source;
  readonly policy: ContentPolicy;
}

function k8sSource(p: Provenance, line: number): K8sSource | undefined {
  if (p.kind === 'file') return { type: 'file', path: p.path, line };
  if (p.kind === 'stdin') return { type: 'stdin', name: p.name, line };
  return undefined;
}

/** A part of a manifest scanned as plain text, at its own lines. */
function textEvent(file: Fragment, text: string, line: number, policy: ContentPolicy): SourceEvent {
  const ev = contentEvent(Buffer.from(text), policy, { path: file.path, provenance: file.provenance });
  return ev.type === 'fragment' ? { ...ev, fragment: { ...ev.fragment, firstLine: line } } : ev;
}

/**
 * The file's full-line YAML comments at their own lines (other lines blanked), or undefined when it has none:
 * a credential left in a comment is not part of any object, and would otherwise be missed.
 */
function commentText(text: string): string | undefined {
  if (!/^[ \t]*#/m.test(text)) return undefined;
  return text
    .split('\n')
    .map((l) => (/^[ \t]*#/.test(l) ? l : ''))
    .join('\n');
}

export function manifestSource(o: ManifestSourceOptions): Source {
  const collector = createK8sCollector();

  function* manifestEvents(file: Fragment, signal: AbortSignal): Generator<SourceEvent> {
    collector.file(file.path, file.text);
    let lines: ReturnType<typeof lineIndex> | undefined;
    const lineText = (line: number): string => (lines ??= lineIndex(file.text)).lineText(line);
    const comments = looksJson(file.text) ? undefined : commentText(file.text);
    if (comments !== undefined) yield textEvent(file, comments, 1, o.policy);
    for (const item of parseManifests(file.text)) {
      if (signal.aborted) return;
      if (item.type === 'invalid') {
        yield {
          type: 'note',
          note: `${file.path}: the document at line ${item.line} is not valid YAML or JSON (${item.message}); it was scanned as plain text`,
          incomplete: true,
        };
        yield textEvent(file, item.text, item.textLine, o.policy);
      } else if (item.type === 'text') {
        yield textEvent(file, item.text, item.line, o.policy);
      } else {
        const source = k8sSource(file.provenance, item.line);
        if (source === undefined) {
          yield textEvent(file, item.text(), item.line, o.policy);
          continue;
        }
        yield* collector.object(
          { obj: item.obj, source, path: file.path, locate: item.locate, text: item.text, lineText },
          o.policy,
        );
      }
    }
  }

  return {
    name: 'k8s',
    targets: o.inner.targets,
    async *events(signal) {
      for await (const ev of o.inner.events(signal)) {
        if (ev.type !== 'fragment') {
          yield ev;
          continue;
        }
        yield* manifestEvents(ev.fragment, signal);
        if (signal.aborted) return;
      }
    },
    resolve: async (matches) => collector.resolve(matches),
  };
}
