// Manifest parsing: YAML streams (one document at a time) and JSON, `List`s unrolled, each value located in the file.
import { Composer, isScalar, LineCounter, Parser, type Document, type Node as YamlNode } from 'yaml';
import {
  elementSpans,
  itemSpans,
  lineIndex,
  locatePaths,
  pathKey,
  topLevelSpans,
  type NodePath,
} from './json-text.ts';

/** Where a value is in the file. */
export interface ValuePos {
  /** The value's whole span (quotes and block header included), 1-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /**
   * The file position of the value's first character when the value's lines and columns map to the file one to
   * one (a plain or quoted scalar without escapes, a literal block); undefined when they do not.
   */
  readonly start: { readonly line: number; readonly column: number } | undefined;
}

export type Obj = Record<string, unknown>;

/** One thing found in a manifest text. */
export type ManifestItem =
  /** A Kubernetes object (it has apiVersion and kind), at `line`. */
  | {
      readonly type: 'object';
      readonly obj: Obj;
      readonly line: number;
      /** The positions of these nodes of the object (undefined where a node is not found). */
      readonly locate: (nodes: readonly NodePath[]) => (ValuePos | undefined)[];
      /** The object's own text, to scan whole when its kind is not taken apart. */
      readonly text: () => string;
    }
  /** Something that is not a Kubernetes object (a Helm values file, package.json): scanned as text. */
  | { readonly type: 'text'; readonly text: string; readonly line: number }
  /**
   * A document that does not parse: named with its `line` (past any `---`), and scanned as text (which starts at
   * `textLine`) so nothing is lost.
   */
  | {
      readonly type: 'invalid';
      readonly text: string;
      readonly line: number;
      readonly textLine: number;
      readonly message: string;
    };

/** Aliases a document may expand (YAML "billion laughs" protection; Kubernetes manifests use none or few). */
export const MAX_ALIAS_COUNT = 100;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function isK8sObject(v: unknown): v is Obj {
  return isObj(v) && typeof v['kind'] === 'string' && typeof v['apiVersion'] === 'string';
}

/** `kind: List` (kubectl get -o json/yaml) or `ConfigMapList` (the API): its items, kind filled in from the list. */
function listItems(v: Obj): { item: unknown; index: number }[] | undefined {
  const kind = v['kind'];
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(v['items'])) return undefined;
  const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
  return (v['items'] as unknown[]).map((item, index) => {
    if (itemKind !== undefined && isObj(item) && item['kind'] === undefined)
      return { item: { kind: itemKind, apiVersion: v['apiVersion'], ...item }, index };
    return { item, index };
  });
}

/** The objects in a parsed value: itself, a List's items, or a top-level array's elements. */
function objectsOf(v: unknown): { obj: unknown; path: NodePath }[] {
  if (Array.isArray(v)) return v.map((obj: unknown, i) => ({ obj, path: [i] }));
  if (isObj(v)) {
    const items = listItems(v);
    if (items !== undefined) return items.map(({ item, index }) => ({ obj: item, path: ['items', index] }));
  }
  return [{ obj: v, path: [] }];
}

/** True when the text is JSON rather than YAML (its first character opens an object or array). */
export function looksJson(text: string): boolean {
  const m = /^\s*(\S)/.exec(text);
  return m?.[1] === '{' || m?.[1] === '[';
}

export function* parseManifests(text: string): Generator<ManifestItem> {
  if (looksJson(text)) {
    const items = parseJson(text);
    if (items !== undefined) {
      yield* items;
      return;
    }
  }
  yield* parseYaml(text);
}

