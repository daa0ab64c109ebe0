// FHIR output (docs/fhir.md): every check-in whose answer named a person, also as an HL7 FHIR R4
// Bundle following JP Core. The top-level `fhir` section of the config.
import { Type, type Static } from '@sinclair/typebox';

export const FhirConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description: 'Publish each check-in also as a FHIR R4 Bundle (JP Core: Patient, Coverage, payor Organization) on <base>/fhir/checkins, QoS 1, through the outbox',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type FhirConfig = Static<typeof FhirConfigSchema>;
