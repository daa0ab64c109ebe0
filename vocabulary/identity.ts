// How the patient was identified. The check-in says so because billing (医療情報取得加算)
// and the EHR's audit depend on it.
// 'smartphone': the patient held a phone with the スマホ用電子証明書; the phone authenticated its user
// itself (biometrics or its PIN on the phone), and the key signs the service's challenge.
export const IDENTITY_METHODS = ['face', 'pin', 'visual', 'smartphone'] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** The whole check-in's reference: card methods plus 'number' for a by-insurance-number check. */
export type ReferenceMethod = IdentityMethod | 'number';
