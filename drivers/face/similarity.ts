// How two descriptors compare. face-api's 128-d descriptors are compared by Euclidean distance
// (dlib's convention, ~0.6 between different people); the gateway reports similarity = 1 - distance,
// clamped to [0, 1], so that "higher is more alike" as FaceMatchResult promises.

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
