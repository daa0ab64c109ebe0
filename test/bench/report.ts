// What every benchmark returns; test/bench/run.ts prints them as JSON and as a table.
export interface BenchFigure {
  readonly name: string;
  readonly value: number | string;
  readonly unit: string;
}

export interface BenchReport {
  readonly name: string;
  /** How it was measured: what was timed, how many runs, against what. */
  readonly method: string;
  readonly figures: readonly BenchFigure[];
  /** Set when the benchmark could not run here, with the reason. */
  readonly skipped?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarise(samplesMs: readonly number[]): { median: number; p95: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}
