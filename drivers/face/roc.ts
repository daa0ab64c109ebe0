// Accuracy arithmetic for the benchmark and `oqsgw face calibrate`: false accepts and false
// rejects of labelled pairs over thresholds. A pair whose face was not found scores null and
// counts as rejected (the patient would go to the PIN pad), never as accepted.

export interface ScoredPair {
  readonly same: boolean;
  readonly score: number | null;
}

export interface RocPoint {
  readonly threshold: number;
  /** False-accept rate: different-person pairs at or above the threshold. */
  readonly far: number;
  /** False-reject rate: same-person pairs below the threshold (or with no face found). */
  readonly frr: number;
}

export function rocPoint(pairs: readonly ScoredPair[], threshold: number): RocPoint {
  let fa = 0, impostors = 0, fr = 0, genuine = 0;
  for (const p of pairs) {
    const accepted = p.score !== null && p.score >= threshold;
    if (p.same) { genuine++; if (!accepted) fr++; } else { impostors++; if (accepted) fa++; }
  }
  return { threshold, far: impostors ? fa / impostors : 0, frr: genuine ? fr / genuine : 0 };
}

/** The ROC at each distinct score (every point where a decision can change), highest first. */
export function rocCurve(pairs: readonly ScoredPair[]): RocPoint[] {
  const scores = [...new Set(pairs.map((p) => p.score).filter((s): s is number => s !== null))].sort((a, b) => b - a);
  return scores.map((s) => rocPoint(pairs, s));
}

export interface OperatingPoint extends RocPoint {
  /** The FAR that was asked for. */
  readonly targetFar: number;
  /** The smallest non-zero FAR this set can show (one impostor pair). */
  readonly resolution: number;
  readonly impostors: number;
  readonly genuine: number;
}

const STEP = 0.001;

/**
 * The lowest threshold (on a 0.001 grid) whose measured FAR is at most targetFar. When the set
 * has too few impostor pairs to show that rate, that is FAR 0: just above the best impostor score.
 */
export function thresholdForFar(pairs: readonly ScoredPair[], targetFar: number): OperatingPoint {
  const impostors = pairs.filter((p) => !p.same).length, genuine = pairs.length - impostors;
  const resolution = impostors ? 1 / impostors : 1;
  let best: RocPoint = rocPoint(pairs, 1);
  for (let t = 1; t >= 0; t = Math.round((t - STEP) * 1000) / 1000) {
    const point = rocPoint(pairs, t);
    if (point.far > targetFar) break;
    best = point;
  }
  return { ...best, targetFar, resolution, impostors, genuine };
}

/** Equal-error rate: where FAR and FRR cross (the mean of the two at the closest grid point). */
export function equalErrorRate(pairs: readonly ScoredPair[]): RocPoint & { readonly eer: number } {
  let best = rocPoint(pairs, 1);
  for (let t = 1; t >= 0; t = Math.round((t - STEP) * 1000) / 1000) {
    const p = rocPoint(pairs, t);
    if (Math.abs(p.far - p.frr) < Math.abs(best.far - best.frr)) best = p;
  }
  return { ...best, eer: (best.far + best.frr) / 2 };
}
