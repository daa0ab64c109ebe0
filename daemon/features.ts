// The features the gateway runs, in start order. A factory returns null when its feature is
// switched off in config.
import type { FeatureFactory } from './feature.js';
import { createEhrFeature } from './ehr/ehr-feature.js';

export const FEATURES: readonly FeatureFactory[] = [createEhrFeature];
