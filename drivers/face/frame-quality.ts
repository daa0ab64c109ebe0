// Is this frame good enough to compare, and if not, what should the patient do? Judged from the
// face's box and landmarks and the pixels under the box: size, exposure, sharpness, frontal pose.
import type { Point, Rect } from './face-api-types.js';
import type { FaceGuidance } from '../../vocabulary/face-guidance.js';
import { meanLuma, sharpness, type RgbImage } from './image.js';

/** 68-point landmark indices (iBUG 300-W layout, as face-api returns them). */
export const LANDMARK = {
  jawLeft: 0, jawRight: 16, noseTip: 30,
  leftEye: [36, 37, 38, 39, 40, 41], rightEye: [42, 43, 44, 45, 46, 47],
} as const;

export interface QualityLimits {
  /** Smallest face width in pixels worth comparing. */
  readonly minFacePx: number;
  /** Largest face height as a share of the frame before the face is cut off. */
  readonly maxFaceShare: number;
  /** Darkest acceptable mean luma (0..255) over the face. */
  readonly minLuma: number;
  /** Least Laplacian variance of the face (lower is blurred by motion or focus). */
  readonly minSharpness: number;
  /** Nose position between the jaw ends (0.5 is frontal); beyond this the head is turned. */
  readonly maxYawOffset: number;
  /** Eye line tilt in degrees. */
  readonly maxRollDeg: number;
}

export const DEFAULT_QUALITY_LIMITS: QualityLimits = {
  minFacePx: 80, maxFaceShare: 0.95, minLuma: 45, minSharpness: 12, maxYawOffset: 0.2, maxRollDeg: 20,
};

export interface FrameQuality {
  /** Null when the frame is usable; otherwise what to tell the patient. */
  readonly guidance: FaceGuidance | null;
  /** Ranks usable frames: higher is better. */
  readonly score: number;
  readonly faceWidth: number;
  readonly luma: number;
  readonly sharpness: number;
  readonly yawOffset: number;
  readonly rollDeg: number;
}

const centre = (points: readonly Point[], indices: readonly number[]): Point => {
  let x = 0, y = 0;
  for (const i of indices) { x += points[i]!.x; y += points[i]!.y; }
  return { x: x / indices.length, y: y / indices.length };
};

export function poseOf(landmarks: readonly Point[]): { yawOffset: number; rollDeg: number } {
  const left = landmarks[LANDMARK.jawLeft]!, right = landmarks[LANDMARK.jawRight]!, nose = landmarks[LANDMARK.noseTip]!;
  const span = right.x - left.x;
  const yawOffset = span <= 0 ? 1 : Math.abs((nose.x - left.x) / span - 0.5);
  const le = centre(landmarks, LANDMARK.leftEye), re = centre(landmarks, LANDMARK.rightEye);
  const rollDeg = (Math.atan2(re.y - le.y, re.x - le.x) * 180) / Math.PI;
  return { yawOffset, rollDeg };
}

/** Size and exposure need only the box: checked before the (costlier) landmarks and descriptor. */
export function boxGuidance(image: RgbImage, box: Rect, limits: QualityLimits = DEFAULT_QUALITY_LIMITS): FaceGuidance | null {
  if (box.width < limits.minFacePx) return 'come-closer';
  if (box.height > limits.maxFaceShare * image.height) return 'move-back';
  if (meanLuma(image, box.x, box.y, box.width, box.height) < limits.minLuma) return 'more-light';
  return null;
}

export function assessFrame(image: RgbImage, box: Rect, landmarks: readonly Point[], limits: QualityLimits = DEFAULT_QUALITY_LIMITS): FrameQuality {
  const luma = meanLuma(image, box.x, box.y, box.width, box.height);
  const sharp = sharpness(image, box.x, box.y, box.width, box.height);
  const { yawOffset, rollDeg } = poseOf(landmarks);
  const guidance = boxGuidance(image, box, limits)
    ?? (yawOffset > limits.maxYawOffset || Math.abs(rollDeg) > limits.maxRollDeg ? 'look-at-camera' : null)
    ?? (sharp < limits.minSharpness ? 'hold-still' : null);
  // Bigger, sharper and more frontal faces give steadier descriptors; each factor saturates.
  const score = Math.min(1, box.width / 160) * Math.min(1, sharp / (4 * limits.minSharpness)) * (1 - yawOffset) * (1 - Math.abs(rollDeg) / 90);
  return { guidance, score, faceWidth: box.width, luma, sharpness: sharp, yawOffset, rollDeg };
}