/** JSON through JSON.parse (fast), positions from the text scanners; undefined when it is not JSON at all. */
function parseJson(text: string): ManifestItem[] | undefined {
  // One value (the usual case) needs no scan for where values end: JSON.parse says it is all one.
  let whole: unknown;
  let single = false;
  try {
    whole = JSON.parse(text);
    single = true;
  } catch {
    // Several values one after another, or something that is not JSON: find the values.
  }
  const first = text.length - text.trimStart().length;
  const spans = single ? [{ start: first, end: text.trimEnd().length }] : topLevelSpans(text);
  const index = lineIndex(text);
  const out: ManifestItem[] = [];
  for (const span of spans) {
    const raw = text.slice(span.start, span.end);
    let value: unknown;
    try {
      value = single ? whole : JSON.parse(raw);
    } catch (e) {
      // One bad value among several is named and scanned as text; a text that is no JSON at all goes to YAML.
      if (spans.length === 1) return undefined;
      const line = index.position(span.start).line;
      out.push({ type: 'invalid', text: raw, line, textLine: line, message: (e as Error).message });
      continue;
    }
    const objects = objectsOf(value);
    const childSpans = Array.isArray(value)
      ? elementSpans(text, span.start)
      : objects[0]?.path.length === 0
        ? []
        : itemSpans(text, span.start);
    objects.forEach(({ obj, path }, n) => {
      const s = path.length === 0 ? span : (childSpans[n] ?? span);
      const { start, end } = s;
      const line = index.position(start).line;
      if (!isK8sObject(obj)) {
        out.push({ type: 'text', text: text.slice(start, end), line });
        return;
      }
      out.push({
        type: 'object',
        obj,
        line,
        text: () => text.slice(start, end),
        locate: (nodes) => {
          const found = locatePaths(text, start, nodes);
          return nodes.map((node) => {
            const at = found.get(pathKey(node));
            if (at === undefined) return undefined;
            const a = index.position(at.start);
            const b = index.position(at.end);
            const rawValue = text.slice(at.start, at.end);
            const exact = rawValue.startsWith('"') && !rawValue.includes('\\');
            return {
              line: a.line,
              column: a.column,
              endLine: b.line,
              endColumn: b.column,
              start: exact ? { line: a.line, column: a.column + 1 } : undefined,
            };
          });
        },
      });
    });
  }
  return out;
}

/** The first non-space line of a document's text, so a document's line is where its content starts. */
function contentStart(doc: Document.Parsed): number {
  const contents = doc.contents as YamlNode | null;
  return contents?.range?.[0] ?? doc.range[0];
}

/** YAML, one document at a time (a stream of thousands of documents never holds more than one tree). */
function* parseYaml(text: string): Generator<ManifestItem> {
  let lineStarts: ReturnType<typeof lineIndex> | undefined;
  const lineText = (line: number): string => (lineStarts ??= lineIndex(text)).lineText(line);
  const list = largeYamlList(text);
  if (list !== undefined) {
    // Each item parsed on its own: one tree for a 10,000-item List would hold the whole dump at once. The first
    // items must parse, or the split is not trusted and the document is parsed whole.
    const first = list.chunks
      .slice(0, 16)
      .map((c) => [...yamlDocuments(text.slice(c.start, c.end), c.line, lineText, list)]);
    if (!first.some((items) => items.some((i) => i.type === 'invalid'))) {
      // The List's own keys (apiVersion, kind, metadata) are scanned as text.
      for (const r of list.rest)
        if (r.start < r.end) yield { type: 'text', text: text.slice(r.start, r.end), line: r.line };
      for (const items of first) yield* items;
      for (const c of list.chunks.slice(16))
        yield* yamlDocuments(text.slice(c.start, c.end), c.line, lineText, list);
      return;
    }
  }
  yield* yamlDocuments(text, 1, lineText, undefined);
}

/** The items of a large `kubectl get -o yaml` List, each a slice of the text at its line. */
interface YamlList {
  readonly kind: string;
  readonly apiVersion: string | undefined;
  readonly chunks: readonly { readonly start: number; readonly end: number; readonly line: number }[];
  /** The text before and after the items (the List's own keys). */
  readonly rest: readonly { readonly start: number; readonly end: number; readonly line: number }[];
}

const LARGE_LIST_BYTES = 1024 * 1024;

/**
 * A single-document YAML List (`kind: List` or `ConfigMapList` at the top, `items:` a block sequence), cut into
 * one slice per item by indentation; undefined for anything else (then the document is parsed whole).
 */
