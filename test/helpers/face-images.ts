// Pictures for the face tests, made in memory from the sample photos that the face-api package
// ships (group photos of several people; never the shared labelled set): single-face portraits
// cut from them, card-like JPEG 2000 probes, an empty scene, two faces side by side, and frames
// of a face that moves like a live head.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cardLikeProbe } from '../../drivers/face/card-probe.js';
import { loadFaceEngine } from '../../drivers/face/face-engine.js';
import type { RgbImage } from '../../drivers/face/image.js';
import { decodeImage, loadOpenCv, matToRgb, rgbToMat } from '../../drivers/face/opencv-image.js';
import { prng } from '../../drivers/face/sim/still-photo.js';

const require = createRequire(import.meta.url);
export const FACE_API_DEMO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
export const sampleFile = (n: number): string => join(FACE_API_DEMO, `sample${n}.jpg`);

/** A camera-like frame (480 px high) around one face of a sample photo, checked to hold exactly that face. */
export interface Person {
  readonly frame: RgbImage;
  /** The card photo the chip would hold for this person: 200x250 JPEG 2000. */
  readonly card: Buffer;
}

/** People cut from a sample photo (largest faces first), each alone in their frame. */
export async function peopleFrom(sample: number, count: number): Promise<Person[]> {
  const engine = await loadFaceEngine();
  const cv = await loadOpenCv();
  const photo = await decodeImage(readFileSync(sampleFile(sample)), 'FACE_TIMEOUT', 1920);
  const faces = await engine.detect(photo, 'ssd');
  const people: Person[] = [];
  for (const face of faces) {
    if (people.length >= count) break;
    const { x, y, width, height } = face.box;
    // A tight head-and-shoulders cut: neighbours in a group photo stand close.
    const side = Math.round(Math.max(width, height) * 1.6);
    const cx = x + width / 2, cy = y + height / 2;
    const x0 = Math.max(0, Math.round(cx - side / 2)), y0 = Math.max(0, Math.round(cy - side / 2));
    const w = Math.min(side, photo.width - x0), h = Math.min(side, photo.height - y0);
    const crop = rgbToMat(cv, photo).getRegion(new cv.Rect(x0, y0, w, h)).resize(480, Math.round((480 * w) / h), 0, 0, cv.INTER_CUBIC);
    const frame = matToRgb(cv, crop, Number.MAX_SAFE_INTEGER);
    const inFrame = await engine.detect(frame, 'tiny');
    if (inFrame.length !== 1) continue;
    // The card portrait is cut from the full photo, where there is room around the head. A chip
    // photo is frontal and well lit; people whose cut cannot be enrolled so are skipped.
    const card = await cardLikeProbe(photo, face.box);
    if ((await engine.detect(await decodeImage(card), 'ssd')).length !== 1) continue;
    people.push({ frame, card });
  }
  return people;
}

/** Nobody there: a wall with a soft gradient and sensor noise. */
export function emptyScene(width = 640, height = 480, seed = 7): RgbImage {
  const random = prng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 150 + (60 * y) / height + (random() - 0.5) * 10;
      data.set([v, v * 0.97, v * 0.9], (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

/** Two people side by side in one frame (scaled to the same height). */
export async function twoFaces(a: RgbImage, b: RgbImage): Promise<RgbImage> {
  const cv = await loadOpenCv();
  const h = Math.min(a.height, b.height);
  const scale = (i: RgbImage) => matToRgb(cv, rgbToMat(cv, i).resize(h, Math.round((i.width * h) / i.height)), Number.MAX_SAFE_INTEGER);
  const left = scale(a), right = scale(b);
  const width = left.width + right.width;
  const data = new Uint8Array(width * h * 3);
  for (let y = 0; y < h; y++) {
    data.set(left.data.subarray(y * left.width * 3, (y + 1) * left.width * 3), y * width * 3);
    data.set(right.data.subarray(y * right.width * 3, (y + 1) * right.width * 3), (y * width + left.width) * 3);
  }
  return { data, width, height: h };
}

/**
 * Frames of a face moving the way a live head does and a flat picture cannot: the nose is pushed
 * sideways against the eyes and mouth (as when the head turns a little), by `turns` times the eye
 * distance, with a smooth local warp around the nose tip.
 */
export async function liveFrames(image: RgbImage, turns: readonly number[]): Promise<RgbImage[]> {
  const engine = await loadFaceEngine();
  const [face] = await engine.detect(image, 'tiny');
  if (!face) throw new Error('liveFrames: no face in the picture');
  const { landmarks } = await engine.describe(image, face);
  const nose = landmarks[30]!, le = landmarks[36]!, re = landmarks[45]!;
  const eyes = Math.hypot(re.x - le.x, re.y - le.y);
  const sigma = 0.5 * eyes;
  const { width: w, height: h, data: src } = image;
  return turns.map((k) => {
    const data = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // Backward map: each output pixel samples from where the shifted nose region came from.
        const g = Math.exp(-((x - nose.x) ** 2 + (y - nose.y) ** 2) / (2 * sigma * sigma));
        const sx = Math.min(w - 1, Math.max(0, x - k * eyes * g));
        const x0 = Math.floor(sx), x1 = Math.min(w - 1, x0 + 1), f = sx - x0;
        const o = (y * w + x) * 3, a = (y * w + x0) * 3, b = (y * w + x1) * 3;
        for (let c = 0; c < 3; c++) data[o + c] = Math.round(src[a + c]! * (1 - f) + src[b + c]! * f);
      }
    }
    return { data, width: w, height: h };
  });
}
