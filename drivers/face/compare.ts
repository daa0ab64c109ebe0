// Compares the main face of two pictures (JPEG, PNG or JPEG 2000 bytes): the engine behind
// `oqsgw face compare`. Decides with the same model, similarity and threshold as the live driver.
// Framing does not matter: a face filling a tight 150x150 crop and a face small in a 640x480 frame
// are both found (the engine pads and retries when it finds nothing as the picture is).
import { describePortrait } from './camera-face-matcher.js';
import { DEFAULT_FACE_MODEL, loadFaceEngine, type FaceModel } from './face-engine.js';
import { decodeImage, loadOpenCv, padImage } from './opencv-image.js';
import { euclideanDistance, roundScore } from './similarity.js';

export interface Comparison {
  readonly model: FaceModel;
  /** Faces found in each picture (the largest one is compared). */
  readonly faces: readonly [number, number];
  /** Euclidean distance of the descriptors (dlib's measure; for fr512 it is sqrt(2 - 2 cos)). */
  readonly distance: number | null;
  readonly similarity: number | null;
  readonly threshold: number;
  readonly decision: 'match' | 'mismatch' | 'no-face';
  readonly ms: number;
}

export async function compareImages(a: Uint8Array, b: Uint8Array, threshold: number, model: FaceModel = DEFAULT_FACE_MODEL): Promise<Comparison> {
  const started = performance.now();
  // Decode first: a bad file fails before the model is loaded.
  const sides = await Promise.all([a, b].map((bytes) => decodeImage(bytes)));
  const engine = await loadFaceEngine(model);
  const cv = await loadOpenCv();
  const faces: number[] = [];
  const descriptors: Array<Float32Array | null> = [];
  for (const image of sides) {
    faces.push((await engine.detect(image, 'ssd')).length);
    descriptors.push(await describePortrait(engine, image, async (i) => padImage(cv, i, 0.25)));
  }
  const [x, y] = descriptors;
  const similarity = x && y ? engine.similarity(x, y) : null;
  const distance = x && y ? euclideanDistance(x, y) : null;
  return {
    model,
    faces: [faces[0] ?? 0, faces[1] ?? 0],
    distance: distance === null ? null : roundScore(distance),
    similarity: similarity === null ? null : roundScore(similarity),
    threshold,
    decision: similarity === null ? 'no-face' : similarity >= threshold ? 'match' : 'mismatch',
    ms: Math.round(performance.now() - started),
  };
}
