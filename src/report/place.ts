// The path a location is shown at: the file, or `archive.jar!/inner/file` for a member of an archive.
import type { Location } from '../model/match.ts';

export function shownPath(l: Pick<Location, 'path' | 'member'>): string {
  return l.member === undefined ? l.path : `${l.path}!/${l.member}`;
}
