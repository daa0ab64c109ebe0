// Face match benchmark: accuracy on the shared labelled pairs (read in place, never copied),
// with card-like JPEG 2000 probes, time per 1:1 match and memory; plus the liveness margin.
// Skipped, saying so, when the labelled set is not beside the checkout.
import { calibrate, defaultFaceDataDir, readPairs } from '../../drivers/face/calibration.js';
import { stats } from '../../drivers/face/calibration-text.js';
import { calibrateLiveness } from '../../drivers/face/liveness-calibration.js';
import type { BenchFigure, BenchReport } from './report.js';

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const pct = (x: number) => round(x * 100, 2);

export default async function faceBench(): Promise<BenchReport[]> {
  const dir = defaultFaceDataDir();
  const progress = (m: string) => process.stderr.write(`\r${m}   `);
  const report = await calibrate({ dir, targetFar: 0.001, timedPairs: 40, onProgress: progress });
  process.stderr.write('\n');
  if ('skipped' in report) {
    return [{ name: 'face: accuracy and speed', method: 'labelled pairs', figures: [], skipped: `no labelled face set: ${report.skipped}` }];
  }
  const accuracy: BenchFigure[] = [];
  for (const v of report.variants) {
    const o = v.operating;
    accuracy.push(
      { name: `${v.name}: threshold (similarity)`, value: o.threshold, unit: '' },
      { name: `${v.name}: FAR at threshold`, value: pct(o.far), unit: `% of ${o.impostors}` },
      { name: `${v.name}: FRR at threshold`, value: pct(o.frr), unit: `% of ${o.genuine}` },
      { name: `${v.name}: EER`, value: pct(v.eer), unit: '%' },
      { name: `${v.name}: pairs with no face`, value: v.missing, unit: 'pairs' },
    );
    // A few ROC points for the docs: FRR at round FAR values the set can show.
    for (const far of [0.01, 0.05]) {
      const p = [...v.roc].reverse().find((r) => r.far <= far) ?? v.roc[0];
      if (p) accuracy.push({ name: `${v.name}: FRR at FAR<=${far * 100}% (t=${round(p.threshold)})`, value: pct(p.frr), unit: '%' });
    }
  }
  const tiny = stats(report.frameMs.tiny), ssd = stats(report.frameMs.ssd), match = stats(report.matchMs);
  const speed: BenchFigure[] = [
    { name: '1:1 match (card JP2 enrol + live frame) median', value: match.median, unit: 'ms' },
    { name: '1:1 match p95', value: match.p95, unit: 'ms' },
    { name: 'live frame, tiny detector, median', value: tiny.median, unit: 'ms' },
    { name: 'live frame, tiny detector, p95', value: tiny.p95, unit: 'ms' },
    { name: 'live frame, SSD detector, median', value: ssd.median, unit: 'ms' },
    { name: 'live frame, SSD detector, p95', value: ssd.p95, unit: 'ms' },
    { name: 'card probe size median', value: report.cardProbeBytes.median, unit: 'bytes' },
    { name: 'peak RSS', value: report.rssMb, unit: 'MB' },
    { name: 'model tensors', value: report.tensorMb, unit: 'MB' },
  ];
  const live = await calibrateLiveness(dir, readPairs(dir) ?? [], { onProgress: progress });
  process.stderr.write('\n');
  const still = [...live.stillMotion].sort((a, b) => a - b), same = [...live.samePersonMotion].sort((a, b) => a - b);
  const q = (s: number[], p: number) => round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN);
  const liveness: BenchFigure[] = [
    { name: 'still photo (simulated hand-held) motion median', value: q(still, 0.5), unit: 'IOD' },
    { name: 'still photo motion max', value: q(still, 1), unit: `IOD (${still.length} photos)` },
    { name: 'still photo blink ratio min (lower = eyes seem to close)', value: round(Math.min(...live.stillBlink)), unit: `(${live.stillBlink.length} photos)` },
    { name: 'same person, two photos, motion p5', value: q(same, 0.05), unit: 'IOD' },
    { name: 'same person, two photos, motion median', value: q(same, 0.5), unit: `IOD (${same.length} pairs)` },
  ];
  return [
    { name: 'face: accuracy', method: `${report.pairs} labelled pairs, ${report.images} images (${dir}); threshold = lowest similarity with FAR <= 0.1% (or FAR 0 when the set is too small to show 0.1%)`, figures: accuracy },
    { name: 'face: speed and memory', method: `face-api ${'1.7.15'} on tfjs-wasm; decode with OpenCV; frames shrunk to 640 px; ${report.matchMs.length} timed 1:1 matches`, figures: speed },
    { name: 'face: liveness margin', method: 'non-affine landmark motion (inter-ocular distances): simulated hand-held still photos vs two photos of the same person', figures: liveness },
  ];
}
