// The check-in flow's options: which identity methods, which consent questions, and a time limit
// per step (the flow ends every step with its own result code when one runs out).
import { Type, type Static } from '@sinclair/typebox';
import { CONSENT_ITEMS, DEFAULT_CONSENT_ITEMS } from '../../vocabulary/consent.js';

const ms = (def: number, description: string) =>
  Type.Integer({ minimum: 100, maximum: 600000, default: def, description });

export const FlowConfigSchema = Type.Object(
  {
    identityMethods: Type.Array(Type.Union([Type.Literal('face'), Type.Literal('pin'), Type.Literal('visual')]), {
      minItems: 1, uniqueItems: true, default: ['face', 'pin'],
      description: 'Identity methods offered, in order; a failed face match falls back to the next one',
    }),
    consentItems: Type.Array(Type.Union(CONSENT_ITEMS.map((i) => Type.Literal(i))), {
      uniqueItems: true, default: [...DEFAULT_CONSENT_ITEMS],
      description: 'Consent questions asked on the reader; add diagnosisName, infectiousInfo, allergyInfo, contraindicationInfo, testInfo, prescriptionInfo where the clinic takes part in the 電子カルテ情報共有サービス',
    }),
    pinAttemptsPerVisit: Type.Integer({ minimum: 1, maximum: 2, default: 2, description: 'PIN entries allowed per visit (the card locks after 3 wrong in total)' }),
    cardReadTimeoutMs: ms(10000, 'Reading the certificate and photo from the card'),
    faceTimeoutMs: ms(8000, 'Looking for a matching face'),
    pinTimeoutMs: ms(30000, 'Waiting for the PIN'),
    consentTimeoutMs: ms(60000, 'Waiting for the consent answers'),
    lineTimeoutMs: ms(15000, 'Waiting for the eligibility answer'),
    removalTimeoutMs: ms(120000, 'Waiting for the patient to take the card after the result'),
  },
  { additionalProperties: false, default: {} },
);

export type FlowConfig = Static<typeof FlowConfigSchema>;