function largeYamlList(text: string): YamlList | undefined {
  if (text.length < LARGE_LIST_BYTES) return undefined;
  const kind = /^kind:[ \t]*["']?(\w*List)["']?[ \t]*$/m.exec(text)?.[1];
  const items = /^items:[ \t]*\r?\n/m.exec(text);
  if (kind === undefined || items === null || /^---/m.test(text.slice(4))) return undefined;
  const apiVersion = /^apiVersion:[ \t]*["']?([^\s"']+)/m.exec(text)?.[1];
  const chunks: { start: number; end: number; line: number }[] = [];
  let line = text.slice(0, items.index + items[0].length).split('\n').length;
  let at = items.index + items[0].length;
  const indent = /^( *)- /.exec(text.slice(at))?.[1]?.length;
  if (indent === undefined) return undefined;
  const itemStart = `${' '.repeat(indent)}- `;
  let current: { start: number; line: number } | undefined;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl + 1;
    const l = text.slice(at, end);
    if (l.startsWith(itemStart)) {
      if (current !== undefined) chunks.push({ ...current, end: at });
      current = { start: at, line };
    } else if (l.trim() !== '' && l.length - l.trimStart().length <= indent) {
      break; // the next top-level key: the items are over
    }
    at = end;
    line++;
  }
  if (current !== undefined) chunks.push({ ...current, end: at });
  // What follows the items must be top-level keys only: another item there means the cut was wrong.
  const tail = text.slice(at);
  if (chunks.length === 0 || tail.split('\n').some((l) => l.startsWith(itemStart))) return undefined;
  const rest = [
    { start: 0, end: items.index, line: 1 },
    { start: at, end: text.length, line },
  ];
  return { kind, apiVersion, chunks, rest };
}

/**
 * The documents of a YAML text that starts at `firstLine` of the file (the whole file, or one List item). With
 * `list`, the text is one item of that List (a one-element sequence).
 */
function* yamlDocuments(
  src: string,
  firstLine: number,
  lineText: (line: number) => string,
  list: YamlList | undefined,
): Generator<ManifestItem> {
  const lc = new LineCounter();
  const parser = new Parser(lc.addNewLine);
  const composer = new Composer({ merge: true, uniqueKeys: false });
  const pos = (offset: number): { line: number; column: number } => {
    const p = lc.linePos(offset);
    return { line: p.line + firstLine - 1, column: p.col };
  };

  for (const doc of composer.compose(parser.parse(src), true, src.length)) {
    const docText = src.slice(doc.range[0], doc.range[2]);
    const line = pos(contentStart(doc)).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const at = pos(e.pos[0]).line;
      // The document's first line, past its `---` marker.
      const first = pos(doc.range[0]).line;
      yield {
        type: 'invalid',
        text: docText,
        line: docText.startsWith('---') && docText.includes('\n') ? first + 1 : first,
        textLine: first,
        message: `line ${at}: ${e.message.split('\n')[0]!}`,
      };
      continue;
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      yield {
        type: 'invalid',
        text: docText,
        line,
        textLine: pos(doc.range[0]).line,
        message: `${(e as Error).message} (more than ${MAX_ALIAS_COUNT} alias expansions)`,
      };
      continue;
    }
    for (const { obj: raw, path } of objectsOf(value)) {
      const obj =
        list !== undefined && list.kind !== 'List' && isObj(raw) && raw['kind'] === undefined
          ? { kind: list.kind.slice(0, -'List'.length), apiVersion: list.apiVersion, ...raw }
          : raw;
      const node = path.length === 0 ? doc.contents : (doc.getIn(path, true) as YamlNode | undefined);
      const start = node?.range?.[0] ?? contentStart(doc);
      const end = node?.range?.[2] ?? doc.range[2];
      const objLine = pos(start).line;
      if (!isK8sObject(obj)) {
        yield { type: 'text', text: src.slice(start, end), line: objLine };
        continue;
      }
      yield {
        type: 'object',
        obj,
        line: objLine,
        text: () => src.slice(start, end),
        locate: (nodes) => nodes.map((n) => yamlPos(doc, [...path, ...n], src, pos, lineText)),
      };
    }
  }
}

function yamlPos(
  doc: Document.Parsed,
  path: NodePath,
  text: string,
  pos: (offset: number) => { line: number; column: number },
  lineText: (line: number) => string,
): ValuePos | undefined {
  const node = doc.getIn(path, true) as YamlNode | undefined;
  const range = node?.range;
  if (node === undefined || range === undefined || range === null) return undefined;
  const a = pos(range[0]);
  const b = pos(range[1]);
  const span = { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  if (!isScalar(node) || typeof node.source !== 'string') return { ...span, start: undefined };
  const source = text.slice(range[0], range[1]);
  const value = node.source;
  switch (node.type) {
    case 'PLAIN':
      return { ...span, start: source === value ? a : undefined };
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return {
        ...span,
        start:
          source.slice(1, -1) === value && !value.includes('\n') ? { ...a, column: a.column + 1 } : undefined,
      };
    case 'BLOCK_LITERAL': {
      // Content starts on the line after the header; each value line is a file line at the block's indent.
      const first = a.line + 1;
      const firstValueLine = value.split('\n', 1)[0] ?? '';
      const fileLine = lineText(first);
      const indent = fileLine.length - fileLine.trimStart().length;
      const ok = fileLine.slice(indent) === firstValueLine;
      return { ...span, start: ok ? { line: first, column: indent + 1 } : undefined };
    }
    default:
      return { ...span, start: undefined };
  }
}
