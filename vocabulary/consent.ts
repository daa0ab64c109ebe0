// Consent items the patient answers on the reader (the consent screen of the face-auth reader; docs/eligibility.md).
export const CONSENT_ITEMS = [
  'drugInfo', // 薬剤情報
  'checkupInfo', // 特定健診情報
  'medicalInfo', // 診療情報
  'limitCertificate', // 限度額適用認定証等の情報
  'specificDisease', // 特定疾病療養受療証の情報 (card checks only)
  'operationInfo', // 手術情報 (OperationInfoConsFlg)
] as const;

export type ConsentItem = (typeof CONSENT_ITEMS)[number];

/** One answer per item asked; an item not asked is absent, which means "not given". */
export type Consents = Partial<Record<ConsentItem, boolean>>;
