// Property-test sizes: the default keeps `npm test` quick; `npm run fuzz` raises them (KEYSPILL_FUZZ_RUNS).
export function runs(defaultRuns: number): number {
  const n = Number(process.env['KEYSPILL_FUZZ_RUNS']);
  return Number.isSafeInteger(n) && n > 0 ? Math.max(n, defaultRuns) : defaultRuns;
}
