// Measures the liveness check's margin on the labelled set: how much non-affine landmark motion
// a hand-held still photo shows (simulated: turned, tilted, moved, noisy) against how much two
// photos of the same person show (different pose and expression: an upper bound for a head in a
// few seconds). No real camera footage of attacks is involved; docs/face.md says so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Point } from './face-api-types.js';
import { loadFaceEngine } from './face-engine.js';
import type { RgbImage } from './image.js';
import { assessLiveness, landmarkMotion } from './liveness.js';
import { decodeImage } from './opencv-image.js';
import { handheldFrames } from './sim/still-photo.js';
import type { LabelledPair } from './calibration.js';

export interface LivenessCalibration {
  /** Per still photo: the largest motion between its simulated hand-held frames. */
  readonly stillMotion: readonly number[];
  /** Per still photo: the blink ratio its hand-held frames showed (1 = eyes never "closed"). */
  readonly stillBlink: readonly number[];
  /** Per same-person pair: the motion between the two photos. */
  readonly samePersonMotion: readonly number[];
}

const LIVE_SIDE = 640;

export async function calibrateLiveness(dir: string, pairs: readonly LabelledPair[], options: { maxImages?: number; frames?: number; onProgress?: (m: string) => void } = {}): Promise<LivenessCalibration> {
  const engine = await loadFaceEngine();
  const landmarksOf = async (image: RgbImage): Promise<readonly Point[] | null> => {
    const [face] = await engine.detect(image, 'tiny');
    return face ? (await engine.describe(image, face)).landmarks : null;
  };
  const cache = new Map<string, readonly Point[] | null>();
  const load = async (file: string) => {
    if (!cache.has(file)) cache.set(file, await landmarksOf(await decodeImage(readFileSync(join(dir, file)), 'FACE_TIMEOUT', LIVE_SIDE)));
    return cache.get(file) ?? null;
  };
  const files = [...new Set(pairs.map((p) => p.a))].slice(0, options.maxImages ?? 20);
  const stillMotion: number[] = [];
  const stillBlink: number[] = [];
  for (const [n, file] of files.entries()) {
    const image = await decodeImage(readFileSync(join(dir, file)), 'FACE_TIMEOUT', LIVE_SIDE);
    const sets: Array<readonly Point[]> = [];
    for (const frame of await handheldFrames(image, options.frames ?? 6, n + 1)) {
      const l = await landmarksOf(frame);
      if (l) sets.push(l);
    }
    if (sets.length >= 2) {
      const result = assessLiveness(sets, 0);
      stillMotion.push(result.motion);
      stillBlink.push(result.blink);
    }
    options.onProgress?.(`face liveness: ${n + 1}/${files.length} still photos`);
  }
  const samePersonMotion: number[] = [];
  for (const p of pairs.filter((x) => x.same).slice(0, 60)) {
    const a = await load(p.a), b = await load(p.b);
    if (a && b) samePersonMotion.push(landmarkMotion(a, b));
  }
  return { stillMotion, stillBlink, samePersonMotion };
}
