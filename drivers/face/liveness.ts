// A basic presentation-attack check from landmark movement across frames.
//
// A flat picture (a print or a phone screen) that is moved, turned or tilted in front of the
// camera changes its landmarks by (close to) an affine map: ratios along the face stay fixed.
// A live head does not: turning moves the nose against the jaw line, blinking closes the eyes,
// speaking moves the mouth. So for each pair of frames we fit the best affine map between the
// landmark sets and measure what it cannot explain, relative to the distance between the eyes.
// Only the steadiest landmarks take part (eye and mouth corners, nose, chin): the jaw line and
// eyelids jitter by several per cent of the eye distance from frame to frame even on a still
// picture, which would drown the signal (measured: docs/face.md).
// A second cue needs no head movement: a blink. The eye aspect ratio (eyelid opening over eye
// width) of a picture stays put whatever the hand does; when it drops well below the attempt's
// median in some frame, the eyes closed. See docs/face.md for what this does not stop.
import type { Point } from './face-api-types.js';
import { LANDMARK } from './frame-quality.js';

export interface LivenessResult {
  /** Largest non-affine landmark movement between any two frames, in inter-ocular distances. */
  readonly motion: number;
  /** Smallest eye opening over the median eye opening (1: never closed; a blink is well below). */
  readonly blink: number;
  readonly frames: number;
  readonly live: boolean;
}

/** iBUG 68-point indices: nose bridge and tip, nostrils, outer and inner eye corners, mouth corners, chin. */
export const STEADY_LANDMARKS = [27, 30, 31, 35, 36, 39, 42, 45, 48, 54, 8] as const;

/**
 * Eye opening ratio that counts as a blink. Simulated hand-held still pictures measured 0.89 at
 * the lowest (landmark jitter; bench "face: liveness margin"). Closed eyes should bring it far
 * lower; no real blink was measured here (no video of a person was available).
 */
export const BLINK_RATIO = 0.65;

/** Fewer frames than this cannot show movement; the check then says "not live". */
export const MIN_LIVENESS_FRAMES = 3;

function eyeDistance(points: readonly Point[]): number {
  const mean = (idx: readonly number[]) => idx.reduce((s, i) => ({ x: s.x + points[i]!.x / idx.length, y: s.y + points[i]!.y / idx.length }), { x: 0, y: 0 });
  const l = mean(LANDMARK.leftEye), r = mean(LANDMARK.rightEye);
  return Math.hypot(r.x - l.x, r.y - l.y);
}

/** Solves the 3x3 system m·v = b by Cramer's rule; null when the points are degenerate. */
function solve3(m: readonly number[], b: readonly number[]): [number, number, number] | null {
  const det = (a: readonly number[]) => a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) - a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) + a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
  const d = det(m);
  if (Math.abs(d) < 1e-9) return null;
  const col = (c: number) => m.map((v, i) => (i % 3 === c ? b[Math.floor(i / 3)]! : v));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

/** RMS residual of the least-squares affine map from `from` onto `to`, in pixels of `to`. */
export function affineResidual(from: readonly Point[], to: readonly Point[]): number {
  const n = Math.min(from.length, to.length);
  // Normal equations: (Xᵀ X) a = Xᵀ u with rows X = [x y 1], once for u = x' and once for y'.
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const bx = [0, 0, 0], by = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const p = from[i]!, q = to[i]!;
    const row = [p.x, p.y, 1];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) m[r * 3 + c]! += row[r]! * row[c]!;
      bx[r]! += row[r]! * q.x;
      by[r]! += row[r]! * q.y;
    }
  }
  const ax = solve3(m, bx), ay = solve3(m, by);
  if (!ax || !ay) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = from[i]!, q = to[i]!;
    const dx = ax[0] * p.x + ax[1] * p.y + ax[2] - q.x;
    const dy = ay[0] * p.x + ay[1] * p.y + ay[2] - q.y;
    sum += dx * dx + dy * dy;
  }
  return Math.sqrt(sum / n);
}

/** Non-affine movement of the steady landmarks between two frames, relative to the eye distance. */
export function landmarkMotion(a: readonly Point[], b: readonly Point[]): number {
  const scale = eyeDistance(b);
  if (!(scale > 0) || a.length < 68 || b.length < 68) return 0;
  const residual = affineResidual(STEADY_LANDMARKS.map((i) => a[i]!), STEADY_LANDMARKS.map((i) => b[i]!));
  return Number.isFinite(residual) ? residual / scale : 0;
}

/** Eye aspect ratio (mean eyelid opening over eye width) of both eyes. */
export function eyeOpenness(points: readonly Point[]): number {
  const d = (a: number, b: number) => Math.hypot(points[a]!.x - points[b]!.x, points[a]!.y - points[b]!.y);
  const ear = (e: readonly number[]) => (d(e[1]!, e[5]!) + d(e[2]!, e[4]!)) / (2 * d(e[0]!, e[3]!) || 1);
  return (ear(LANDMARK.leftEye) + ear(LANDMARK.rightEye)) / 2;
}

/** Smallest eye opening over the median one across the frames. */
export function blinkRatio(landmarkSets: ReadonlyArray<readonly Point[]>): number {
  const ears = landmarkSets.filter((s) => s.length >= 68).map(eyeOpenness).sort((a, b) => a - b);
  const median = ears[Math.floor(ears.length / 2)] ?? 0;
  return median > 0 ? ears[0]! / median : 1;
}

export function assessLiveness(landmarkSets: ReadonlyArray<readonly Point[]>, minMotion: number): LivenessResult {
  let motion = 0;
  for (let i = 0; i < landmarkSets.length; i++) {
    for (let j = i + 1; j < landmarkSets.length; j++) {
      motion = Math.max(motion, landmarkMotion(landmarkSets[i]!, landmarkSets[j]!));
    }
  }
  const frames = landmarkSets.length;
  const blink = blinkRatio(landmarkSets);
  return { motion, blink, frames, live: frames >= MIN_LIVENESS_FRAMES && (motion >= minMotion || blink <= BLINK_RATIO) };
}
