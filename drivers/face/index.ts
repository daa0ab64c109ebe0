// Chooses the face driver named in config.
import type { Logger } from '../../vocabulary/log.js';
import { CameraFaceMatcher } from './camera-face-matcher.js';
import type { FaceConfig } from './config.js';
import type { FaceMatcher } from './face-matcher.js';
import type { FrameSource } from './frame-source.js';
import type { MatchPolicy } from './match-session.js';
import { SimCamera } from './sim/sim-camera.js';
import { SimFaceMatcher } from './sim/sim-face-matcher.js';
import { V4l2Camera } from './v4l2-camera.js';
import { DEFAULT_QUALITY_LIMITS } from './frame-quality.js';
import { thresholdFor } from './model-thresholds.js';
import type { FairQueue } from './fair-queue.js';

export { FairQueue } from './fair-queue.js';

export function matchPolicyOf(config: FaceConfig): MatchPolicy {
  return {
    threshold: thresholdFor(config.model, config.threshold),
    framesToDecide: config.framesToDecide,
    framesToReject: Math.max(config.framesToReject, config.framesToDecide),
    liveness: config.liveness,
    livenessMinMotion: config.livenessMinMotion,
    maxFrames: config.maxFramesPerMatch,
  };
}

export function frameSourceOf(config: FaceConfig): FrameSource {
  return config.source === 'files'
    ? new SimCamera(config.simFrames, config.simFrameIntervalMs)
    : new V4l2Camera(config.device, config.captureWidth, config.captureHeight);
}

/** `share`: several readers, one model: the engine's calls are queued fairly between them (fair-queue.ts). */
export function createFaceMatcher(config: FaceConfig, logger: Logger, share?: { readonly queue: FairQueue; readonly lane: string }): FaceMatcher {
  switch (config.driver) {
    case 'sim':
      return new SimFaceMatcher(config.simDecisions, thresholdFor(config.model, config.threshold));
    case 'camera':
      return new CameraFaceMatcher({
        source: frameSourceOf(config),
        policy: matchPolicyOf(config),
        model: config.model,
        detector: config.detector,
        limits: { ...DEFAULT_QUALITY_LIMITS, minFacePx: config.minFacePx },
        logger: logger.child({ component: 'face' }),
        ...(share ? { share } : {}),
      });
  }
}
