// The face driver's interface: the camera and the matcher together, because only the driver
// knows how frames become descriptors. Nothing it handles is ever written to disk.

import type { FaceGuidance } from '../../vocabulary/face-guidance.js';

/** The card photo's face, prepared once per card; opaque to the core, memory only. */
export interface FaceReference {
  /** Forget the descriptor; called when the card leaves. */
  dispose(): void;
}

export type FaceDecision = 'match' | 'mismatch' | 'no-face' | 'spoof';

export interface FaceMatchResult {
  readonly decision: FaceDecision;
  /** Similarity in [0, 1] (higher is more alike); null when no face was compared. */
  readonly score: number | null;
  readonly threshold: number;
  readonly frames: number;
}

export interface FaceMatchOptions {
  readonly timeoutMs: number;
  readonly onGuidance?: (guidance: FaceGuidance) => void;
  readonly signal?: AbortSignal;
}

export interface FaceMatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Throws GatewayError FACE_TIMEOUT when no usable face is in the card photo. */
  enrol(cardPhoto: Buffer, signal?: AbortSignal): Promise<FaceReference>;
  /** Watches the camera up to timeoutMs; throws GatewayError CAMERA_DOWN when the camera fails. */
  match(reference: FaceReference, options: FaceMatchOptions): Promise<FaceMatchResult>;
  health(): { readonly ok: boolean; readonly detail: string };
}
