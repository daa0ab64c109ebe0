// How two descriptors compare; every score is 0..1 and higher is more alike, as FaceMatchResult
// promises, but what a value means depends on the model (docs/face.md, "What the score means"):
// - fr512 (default): the cosine of the angle between the two unit-length 512-d descriptors,
//   clamped at 0 (different people score about 0..0.3, the same person about 0.4..0.9);
// - dlib (face-api's 128-d descriptors): 1 - Euclidean distance, clamped to [0, 1] (dlib's
//   convention puts different people beyond distance ~0.6, i.e. below similarity 0.4).

export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export function similarityOf(distance: number): number {
  return Math.min(1, Math.max(0, 1 - distance));
}

export function similarity(a: Float32Array, b: Float32Array): number {
  return similarityOf(euclideanDistance(a, b));
}

/** Rounded for reports and the check-in event: more digits would only suggest false precision. */
export function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/** Cosine similarity of two unit-length descriptors, clamped to [0, 1]. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return Math.min(1, Math.max(0, dot));
}
