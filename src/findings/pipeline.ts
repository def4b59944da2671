// Findings pipeline: small pure steps from raw matches to the sorted findings a report shows.
import type { Finding, Location, Match } from '../model/match.ts';
import { confidenceRank, type Confidence } from '../model/rule.ts';
import { fingerprint } from './fingerprint.ts';
import { redact } from './redact.ts';
import { firstSeen } from '../provenance/registry.ts';

export const INLINE_ALLOW = 'keyspill:allow';

/** Drops matches whose line carries an inline `keyspill:allow` comment. */
export function dropInlineAllowed(matches: readonly Match[]): Match[] {
  return matches.filter((m) => !m.lineText.includes(INLINE_ALLOW));
}

const FINGERPRINT_HASH = /^[0-9a-f]{16}$/;

/**
 * Drops matches that are keyspill's own fingerprints (`rule-id:16hex`) echoed in an ignore file, a
 * baseline or a report: the hash names a secret, it is not one.
 */
export function dropFingerprintEchoes(matches: readonly Match[]): Match[] {
  return matches.filter((m) => {
    if (!FINGERPRINT_HASH.test(m.secret)) return true;
    const at = m.lineText.indexOf(`:${m.secret}`);
    return at < 0 || !/[a-z0-9][a-z0-9._-]*$/.test(m.lineText.slice(0, at));
  });
}

/**
 * How much a match knows about what it found: a file format (its field) > a specific rule > a generic rule (a
 * structure: a connection string, a define()) > a broad one (any key named like a secret).
 */
function specificity(m: Match): number {
  return m.format === true ? 3 : !m.generic ? 2 : m.broad === true ? 0 : 1;
}

/**
 * Drops a match where a more specific one matched an overlapping span (or the same secret) at the same place: a
 * generic rule's `token = "…"` yields to the provider rule, and a rule's match yields to the file-format detector
 * that read the field. One secret, one finding, under what knows it best.
 */
export function dropShadowedGeneric(matches: readonly Match[]): Match[] {
  // Decoding does not matter here: a key found inside a base64 field is the field's value.
  const stronger = new Map<string, Match[]>();
  for (const m of matches) {
    if (specificity(m) === 0) continue;
    const key = itemKey(m.location);
    const list = stronger.get(key);
    if (list === undefined) stronger.set(key, [m]);
    else list.push(m);
  }
  if (stronger.size === 0) return [...matches];
  return matches.filter((g) => {
    const level = specificity(g);
    if (level === 3) return true;
    const others = stronger.get(itemKey(g.location));
    return (
      others === undefined ||
      !others.some(
        (s) =>
          specificity(s) > level &&
          (overlaps(s.location, g.location) || s.secret.includes(g.secret) || g.secret.includes(s.secret)),
      )
    );
  });
}

/** Splits findings into those at or above `min` confidence and a count of those below (what --min-confidence hid). */
export function withMinConfidence(
  findings: readonly Finding[],
  min: Confidence,
): { kept: Finding[]; dropped: number } {
  const floor = confidenceRank(min);
  const kept = findings.filter((f) => confidenceRank(f.confidence) >= floor);
  return { kept, dropped: findings.length - kept.length };
}

/** Raw matches to sorted findings: inline allows, echoes, pairs and shadowed matches dropped, then grouped. */
export function findingsOf(matches: readonly Match[]): { findings: Finding[]; inlineAllowed: number } {
  const notInline = dropInlineAllowed(matches);
  return {
    findings: sortFindings(groupFindings(dropShadowedGeneric(pairMatches(dropFingerprintEchoes(notInline))))),
    inlineAllowed: matches.length - notInline.length,
  };
}

/** How far (in lines) an identifier may sit from the secret it pairs with: a profile block, a JSON object. */
export const PAIR_LINES = 5;

/**
 * Pairs each match of a rule that declares `pairWith` with the nearest match of that rule in the same place
 * (same item, within PAIR_LINES lines, the preceding one on a tie): the secret takes the identifier, and the
 * identifier's own match is dropped, so a key id and its secret are one finding.
 */
