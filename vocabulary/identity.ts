// How the patient was identified. The check-in says so because billing (医療情報取得加算)
// and the EHR's audit depend on it.
export const IDENTITY_METHODS = ['face', 'pin', 'visual'] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** The whole check-in's reference: card methods plus 'number' for a by-insurance-number check. */
export type ReferenceMethod = IdentityMethod | 'number';
