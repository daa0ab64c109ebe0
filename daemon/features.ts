// The features the gateway runs, in start order. A factory returns null when its feature is
// switched off in config.
import type { FeatureFactory } from './feature.js';
import { createEhrFeature } from './ehr/ehr-feature.js';
import { statusFeature } from './status/feature.js';
import { opsFeature } from './ops/feature.js';
import { createFhirFeature } from './fhir/fhir-feature.js';
import { createEhrFilesFeature } from './ehr-files/ehr-files-feature.js';

// opsFeature stays last: its READY=1 tells systemd that everything before it has started.
export const FEATURES: readonly FeatureFactory[] = [createEhrFeature, createFhirFeature, createEhrFilesFeature, statusFeature, opsFeature];
