// Simulated presentation of a still photo: the same picture seen by a camera while a hand holds
// it, i.e. turned, tilted (perspective), moved and scaled a little, with sensor noise. Used by the
// benchmark to measure how much landmark "motion" a flat picture shows, and by tests that need
// such frames. Deterministic: a seed picks the movements.
import type { RgbImage } from '../image.js';
import { loadOpenCv, matToRgb, rgbToMat } from '../opencv-image.js';
import { mulberry32 } from '../../../vocabulary/mulberry32.js';

/** How far a hand-held picture moves between frames (fractions of the image, degrees). */
export const HANDHELD = { rotateDeg: 8, scale: 0.08, shift: 0.04, tilt: 0.05, noise: 4 } as const;

/** A small deterministic PRNG (mulberry32): the same seed gives the same frames on every run. */
export const prng = mulberry32;

export async function handheldFrames(image: RgbImage, count: number, seed: number, motion: typeof HANDHELD = HANDHELD): Promise<RgbImage[]> {
  const cv = await loadOpenCv();
  const random = prng(seed);
  const between = (span: number) => (random() * 2 - 1) * span;
  const src = rgbToMat(cv, image);
  const { width: w, height: h } = image;
  const corners = [[0, 0], [w, 0], [w, h], [0, h]] as const;
  const frames: RgbImage[] = [];
  for (let i = 0; i < count; i++) {
    const angle = (between(motion.rotateDeg) * Math.PI) / 180;
    const scale = 1 + between(motion.scale);
    const dx = between(motion.shift) * w, dy = between(motion.shift) * h;
    const moved = corners.map(([x, y]) => {
      const cx = x - w / 2, cy = y - h / 2;
      const rx = scale * (cx * Math.cos(angle) - cy * Math.sin(angle)) + w / 2 + dx;
      const ry = scale * (cx * Math.sin(angle) + cy * Math.cos(angle)) + h / 2 + dy;
      // Tilting the picture moves each corner on its own: a perspective, not an affine, change.
      return new cv.Point2(rx + between(motion.tilt) * w, ry + between(motion.tilt) * h);
    });
    const m = cv.getPerspectiveTransform(corners.map(([x, y]) => new cv.Point2(x, y)), moved);
    const warped = matToRgb(cv, src.warpPerspective(m, new cv.Size(w, h), cv.INTER_LINEAR, cv.BORDER_REPLICATE), Number.MAX_SAFE_INTEGER);
    frames.push(addNoise(warped, motion.noise, random));
  }
  return frames;
}

/** Gaussian-ish sensor noise (sum of uniforms), sigma in grey levels. */
function addNoise(image: RgbImage, sigma: number, random: () => number): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const n = (random() + random() + random() - 1.5) * 2 * sigma;
    data[i] = Math.max(0, Math.min(255, Math.round(image.data[i]! + n)));
  }
  return { data, width: image.width, height: image.height };
}
