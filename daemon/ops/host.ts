// Host figures for /status, /metrics and the early warnings: CPU load and temperature, memory, the
// disk that holds the data directory, and whether the clock is synchronized. Each figure is
// best-effort: a box without a temperature sensor or without timesyncd reports null/'unknown',
// never an error.
import { execFile } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import si from 'systeminformation';

export type ClockSync = 'synchronized' | 'unsynchronized' | 'unknown';

export interface DiskFigures {
  readonly path: string;
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly freePercent: number;
}

export interface HostFigures {
  readonly cpuLoadPercent: number | null;
  readonly loadAverage1m: number | null;
  readonly cpuTemperatureC: number | null;
  readonly memory: { readonly totalBytes: number; readonly availableBytes: number } | null;
  readonly disk: DiskFigures | null;
  readonly clock: { readonly sync: ClockSync; readonly source: string; readonly time: string };
  readonly sampledAt: string;
}

/** Free space of the file system holding `path` (statfs: the same figure `df` shows as Avail). */
export function diskFigures(path: string): DiskFigures | null {
  try {
    const s = statfsSync(path);
    const totalBytes = s.blocks * s.bsize;
    const freeBytes = s.bavail * s.bsize;
    return { path, totalBytes, freeBytes, freePercent: totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 1000) / 10 : 0 };
  } catch {
    return null;
  }
}

function run(file: string, args: string[], timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/**
 * Asks, in order, systemd-timesyncd (its flag file), chrony, then timedatectl. The first that
 * answers wins; none answering is 'unknown' (a warning only when configured to be strict).
 */
export async function clockSync(): Promise<{ sync: ClockSync; source: string }> {
  if (existsSync('/run/systemd/timesync/synchronized')) return { sync: 'synchronized', source: 'systemd-timesyncd' };
  const chrony = await run('chronyc', ['-n', 'tracking']);
  if (chrony !== null) {
    const leap = /Leap status\s*:\s*(.+)/.exec(chrony)?.[1]?.trim();
    if (leap) return { sync: leap === 'Normal' ? 'synchronized' : 'unsynchronized', source: 'chrony' };
  }
  const timedatectl = await run('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
  if (timedatectl !== null && /^(yes|no)$/.test(timedatectl.trim())) {
    return { sync: timedatectl.trim() === 'yes' ? 'synchronized' : 'unsynchronized', source: 'timedatectl' };
  }
  return { sync: 'unknown', source: 'none (no timesyncd, chrony or timedatectl answered)' };
}

const finite = (n: number | null | undefined): number | null => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n * 10) / 10 : null);

export async function sampleHost(dataDir: string): Promise<HostFigures> {
  const [load, temp, mem, clock] = await Promise.all([
    si.currentLoad().catch(() => null),
    si.cpuTemperature().catch(() => null),
    si.mem().catch(() => null),
    clockSync(),
  ]);
  return {
    cpuLoadPercent: finite(load?.currentLoad),
    loadAverage1m: finite(load?.avgLoad),
    cpuTemperatureC: finite(temp?.main),
    memory: mem ? { totalBytes: mem.total, availableBytes: mem.available } : null,
    disk: diskFigures(dataDir),
    clock: { ...clock, time: new Date().toISOString() },
    sampledAt: new Date().toISOString(),
  };
}
