// Face match benchmark: accuracy of the configured model on every labelled set beside the
// checkout (../shared/data/faces/*/pairs.csv, read in place, never copied), per set, with the
// sides as the gateway sees them (grey JPEG 2000 card probe vs 640x480 frame; tight 150x150
// crops); time per live frame and per card enrolment; resident memory of a process holding the
// model; plus the liveness margin. Skipped, saying so, when no labelled set is there.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { fromRoot } from '../../vocabulary/paths.js';
import { calibrate, defaultFaceDataDir, readPairs, type CalibrationReport } from '../../drivers/face/calibration.js';
import { stats } from '../../drivers/face/calibration-text.js';
import { DEFAULT_FACE_MODEL } from '../../drivers/face/face-engine.js';
import { calibrateLiveness } from '../../drivers/face/liveness-calibration.js';
import { frameSteps } from './face-frame-steps.js';
import type { BenchFigure, BenchReport } from './report.js';

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const pct = (x: number) => round(x * 100, 2);

/** Every labelled set beside the one the calibration defaults to (../shared/data/faces/<set>). */
function labelledSets(): string[] {
  const parent = dirname(defaultFaceDataDir());
  if (!existsSync(parent)) return [];
  return readdirSync(parent).map((d) => join(parent, d)).filter((d) => existsSync(join(d, 'pairs.csv'))).sort();
}

function accuracyFigures(set: string, r: CalibrationReport): BenchFigure[] {
  const p = r.production;
  const out: BenchFigure[] = [
    { name: `${set} production: FAR at ${p.threshold}`, value: pct(p.far), unit: `% of ${p.impostors} impostor pairs` },
    { name: `${set} production: FRR at ${p.threshold}`, value: pct(p.frr), unit: `% of ${p.genuine}` },
    { name: `${set} production: no face`, value: pct(p.noFace), unit: `% of ${p.pairs} pairs` },
  ];
  for (const f of r.forms.filter((x) => x.pairSource === 'all-vs-all')) {
    out.push(
      { name: `${set} ${f.form}: threshold for FAR <= ${pct(r.targetFar)}%`, value: round(f.operating.threshold), unit: `(FAR ${pct(f.operating.far)}%)` },
      { name: `${set} ${f.form}: FRR there`, value: pct(f.operating.frr), unit: '%' },
      { name: `${set} ${f.form}: FRR at ${f.atThreshold.threshold} / FAR`, value: pct(f.atThreshold.frr), unit: `% / ${pct(f.atThreshold.far)}%` },
      { name: `${set} ${f.form}: EER`, value: pct(f.eer), unit: '%' },
      { name: `${set} ${f.form}: no face`, value: pct(f.noFace), unit: '%' },
    );
  }
  return out;
}

export default async function faceBench(): Promise<BenchReport[]> {
  const sets = labelledSets();
  const progress = (m: string) => process.stderr.write(`\r${m}   `);
  if (sets.length === 0) {
    return [{ name: 'face: accuracy and speed', method: 'labelled pairs', figures: [], skipped: `no labelled face set beside ${defaultFaceDataDir()}` }];
  }
  const accuracy: BenchFigure[] = [];
  const frameMs: number[] = [], enrolMs: number[] = [];
  let peakRss = 0, pictures = 0;
  for (const dir of sets) {
    const report = await calibrate({ dir, model: DEFAULT_FACE_MODEL, onProgress: progress });
    process.stderr.write('\n');
    if ('skipped' in report) continue;
    accuracy.push(...accuracyFigures(dir.split('/').pop()!, report));
    frameMs.push(...report.frameMs);
    enrolMs.push(...report.enrolMs);
    peakRss = Math.max(peakRss, report.rssMb);
    pictures += report.images;
  }
  // The daemon's memory with the model loaded, measured in a process of its own.
  const first = sets[0]!;
  const picture = join(first, readPairs(first)![0]!.a);
  // Twice: with the environment the systemd unit gives the daemon (its Environment= lines, e.g.
  // MALLOC_ARENA_MAX), and with none of it, so both figures are on record.
  const serviceEnv = Object.fromEntries([...readFileSync(fromRoot('systemd/oqs-gateway.service'), 'utf8').matchAll(/^Environment=(\w+)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]));
  // The probe runs the compiled driver, as the daemon does: build it first (incremental).
  await promisify(execFile)(process.execPath, [fromRoot('node_modules/typescript/bin/tsc'), '-p', fromRoot('tsconfig.build.json')], { cwd: fromRoot(), timeout: 600_000 });
  const probe = async (extra: Record<string, string>): Promise<number> => {
    const { stdout } = await promisify(execFile)(process.execPath, [fromRoot('test/bench/face-rss-probe.mjs'), DEFAULT_FACE_MODEL, picture], { cwd: fromRoot(), timeout: 120_000, env: { ...process.env, ...extra } });
    return (JSON.parse(stdout.trim().split('\n').pop()!) as { rssMb: number }).rssMb;
  };
  const rssMb = await probe(serviceEnv);
  const rssPlainMb = await probe({});
  const frame = stats(frameMs), enrol = stats(enrolMs);
  const speed: BenchFigure[] = [
    { name: 'live frame 640x480 (detect, landmarks, descriptor) median', value: frame.median, unit: 'ms' },
    { name: 'live frame p95', value: frame.p95, unit: 'ms' },
    { name: 'card enrolment (grey JP2 probe) median', value: enrol.median, unit: 'ms' },
    { name: 'card enrolment p95', value: enrol.p95, unit: 'ms' },
    { name: 'RSS, process with the model (1 card + 20 frames), environment of the systemd unit', value: rssMb, unit: `MB (${Object.entries(serviceEnv).map(([k, v]) => `${k}=${v}`).join(' ')})` },
    { name: 'RSS, the same without that environment', value: rssPlainMb, unit: 'MB' },
    { name: 'peak RSS of the benchmark process', value: peakRss, unit: 'MB' },
  ];
  const dir = defaultFaceDataDir();
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
  const steps = DEFAULT_FACE_MODEL === 'dlib' ? [] : [await frameSteps(sets, DEFAULT_FACE_MODEL)];
  return [
    ...steps,
    { name: 'face: accuracy', method: `model ${DEFAULT_FACE_MODEL}; sets ${sets.join(', ')}; all-vs-all ordered pairs (card side of A vs live side of B); production = grey JPEG 2000 card probe vs 640x480 frame at the model's threshold`, figures: accuracy },
    { name: 'face: speed and memory', method: `model ${DEFAULT_FACE_MODEL} (YuNet + ${DEFAULT_FACE_MODEL === 'fused' ? 'fr512, MobileFaceNet and dlib descriptors' : 'descriptor'} on onnxruntime-node, 1 thread each; face-api 68-point landmarks on tfjs-wasm); ${pictures} pictures, load average ${loadavg()[0]!.toFixed(1)} at the end`, figures: speed },
    { name: 'face: liveness margin', method: 'non-affine landmark motion (inter-ocular distances): simulated hand-held still photos vs two photos of the same person', figures: liveness },
  ];
}
