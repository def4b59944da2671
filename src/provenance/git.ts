// Provenance view of a secret in git history: the commit that introduced it, whether it is still at HEAD, its refs.
import type { Json, JsonObject } from '../model/json.ts';
import type { GitCommitRef, GitProvenance } from '../model/provenance.ts';
import type { ProvenanceView, StyledLine } from './view.ts';

export const HISTORY_NOTE =
  'Deleting the secret from the files does not remove it from git history or from existing clones: rotate it.';

function commitRef(r: GitCommitRef): Json {
  return {
    commit: r.commit,
    path: r.path,
    author: r.author,
    email: r.email,
    date: r.date,
    summary: r.summary,
  };
}

function shortDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

function details(p: GitProvenance): StyledLine[] {
  const intro = p.introduced;
  const lines: StyledLine[] = [];
  if (intro === undefined) {
    lines.push([{ text: `blob ${p.blob.slice(0, 12)}; introducing commit unknown`, style: 'dim' }]);
  } else {
    lines.push([
      'introduced in ',
      { text: intro.commit.slice(0, 7), style: 'bold' },
      ...(intro.path !== p.path ? [' as ', intro.path] : []),
      ' by ',
      intro.author,
      ' on ',
      shortDate(intro.date),
      ': ',
      intro.summary,
    ]);
  }
  const others = p.seenIn.filter((r) => r.commit !== intro?.commit).length;
  if (others > 0) lines.push([{ text: `also in ${plural(others, 'other commit')}`, style: 'dim' }]);
  const refs = p.refs ?? [];
  if (refs.length > 0) {
    const shown = refs.slice(0, 4).join(', ');
    const more = refs.length > 4 ? ` and ${refs.length - 4} more` : '';
    lines.push([{ text: `reachable from ${shown}${more}`, style: 'dim' }]);
  }
  return lines;
}

function json(p: GitProvenance): Json {
  const out: { [key: string]: Json } = {
    kind: p.kind,
    repo: p.repo,
    blob: p.blob,
    path: p.path,
    introduced: p.introduced === undefined ? null : commitRef(p.introduced),
    seenIn: p.seenIn.map(commitRef),
    atHead: p.atHead ?? null,
  };
  if (p.refs !== undefined) out['refs'] = [...p.refs];
  return out;
}

function sarifProperties(p: GitProvenance): JsonObject {
  return {
    ...(p.introduced === undefined
      ? {}
      : { commit: p.introduced.commit, author: p.introduced.author, date: p.introduced.date }),
    ...(p.atHead === undefined ? {} : { atHead: p.atHead }),
  };
}

const gitProvenanceSchema: JsonObject = {
  description: "A git blob, seen first in `introduced`, possibly still present at the default branch's HEAD.",
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'repo', 'blob', 'path', 'introduced', 'seenIn', 'atHead'],
  properties: {
    kind: { description: 'Always "git".', const: 'git' },
    repo: { description: "The repository's path or URL.", type: 'string' },
    blob: { description: "The blob's object id.", type: 'string' },
    path: { description: 'Path of the blob in the repository.', type: 'string' },
    introduced: {
      description: 'The commit that first added this blob, or null when it could not be determined.',
      oneOf: [{ $ref: '#/$defs/commitRef' }, { type: 'null' }],
    },
    seenIn: {
      description: 'Every (commit, path) that introduced this blob, oldest first (bounded).',
      type: 'array',
      items: { $ref: '#/$defs/commitRef' },
    },
    atHead: {
      description:
        'True when the blob is still present at HEAD; false when it is only in history; null when the scan was interrupted before this was known.',
      oneOf: [{ type: 'boolean' }, { type: 'null' }],
    },
    refs: {
      description: 'Refs from which the introducing commit is reachable, when known.',
      type: 'array',
      items: { type: 'string', description: 'A ref name, such as refs/heads/main.' },
    },
  },
};

const commitRefSchema: JsonObject = {
  description: 'One commit and path where a blob appears.',
  type: 'object',
  additionalProperties: false,
  required: ['commit', 'path', 'author', 'email', 'date', 'summary'],
  properties: {
    commit: { description: "The commit's full object id.", type: 'string' },
    path: { description: "The blob's path in that commit.", type: 'string' },
    author: { description: "The commit author's name.", type: 'string' },
    email: { description: "The commit author's email address.", type: 'string' },
    date: { description: 'Committer date, ISO 8601.', type: 'string' },
    summary: { description: 'The first line of the commit message.', type: 'string' },
  },
};

export const gitView: ProvenanceView<GitProvenance> = {
  place: (p) => p.path,
  tags: (p) =>
    p.atHead === undefined
      ? [{ text: 'HEAD status unknown (the scan was interrupted)', style: 'warn' }]
      : p.atHead
        ? [{ text: 'still at HEAD', style: 'alert' }]
        : [{ text: 'not at HEAD: history or other refs only', style: 'warn' }],
  details,
  sarif: { underSourceRoot: true, properties: sarifProperties },
  csv: (p) => ({ commit: p.introduced?.commit ?? '' }),
  json,
  schema: { ref: 'gitProvenance', defs: { gitProvenance: gitProvenanceSchema, commitRef: commitRefSchema } },
  exposure: (p) => ({ uncommitted: false, note: p.atHead === true ? undefined : HISTORY_NOTE }),
  firstSeen: (p) => p.introduced?.date,
};
