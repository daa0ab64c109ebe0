// The calibration report as text for a technician (and as bench figures for `npm run bench`).
import type { CalibrationReport } from './calibration.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function stats(samples: readonly number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  return { median: Math.round(at(0.5)), p95: Math.round(at(0.95)) };
}

export function formatCalibration(r: CalibrationReport): string {
  const p = r.production;
  const lines = [
    `${r.dir}: ${r.images} pictures; model ${r.model}; target FAR ${pct(r.targetFar)}`,
    `production (grey JPEG 2000 card probe vs 640x480 frame, all-vs-all): threshold ${p.threshold} -> FAR ${pct(p.far)} of ${p.impostors} impostor pairs (one is ${pct(1 / Math.max(1, p.impostors))}), FRR ${pct(p.frr)} of ${p.genuine}, no face ${pct(p.noFace)} of ${p.pairs} pairs`,
  ];
  for (const f of r.forms) {
    const o = f.operating;
    const floor = o.far === 0 && o.resolution > r.targetFar ? ` (the set cannot show ${pct(r.targetFar)}: one impostor is ${pct(o.resolution)})` : '';
    lines.push(`${f.form}, ${f.pairSource}: at ${f.atThreshold.threshold} FAR ${pct(f.atThreshold.far)} FRR ${pct(f.atThreshold.frr)}; for FAR <= ${pct(r.targetFar)}: threshold ${o.threshold.toFixed(3)} -> FAR ${pct(o.far)}${floor}, FRR ${pct(o.frr)} of ${o.genuine}; EER ${pct(f.eer)}; no face ${pct(f.noFace)}`);
  }
  const frame = stats(r.frameMs), enrol = stats(r.enrolMs);
  lines.push(`live frame (640x480: detect, landmarks, descriptor): median ${frame.median} ms, p95 ${frame.p95} ms`);
  lines.push(`card enrolment (JPEG 2000 probe: decode, face, descriptor): median ${enrol.median} ms, p95 ${enrol.p95} ms`);
  lines.push(`card probes: median ${r.cardProbeBytes.median} bytes, max ${r.cardProbeBytes.max} bytes; peak RSS ${r.rssMb} MB`);
  return lines.join('\n');
}
