// `oqsgw doctor` results: one line per check, OK / WARN / FAIL, and what to do about it.
export type Level = 'OK' | 'WARN' | 'FAIL';

export interface CheckResult {
  readonly check: string;
  readonly level: Level;
  readonly detail: string;
  /** What the technician does next; absent when there is nothing to do. */
  readonly fix?: string;
}

const RANK: Record<Level, number> = { OK: 0, WARN: 1, FAIL: 2 };

export const ok = (check: string, detail: string): CheckResult => ({ check, level: 'OK', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, level: 'WARN', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, level: 'FAIL', detail, fix });

export function worst(results: readonly CheckResult[]): Level {
  return results.reduce<Level>((w, r) => (RANK[r.level] > RANK[w] ? r.level : w), 'OK');
}

/** Exit code: 0 all OK, 1 a warning, 2 a failure. */
export function exitCode(results: readonly CheckResult[]): number {
  return RANK[worst(results)];
}

export function formatLine(r: CheckResult): string {
  return `${r.level.padEnd(4)} ${r.check.padEnd(7)} ${r.detail}${r.fix ? ` -> ${r.fix}` : ''}`;
}

export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code && e.message && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : (e?.message ?? String(error));
}
