// Manifest source: files, folders (walked by the dir source, only *.yaml/*.yml/*.json) or stdin, each text taken
// apart into Kubernetes objects; what is not an object is scanned as text, so nothing is lost.
import type { Fragment } from '../../model/fragment.ts';
import type { K8sSource, Provenance } from '../../model/provenance.ts';
import { contentEvents, type ContentPolicy } from '../content.ts';
import type { Source, SourceEvent } from '../types.ts';
import { atLine, createK8sCollector } from './collector.ts';
import { lineIndex } from './json-text.ts';
import { looksJson, parseManifests } from './manifest.ts';

/** The files `scan k8s` reads when it walks a folder. */
export const MANIFEST_FILE = /\.(?:ya?ml|json)$/i;

export interface ManifestSourceOptions {
  /** Reads the files or stdin (the dir or stdin source); each fragment it yields is one manifest text. */
  readonly inner: Source;
  readonly policy: ContentPolicy;
}

/** Where a manifest text is shown: the file, or `archive.tgz!/templates/x.yaml` for an archive member. */
function shownPath(file: Fragment): string {
  return file.member === undefined ? file.path : `${file.path}!/${file.member}`;
}

function k8sSource(file: Fragment, line: number): K8sSource | undefined {
  const p: Provenance = file.provenance;
  if (p.kind === 'file') return { type: 'file', path: shownPath(file), line };
  if (p.kind === 'stdin') return { type: 'stdin', name: shownPath(file), line };
  return undefined;
}

/** A part of a manifest scanned as plain text, at its own lines. */
function textEvents(
  file: Fragment,
  text: string,
  line: number,
  policy: ContentPolicy,
): AsyncGenerator<SourceEvent> {
  const item = {
    path: file.path,
    provenance: file.provenance,
    ...(file.member === undefined ? {} : { member: file.member }),
  };
  return atLine(contentEvents(Buffer.from(text), policy, item), line);
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

  async function* manifestEvents(file: Fragment, signal: AbortSignal): AsyncGenerator<SourceEvent> {
    collector.file(file.path, file.text);
    let lines: ReturnType<typeof lineIndex> | undefined;
    const lineText = (line: number): string => (lines ??= lineIndex(file.text)).lineText(line);
    const comments = looksJson(file.text) ? undefined : commentText(file.text);
    if (comments !== undefined) yield* textEvents(file, comments, 1, o.policy);
    for (const item of parseManifests(file.text)) {
      if (signal.aborted) return;
      if (item.type === 'invalid') {
        yield {
          type: 'note',
          note: `${shownPath(file)}: the document at line ${item.line} is not valid YAML or JSON (${item.message}); it was scanned as plain text`,
          incomplete: true,
        };
        yield* textEvents(file, item.text, item.textLine, o.policy);
      } else if (item.type === 'text') {
        yield* textEvents(file, item.text, item.line, o.policy);
      } else {
        const source = k8sSource(file, item.line);
        if (source === undefined) {
          yield* textEvents(file, item.text(), item.line, o.policy);
          continue;
        }
        yield* collector.object(
          {
            obj: item.obj,
            source,
            path: file.path,
            member: file.member,
            locate: item.locate,
            text: item.text,
            lineText,
          },
          o.policy,
        );
      }
    }
  }

  return {
    name: 'k8s',
    targets: o.inner.targets,
    async *events(signal) {
      // A large item comes in overlapping windows: put its text back together (a manifest parses whole).
      let pieces: string[] = [];
      for await (const ev of o.inner.events(signal)) {
        if (ev.type !== 'fragment') {
          yield ev;
          continue;
        }
        const f = ev.fragment;
        if (f.reportBefore !== undefined) {
          pieces.push(f.text.slice(0, f.reportBefore));
          continue;
        }
        const whole = pieces.length === 0 ? f : { ...f, text: pieces.join('') + f.text, firstLine: 1 };
        pieces = [];
        yield* manifestEvents(whole, signal);
        if (signal.aborted) return;
      }
    },
    resolve: async (matches) => collector.resolve(matches),
  };
}