export function pairMatches(matches: readonly Match[]): Match[] {
  if (!matches.some((m) => m.pairWith !== undefined)) return [...matches];
  const byPlace = new Map<string, Match[]>();
  for (const m of matches) {
    if (m.identifier === undefined) continue;
    const key = `${m.ruleId}\0${placeKey(m.location)}`;
    const list = byPlace.get(key);
    if (list === undefined) byPlace.set(key, [m]);
    else list.push(m);
  }
  const consumed = new Set<Match>();
  const paired = new Map<Match, Match>();
  for (const m of matches) {
    if (m.pairWith === undefined) continue;
    let best: Match | undefined;
    let bestDistance = Infinity;
    for (const c of byPlace.get(`${m.pairWith}\0${placeKey(m.location)}`) ?? []) {
      const d = m.location.line - c.location.line;
      // Nearest first; at equal distance, the identifier before the secret (d > 0) wins.
      const score = Math.abs(d) * 2 + (d >= 0 ? 0 : 1);
      if (Math.abs(d) <= PAIR_LINES && score < bestDistance) {
        best = c;
        bestDistance = score;
      }
    }
    if (best === undefined) continue;
    consumed.add(best);
    paired.set(m, { ...m, identifier: best.identifier });
  }
  return matches.filter((m) => !consumed.has(m)).map((m) => paired.get(m) ?? m);
}

function itemKey(l: Location): string {
  return `${l.path}\0${l.member ?? ''}\0${JSON.stringify(l.provenance)}`;
}

function placeKey(l: Location): string {
  return `${l.path}\0${l.member ?? ''}\0${JSON.stringify(l.provenance)}\0${l.decodedFrom.join(',')}`;
}

function overlaps(a: Location, b: Location): boolean {
  const before = (l1: number, c1: number, l2: number, c2: number): boolean =>
    l1 < l2 || (l1 === l2 && c1 <= c2);
  return (
    before(a.line, a.column, b.endLine, b.endColumn) &&
    before(b.line, b.column, a.endLine, a.endColumn) &&
    !(a.endLine === b.line && a.endColumn === b.column) &&
    !(b.endLine === a.line && b.endColumn === a.column)
  );
}

function locationKey(l: Location): string {
  return `${l.path}\0${l.member ?? ''}\0${l.line}\0${l.column}\0${JSON.stringify(l.provenance)}\0${l.decodedFrom.join(',')}`;
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Groups matches of the same rule and secret into one finding with all its locations. */
export function groupFindings(matches: readonly Match[]): Finding[] {
  const byFp = new Map<
    string,
    {
      first: Match;
      identifier: string | undefined;
      field: string | undefined;
      best: Match;
      locations: Map<string, Location>;
    }
  >();
  for (const m of matches) {
    const fp = fingerprint(m.ruleId, m.secret);
    let g = byFp.get(fp);
    if (g === undefined)
      byFp.set(
        fp,
        (g = { first: m, identifier: undefined, field: undefined, best: m, locations: new Map() }),
      );
    g.identifier ??= m.identifier;
    g.field ??= m.field;
    if (confidenceRank(m.confidence) > confidenceRank(g.best.confidence)) g.best = m;
    g.locations.set(locationKey(m.location), m.location);
  }
  return [...byFp.entries()].map(([fp, { first, identifier, field, best, locations }]) => {
    const sorted = [...locations.values()].sort(compareLocations);
    const seen = earliest(sorted.map((l) => firstSeen(l.provenance)));
    return {
      fingerprint: fp,
      ruleId: first.ruleId,
      kind: first.kind,
      severity: first.severity,
      description: first.description,
      secret: first.secret,
      redacted: redact(first.secret),
      entropy: first.entropy,
      confidence: best.confidence,
      ...(best.lowered === undefined ? {} : { lowered: best.lowered }),
      ...(field === undefined ? {} : { field }),
      ...(identifier === undefined ? {} : { identifier }),
      ...(seen === undefined ? {} : { firstSeen: seen }),
      locations: sorted,
    };
  });
}

/** The earliest of ISO 8601 times (compared as instants, whatever their offsets). */
function earliest(times: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  let bestMs = Infinity;
  for (const t of times) {
    const ms = t === undefined ? NaN : Date.parse(t);
    if (!Number.isNaN(ms) && ms < bestMs) {
      best = t;
      bestMs = ms;
    }
  }
  return best;
}

function compareLocations(a: Location, b: Location): number {
  const am = a.member ?? '';
  const bm = b.member ?? '';
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (am !== bm) return am < bm ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/** Stable order: by first location, then severity, then fingerprint. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareLocations(a.locations[0]!, b.locations[0]!) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
  );
}

/** Splits findings into those whose fingerprint is not in `known`, and a count of those that are. */
export function withoutKnown(
  findings: readonly Finding[],
  known: ReadonlySet<string>,
): { kept: Finding[]; dropped: number } {
  const kept = findings.filter((f) => !known.has(f.fingerprint));
  return { kept, dropped: findings.length - kept.length };
}
