// Sizes in flags and config: "25MB", "512KiB", "1GB" or a byte count.

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1 << 20,
  gb: 1e9,
  gib: 1 << 30,
};

/** Parses "25MB", "1GiB" or a byte count. */
export function parseSize(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim());
  if (m === null) throw new Error(`"${v}" is not a size (e.g. 25MB, 512KiB, 1GB)`);
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}
