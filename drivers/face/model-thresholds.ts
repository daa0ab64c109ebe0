// The decision threshold of each descriptor model, from data: the lowest similarity at which the
// false-accept rate stayed at or below the configured target (0.1 % by default) on EVERY labelled
// set and form measured (card-like grey JPEG 2000 probe vs 640-px live frame, and both sides as tight
// 150x150 crops), with all-vs-all impostor pairs. The figures behind each value are in docs/face.md;
// `oqsgw face calibrate --data DIR` re-measures them on any labelled set.
import type { FaceModel } from './engine-types.js';

export const MODEL_THRESHOLDS: Readonly<Record<FaceModel, number>> = {
  // 0.42: the lowest threshold holding FAR <= 0.1 % on every set and form (all-vs-all; binding:
  // deepface card JP2 vs frame, 0.418, its look-alike pair Matt Damon / Leonardo DiCaprio), rounded up.
  fused: 0.42,
  // 0.39: the highest of the per-set thresholds for FAR <= 0.1 % (`oqsgw face calibrate`, all-vs-all:
  // card JP2 vs live frame deepface 0.368, lfw 0.324; tight crops deepface 0.389, lfw 0.307),
  // rounded up: a threshold must hold on every population, not on their average.
  fr512: 0.39,
  // 0.48: the earlier benchmark (docs/face.md): FAR 0 of 380 impostor pairs with either detector.
  dlib: 0.48,
};

/** The threshold in force: the configured one, else the model's measured default. */
export function thresholdFor(model: FaceModel, configured: number | undefined): number {
  return configured ?? MODEL_THRESHOLDS[model];
}
