// The Kubernetes rules' matches in one file read by another source: each real value of a Secret manifest (and of
// a Secret copied into a last-applied annotation), located in that file.
import type { Fragment } from '../../model/fragment.ts';
import type { Match } from '../../model/match.ts';
import { understand } from './fields.ts';
import { lineIndex } from './json-text.ts';
import { parseManifests } from './manifest.ts';
import { isPlaceholder, LAST_APPLIED_RULE, SECRET_MANIFEST_RULE, structuralMatch } from './rules.ts';

export function secretManifestMatches(f: Fragment): Match[] {
  const out: Match[] = [];
  const offset = (f.firstLine ?? 1) - 1;
  let lines: ReturnType<typeof lineIndex> | undefined;
  for (const item of parseManifests(f.text)) {
    if (item.type !== 'object' || item.obj['kind'] !== 'Secret') continue;
    const { secretValues } = understand(item.obj);
    const real = secretValues.filter((sv) => !isPlaceholder(sv.text ?? sv.raw));
    if (real.length === 0) continue;
    const positions = item.locate(real.map((sv) => sv.node));
    real.forEach((sv, i) => {
      const at = positions[i];
      if (at === undefined) return;
      const line = at.line + offset;
      if (f.lines !== undefined && !f.lines.some(([a, b]) => line >= a && line <= b)) return;
      const secret = sv.text ?? sv.raw;
      out.push(
        structuralMatch(
          sv.lastApplied ? LAST_APPLIED_RULE : SECRET_MANIFEST_RULE,
          secret,
          {
            provenance: f.provenance,
            path: f.path,
            ...(f.member === undefined ? {} : { member: f.member }),
            line,
            column: at.column,
            endLine: at.endLine + offset,
            endColumn: at.endColumn,
            decodedFrom: sv.base64 ? ['base64'] : [],
          },
          (lines ??= lineIndex(f.text)).lineText(at.line),
        ),
      );
    });
  }
  return out;
}
