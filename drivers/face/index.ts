// Chooses the face driver named in config.
import type { Logger } from '../../daemon/log.js';
import type { FaceConfig } from './config.js';
import type { FaceMatcher } from './face-matcher.js';
import { SimFaceMatcher } from './sim-face-matcher.js';

export function createFaceMatcher(config: FaceConfig, _logger: Logger): FaceMatcher {
  switch (config.driver) {
    case 'sim':
      return new SimFaceMatcher(config.simDecisions, config.threshold);
    case 'camera':
      throw new Error("face.driver 'camera' is not available in this build yet");
  }
}
