// The decision for one match attempt, from what each frame showed. Pure logic (no model, no
// camera) so that every rule below is tested on its own.
import type { Point } from './face-api-types.js';
import type { FaceDecision } from './face-matcher.js';
import type { FaceGuidance } from '../../vocabulary/face-guidance.js';
import { assessLiveness, MIN_LIVENESS_FRAMES, type LivenessResult } from './liveness.js';

export interface MatchPolicy {
  /** Similarity at or above which the faces match. */
  readonly threshold: number;
  /** Usable frames compared before a decision (the score is their median). */
  readonly framesToDecide: number;
  /** Usable frames below the threshold after which the attempt ends as a mismatch. */
  readonly framesToReject: number;
  readonly liveness: 'off' | 'movement';
  /** Least non-affine landmark movement (inter-ocular distances) that counts as a live face. */
  readonly livenessMinMotion: number;
  /** Frames looked at before the attempt ends even if time is left (bounds the work). */
  readonly maxFrames: number;
}

export type FrameObservation =
  | { readonly kind: 'no-face' }
  | { readonly kind: 'many-faces'; readonly count: number }
  | { readonly kind: 'poor'; readonly guidance: FaceGuidance }
  | { readonly kind: 'good'; readonly similarity: number; readonly quality: number; readonly landmarks: readonly Point[] };

export interface SessionOutcome {
  readonly decision: FaceDecision;
  readonly score: number | null;
  readonly frames: number;
  readonly liveness: LivenessResult | null;
}

/** Frames kept for the liveness check (a few seconds of camera): bounds memory and work. */
const MAX_KEPT = 24;

interface Good { readonly similarity: number; readonly quality: number; readonly landmarks: readonly Point[] }

export class MatchSession {
  #frames = 0;
  readonly #good: Good[] = [];

  constructor(private readonly policy: MatchPolicy) {}

  get frames(): number {
    return this.#frames;
  }

  /** True once maxFrames frames were seen: finish() then decides. */
  get exhausted(): boolean {
    return this.#frames >= this.policy.maxFrames;
  }

  /** Records one frame; returns guidance for the patient, or a decision when one is certain. */
  add(observation: FrameObservation): { readonly guidance?: FaceGuidance; readonly outcome?: SessionOutcome } {
    this.#frames++;
    switch (observation.kind) {
      case 'no-face':
        return { guidance: 'look-at-camera' };
      case 'many-faces':
        return { guidance: 'one-person-only' };
      case 'poor':
        return { guidance: observation.guidance };
      case 'good':
        break;
    }
    this.#good.push({ similarity: observation.similarity, quality: observation.quality, landmarks: observation.landmarks });
    if (this.#good.length > MAX_KEPT) this.#good.shift();
    const { framesToDecide, framesToReject, threshold } = this.policy;
    if (this.#good.length < framesToDecide) return { guidance: 'hold-still' };
    const score = this.score()!;
    if (score >= threshold) {
      const liveness = this.#liveness();
      if (!liveness || liveness.live) return { outcome: { decision: 'match', score, frames: this.#frames, liveness } };
      return {}; // Alike but not yet seen moving: keep watching until the time is up.
    }
    if (this.#good.length >= framesToReject) return { outcome: { decision: 'mismatch', score, frames: this.#frames, liveness: this.#liveness() } };
    return {};
  }

  /** The median similarity of the best usable frames, or null before any usable frame. */
  score(): number | null {
    if (this.#good.length === 0) return null;
    const best = [...this.#good].sort((a, b) => b.quality - a.quality).slice(0, this.policy.framesToDecide);
    const sims = best.map((g) => g.similarity).sort((a, b) => a - b);
    return sims[Math.floor((sims.length - 1) / 2)]!;
  }

  /** The decision when time is up. */
  finish(): SessionOutcome {
    const score = this.score();
    const liveness = this.#liveness();
    const frames = this.#frames;
    if (score === null) return { decision: 'no-face', score: null, frames, liveness };
    if (score < this.policy.threshold) return { decision: 'mismatch', score, frames, liveness };
    if (!liveness || liveness.live) return { decision: 'match', score, frames, liveness };
    // Too few frames to judge movement is a timeout (try again / PIN), not an accusation.
    if (liveness.frames < MIN_LIVENESS_FRAMES) return { decision: 'no-face', score, frames, liveness };
    return { decision: 'spoof', score, frames, liveness };
  }

  #liveness(): LivenessResult | null {
    if (this.policy.liveness === 'off') return null;
    return assessLiveness(this.#good.map((g) => g.landmarks), this.policy.livenessMinMotion);
  }
}
