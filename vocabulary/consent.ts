// Consent items the patient answers on the reader (the consent screen of the face-auth reader; docs/eligibility.md).

/** The six 電子カルテ情報共有サービス viewing consents (2025). Named after the elements of ORCA's
 * 患者基本情報 API, block 6-52 ResultOfQualificationConfirmation, added 2025-01-28 (…ConsFlg /
 * …ConsTime / …AvailableTime; https://www.orca.med.or.jp/receipt/tec/api/patientget.html): the
 * only public source naming them; that the national XML spells them so is not confirmed
 * (docs/eligibility.md). Each is a consent item on the reader and a viewing consent in the answer,
 * under the same key. */
export const EHR_SHARING_ITEMS = [
  'diagnosisName', // 傷病名 (DiagnosisNameConsFlg)
  'infectiousInfo', // 感染症情報 (InfectiousInfoConsFlg)
  'allergyInfo', // その他アレルギー等情報 (AllergyInfoConsFlg)
  'contraindicationInfo', // 薬剤アレルギー等情報 (ContraindicationInfoConsFlg)
  'testInfo', // 検査情報 (TestInfoConsFlg)
  'prescriptionInfo', // 処方情報 (PrescriptionInfoConsFlg)
] as const;

export type EhrSharingItem = (typeof EHR_SHARING_ITEMS)[number];

export const CONSENT_ITEMS = [
  'drugInfo', // 薬剤情報
  'checkupInfo', // 特定健診情報
  'medicalInfo', // 診療情報
  'limitCertificate', // 限度額適用認定証等の情報
  'specificDisease', // 特定疾病療養受療証の情報 (card checks only)
  'operationInfo', // 手術情報 (OperationInfoConsFlg)
  ...EHR_SHARING_ITEMS,
] as const;

export type ConsentItem = (typeof CONSENT_ITEMS)[number];

/** Asked on the reader unless flow.consentItems says otherwise: the items every institution has.
 * The 電子カルテ情報共有サービス items are asked only where the clinic takes part in the service
 * (flow.consentItems lists them; the demo does). */
export const DEFAULT_CONSENT_ITEMS: readonly ConsentItem[] = ['drugInfo', 'checkupInfo', 'medicalInfo', 'limitCertificate', 'specificDisease', 'operationInfo'];

/** Items that share medical information (not the insurance itself): withheld in the certificate's
 * grace period, when the service answers the insurance alone. */
export const MEDICAL_INFO_ITEMS: readonly ConsentItem[] = ['drugInfo', 'checkupInfo', 'medicalInfo', 'operationInfo', ...EHR_SHARING_ITEMS];

/** One answer per item asked; an item not asked is absent, which means "not given". */
export type Consents = Partial<Record<ConsentItem, boolean>>;
