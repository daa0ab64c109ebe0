// A face driver for demos and tests: plays configured decisions in turn, with a short delay
// standing in for the camera. It never sees a real face.
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { FaceDecision, FaceMatcher, FaceMatchOptions, FaceMatchResult, FaceReference } from '../face-matcher.js';

export class SimFaceMatcher implements FaceMatcher {
  #turn = 0;
  #next: FaceDecision[] = [];
  constructor(private readonly decisions: readonly FaceDecision[], private readonly threshold: number, private readonly delayMs = 300) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Tests and the demo set the next decision(s) explicitly. */
  queue(...decisions: FaceDecision[]): void {
    this.#next.push(...decisions);
  }

  async enrol(cardPhoto: Buffer): Promise<FaceReference> {
    if (cardPhoto.length === 0) throw new GatewayError('FACE_TIMEOUT', 'No face in the card photo');
    return { dispose: () => {} };
  }

  async match(_reference: FaceReference, options: FaceMatchOptions): Promise<FaceMatchResult> {
    const decision = this.#next.shift() ?? this.decisions[this.#turn++ % this.decisions.length] ?? 'match';
    options.onGuidance?.('look-at-camera');
    await sleep(Math.min(this.delayMs, options.timeoutMs), undefined, { signal: options.signal });
    const score = decision === 'match' ? 0.82 : decision === 'mismatch' ? 0.21 : decision === 'spoof' ? 0.9 : null;
    return { decision, score, threshold: this.threshold, frames: decision === 'no-face' ? 0 : 12 };
  }

  health() {
    return { ok: true, detail: 'simulated camera' };
  }
}
