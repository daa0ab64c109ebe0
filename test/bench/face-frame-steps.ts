// Where a live frame's time goes with the ONNX engine (the default model, fused or fr512): YuNet
// (detect), the 68-point landmarks and the descriptors (describe), and the descriptors alone
// (fr512 alone when the model is fr512; fr512 + MobileFaceNet + dlib when fused), on labelled pictures placed in a
// 640x480 frame as the calibration does. One warm-up pass, then one timed pass; the machine and
// its load average at the start go into the method, because on a shared 2-core box the load, not
// the code, decides most of the figure.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { OnnxFaceEngine, type OnnxModel } from '../../drivers/face/onnx-engine.js';
import { decodeImage, frameImage, loadOpenCv } from '../../drivers/face/opencv-image.js';
import { readPairs } from '../../drivers/face/calibration.js';
import type { RgbImage } from '../../drivers/face/image.js';
import { summarise, type BenchReport } from './report.js';

const PICTURES_PER_SET = 30;

export async function frameSteps(sets: readonly string[], model: OnnxModel): Promise<BenchReport> {
  const cv = await loadOpenCv();
  const engine = await OnnxFaceEngine.load(model);
  const frames: RgbImage[] = [];
  for (const dir of sets) {
    const files = [...new Set((readPairs(dir) ?? []).map((p) => p.a))].slice(0, PICTURES_PER_SET);
    for (const file of files) frames.push(frameImage(cv, await decodeImage(readFileSync(join(dir, file)), 'FACE_TIMEOUT'), 640, 480));
  }
  const load = loadavg()[0]!.toFixed(1);
  const ms: Record<'total' | 'detect' | 'describe' | 'descriptor', number[]> = { total: [], detect: [], describe: [], descriptor: [] };
  for (const timed of [false, true]) {
    for (const frame of frames) {
      const t0 = performance.now();
      const [face] = await engine.detect(frame, 'tiny');
      const t1 = performance.now();
      if (!face) continue;
      await engine.describe(frame, face);
      const t2 = performance.now();
      const [yunet] = await engine.findFaces(frame);
      const t3 = performance.now();
      if (yunet) await engine.describeAligned(frame, yunet.points);
      const t4 = performance.now();
      if (!timed) continue;
      ms.total.push(t2 - t0); ms.detect.push(t1 - t0); ms.describe.push(t2 - t1); ms.descriptor.push(t4 - t3);
    }
  }
  const figure = (name: string, samples: number[]) => {
    const { median, p95 } = summarise(samples);
    return { name, value: Math.round(median), unit: `ms median (p95 ${Math.round(p95)}, ${samples.length} frames)` };
  };
  const cpu = cpus();
  return {
    name: 'face: live frame by step',
    method: `${model}; ${frames.length} pictures (first ${PICTURES_PER_SET} of each set) in a 640x480 frame, 1 warm-up pass then 1 timed pass; ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, load average ${load} at the start`,
    figures: [
      figure('frame: detect + describe', ms.total),
      figure('detect (YuNet on the frame shrunk to <= 640 px)', ms.detect),
      figure('describe (upright landmark crop + face-api 68 points + alignment + descriptors)', ms.describe),
      figure(model === 'fused' ? 'descriptors alone (alignment + fr512 + MobileFaceNet + dlib chip and net)' : 'descriptor alone (alignment + fr_feature.onnx)', ms.descriptor),
    ],
  };
}
