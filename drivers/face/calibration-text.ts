// The calibration report as text for a technician (and as bench figures for `npm run bench`).
import type { CalibrationReport } from './calibration.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function stats(samples: readonly number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  return { median: Math.round(at(0.5)), p95: Math.round(at(0.95)) };
}

export function formatCalibration(r: CalibrationReport): string {
  const lines = [`${r.pairs} labelled pairs over ${r.images} images; target FAR ${pct(r.targetFar)}`];
  for (const v of r.variants) {
    const o = v.operating;
    const floor = o.far === 0 && o.resolution > r.targetFar ? ` (FAR 0 of ${o.impostors}: the set cannot show ${pct(r.targetFar)}, one impostor is ${pct(o.resolution)})` : '';
    lines.push(`${v.name}: threshold ${o.threshold.toFixed(3)} -> FAR ${pct(o.far)}${floor}, FRR ${pct(o.frr)} of ${o.genuine}; EER ${pct(v.eer)}; no face in ${v.missing} pair(s)`);
    lines.push(`  ${v.method}`);
  }
  const tiny = stats(r.frameMs.tiny), ssd = stats(r.frameMs.ssd), match = stats(r.matchMs);
  lines.push(`live frame analysis: tiny median ${tiny.median} ms, p95 ${tiny.p95} ms; ssd median ${ssd.median} ms, p95 ${ssd.p95} ms`);
  lines.push(`1:1 match (card probe enrolled + one live frame): median ${match.median} ms, p95 ${match.p95} ms over ${r.matchMs.length} pairs`);
  lines.push(`card probes: median ${r.cardProbeBytes.median} bytes, max ${r.cardProbeBytes.max} bytes`);
  lines.push(`memory: peak RSS ${r.rssMb} MB; model tensors ${r.tensorMb} MB`);
  return lines.join('\n');
}
