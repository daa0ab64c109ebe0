// The eligibility answer in the national system's terms (資格確認結果, XML layout 別紙3-1 as public
// clients read it: docs/eligibility.md names the source of every element). Keys are the official
// element names in lowerCamelCase; every code keeps its official value with a `…Label` beside it.
// Dates are YYYY-MM-DD and times ISO 8601 on our JSON wire (the XML writes YYYYMMDD / YYYYMMDDHHmmss).
// This TypeBox schema is the one definition: the line validates with it, the TypeScript types come
// from it, and schemas/eligibility.v2.schema.json is generated from it (npm run gen:schemas).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  INFO_CONSENT, INSURED_CARD_CLASSIFICATION, LIMIT_CLASSIFICATION, LIMIT_CONSENT, LIMIT_FLAG, PERSONAL_FAMILY,
  PRESCHOOL, PRESCRIPTION_ISSUE_SELECT, PROCESSING_RESULT_STATUS, QUALIFICATION_VALIDITY, REASON_OF_LOSS,
  REFERENCE_CLASSIFICATION, SEX, SPECIFIC_DISEASE_CATEGORY, TICKET_TYPE, type CodeTable,
} from './codes.js';
import { EHR_SHARING_ITEMS, type ConsentItem } from '../../vocabulary/consent.js';

/** A value or null. For a string schema this is `type: ["string", "null"]` (with null added to an
 * enum) rather than an anyOf: the same check, but ajv validates a type list in one test where an
 * anyOf collects and discards errors per field; the batch bench's client validation was 2.4x
 * faster (docs/eligibility.md, speed). Objects keep the anyOf. */
export function Nullable<T extends TSchema>(t: T) {
  const plain = JSON.parse(JSON.stringify(t)) as { type?: unknown; enum?: unknown[] };
  if (plain.type !== 'string') return Type.Union([t, Type.Null()]);
  return Type.Unsafe<Static<T> | null>({ ...plain, type: ['string', 'null'], ...(plain.enum ? { enum: [...plain.enum, null] } : {}) });
}
export const DateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Time = Type.String({ minLength: 20, maxLength: 40, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' });
const Text = (max = 200) => Type.String({ maxLength: max });

// A plain `enum` rather than a union of literals: the same check, but ajv tests one keyword instead
// of an anyOf per field (a batch of 10,000 answers was 4x slower with the union).
function code<T extends CodeTable>(table: T) {
  return Type.Unsafe<Extract<keyof T, string>>({ type: 'string', enum: Object.keys(table) });
}
function label<T extends CodeTable>(table: T) {
  return Type.Unsafe<T[keyof T]>({ type: 'string', enum: [...new Set(Object.values(table))] });
}

/** 閲覧同意: flag (OQSCD016), when the patient consented, until when the clinic may view. */
const InfoConsent = Type.Object({
  consFlg: code(INFO_CONSENT),
  consFlgLabel: label(INFO_CONSENT),
  consTime: Nullable(Time),
  availableTime: Nullable(Time),
}, { additionalProperties: false });

const ElderlyRecipient = Type.Object({
  elderlyRecipientCertificateDate: Nullable(DateText),
  elderlyRecipientValidStartDate: DateText,
  elderlyRecipientValidEndDate: Nullable(DateText),
  /** 3 digits as the system writes it: 020 = 2割. */
  elderlyRecipientContributionRatio: Type.String({ pattern: '^[0-9]{3}$' }),
}, { additionalProperties: false });

const LimitInfo = Type.Object({
  limitApplicationCertificateClassification: code(LIMIT_CLASSIFICATION),
  limitApplicationCertificateClassificationLabel: label(LIMIT_CLASSIFICATION),
  limitApplicationCertificateClassificationFlag: code(LIMIT_FLAG),
  limitApplicationCertificateClassificationFlagLabel: label(LIMIT_FLAG),
  limitApplicationCertificateDate: Nullable(DateText),
  limitApplicationCertificateValidStartDate: DateText,
  limitApplicationCertificateValidEndDate: Nullable(DateText),
  limitApplicationCertificateLongTermDate: Nullable(DateText),
}, { additionalProperties: false });

const SpecificDisease = Type.Object({
  specificDiseasesDiseaseCategory: code(SPECIFIC_DISEASE_CATEGORY),
  specificDiseasesDiseaseCategoryLabel: label(SPECIFIC_DISEASE_CATEGORY),
  specificDiseasesCertificateDate: Nullable(DateText),
  specificDiseasesValidStartDate: DateText,
  specificDiseasesValidEndDate: Nullable(DateText),
  /** 自己負担限度額, yen per month, digits as written. */
  specificDiseasesSelfPay: Type.String({ pattern: '^[0-9]{1,7}$' }),
}, { additionalProperties: false });

/** 医療券・調剤券情報 (医療扶助, one per ticket and treatment month). */
const MedicalTicket = Type.Object({
  ticketType: code(TICKET_TYPE),
  ticketTypeLabel: label(TICKET_TYPE),
  medicalTicketValidDate: DateText,
  medicalTicketExpirationDate: DateText,
  issueNumber: Text(20),
  /** 診療年月 YYYY-MM. */
  medicalTreatmentMonth: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }),
  designatedMedicalInstitutionCode: Nullable(Type.String({ pattern: '^[0-9]{10}$' })),
  designatedMedicalInstitutionName: Nullable(Text()),
  selfPayAmount: Nullable(Type.String({ pattern: '^[0-9]{1,7}$' })),
  remarks: Type.Array(Text(), { maxItems: 3 }),
}, { additionalProperties: false });

/** ResultOfQualificationConfirmation: one insured person's qualification (an answer may hold several). */
export const QualificationResultSchema = Type.Object({
  insuredCardClassification: code(INSURED_CARD_CLASSIFICATION),
  insuredCardClassificationLabel: label(INSURED_CARD_CLASSIFICATION),
  /** 保険者番号 (医療扶助: 公費負担者番号). */
  insurerNumber: Type.String({ pattern: '^([0-9]{6}|[0-9]{8})$' }),
  insuredCardSymbol: Text(40),
  /** 番号 (医療扶助: 受給者番号). */
  insuredIdentificationNumber: Type.String({ minLength: 1, maxLength: 40 }),
  insuredBranchNumber: Type.String({ pattern: '^[0-9]{2}$' }),
  personalFamilyClassification: Nullable(code(PERSONAL_FAMILY)),
  personalFamilyClassificationLabel: Nullable(label(PERSONAL_FAMILY)),
  /** 被保険者氏名 (世帯主氏名 for 国保). */
  insuredName: Nullable(Text(100)),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  nameOfOther: Nullable(Text(100)),
  /** Half-width kana as the system writes it. */
  nameKana: Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\uFF61-\\uFF9F ]+$' }),
  nameOfOtherKana: Nullable(Type.String({ maxLength: 100, pattern: '^[\\uFF61-\\uFF9F ]*$' })),
  sex1: code(SEX),
  sex1Label: label(SEX),
  sex2: Nullable(code(SEX)),
  sex2Label: Nullable(label(SEX)),
  birthdate: DateText,
  address: Text(),
  postNumber: Type.String({ pattern: '^[0-9]{3}-[0-9]{4}$' }),
  qualificationDate: DateText,
  disqualificationDate: Nullable(DateText),
  reasonOfLoss: Nullable(code(REASON_OF_LOSS)),
  reasonOfLossLabel: Nullable(label(REASON_OF_LOSS)),
  insuredCertificateIssuanceDate: Nullable(DateText),
  insuredCardValidDate: Nullable(DateText),
  insuredCardExpirationDate: Nullable(DateText),
  /** 3 digits as the system writes it: 030 = 3割. Null for 医療扶助. */
  insuredPartialContributionRatio: Nullable(Type.String({ pattern: '^[0-9]{3}$' })),
  preschoolClassification: Nullable(code(PRESCHOOL)),
  preschoolClassificationLabel: Nullable(label(PRESCHOOL)),
  /** 保険者名称 (医療扶助: 福祉事務所名). */
  insurerName: Type.String({ minLength: 1, maxLength: 100 }),
  elderlyRecipientCertificateInfo: Nullable(ElderlyRecipient),
  limitApplicationCertificateRelatedConsFlg: Nullable(code(LIMIT_CONSENT)),
  limitApplicationCertificateRelatedConsTime: Nullable(Time),
  /** Only with LimitApplicationCertificateRelatedConsFlg 1. */
  limitApplicationCertificateRelatedInfo: Nullable(LimitInfo),
  specificDiseasesCertificateRelatedConsFlg: Nullable(code(INFO_CONSENT)),
  specificDiseasesCertificateRelatedConsTime: Nullable(Time),
  /** Only with SpecificDiseasesCertificateRelatedConsFlg 1; may hold several. */
  specificDiseasesCertificateList: Type.Array(SpecificDisease, { maxItems: 10 }),
  /** 特定健診 / 薬剤 / 診療 / 手術 情報閲覧: SpecificHealthCheckupsInfoConsFlg … OperationInfoAvailableTime. */
  specificHealthCheckupsInfo: InfoConsent,
  pharmacistsInfo: InfoConsent,
  diagnosisInfo: InfoConsent,
  operationInfo: InfoConsent,
  /** The six 電子カルテ情報共有サービス viewing consents (2025): DiagnosisNameConsFlg / …ConsTime /
   * …AvailableTime 傷病名, InfectiousInfo… 感染症情報, AllergyInfo… その他アレルギー等情報,
   * ContraindicationInfo… 薬剤アレルギー等情報, TestInfo… 検査情報, PrescriptionInfo… 処方情報.
   * Names from ORCA's 患者基本情報 API block 6-52 (added 2025-01-28); the national spelling is not
   * confirmed (docs/eligibility.md). Each is the consent, never the information itself. */
  diagnosisName: InfoConsent,
  infectiousInfo: InfoConsent,
  allergyInfo: InfoConsent,
  contraindicationInfo: InfoConsent,
  testInfo: InfoConsent,
  prescriptionInfo: InfoConsent,
  /** 医療扶助資格確認結果リスト (PublicExpenseResultList / MedicalTicketInfo). */
  publicExpenseResultList: Type.Array(MedicalTicket, { maxItems: 24 }),
}, { additionalProperties: false });

/** ProcessingResultCode / ProcessingResultMessage on a normal answer: a notice for the desk. */
const Notice = Type.Object({
  processingResultCode: Type.String({ minLength: 1, maxLength: 20 }),
  processingResultMessage: Type.String({ minLength: 1, maxLength: 400 }),
}, { additionalProperties: false });

/** One answer: header items, body items, and the results. */
export const EligibilityResultSchema = Type.Object({
  processExecutionTime: Time,
  /** 資格確認日: the day the answer is for (the visit date asked for, else today in Japan). */
  qualificationConfirmationDate: DateText,
  referenceClassification: code(REFERENCE_CLASSIFICATION),
  referenceClassificationLabel: label(REFERENCE_CLASSIFICATION),
  processingResultStatus: code(PROCESSING_RESULT_STATUS),
  processingResultStatusLabel: label(PROCESSING_RESULT_STATUS),
  notices: Type.Array(Notice, { maxItems: 10 }),
  qualificationValidity: code(QUALIFICATION_VALIDITY),
  qualificationValidityLabel: label(QUALIFICATION_VALIDITY),
  /** Ours (not an official item): false when the card is not registered for insurance use. */
  registered: Type.Boolean(),
  prescriptionIssueSelect: Nullable(code(PRESCRIPTION_ISSUE_SELECT)),
  prescriptionIssueSelectLabel: Nullable(label(PRESCRIPTION_ISSUE_SELECT)),
  /** 照会番号: the clinic's patient number registered with the service for this person, if any. */
  referenceNumber: Nullable(Type.String({ minLength: 1, maxLength: 20 })),
  results: Type.Array(QualificationResultSchema, { maxItems: 10 }),
}, { additionalProperties: false });

/** Every 閲覧同意 of a result (flag, consent time, viewing deadline): the four of the XML layout,
 * then the six 電子カルテ情報共有サービス items. */
export const VIEWING_CONSENTS = ['specificHealthCheckupsInfo', 'pharmacistsInfo', 'diagnosisInfo', 'operationInfo', ...EHR_SHARING_ITEMS] as const;
export type ViewingConsent = (typeof VIEWING_CONSENTS)[number];

/** The reader's consent item behind each viewing consent of the answer. */
export const CONSENT_ITEM_OF_VIEWING: Readonly<Record<ViewingConsent, ConsentItem>> = {
  specificHealthCheckupsInfo: 'checkupInfo',
  pharmacistsInfo: 'drugInfo',
  diagnosisInfo: 'medicalInfo',
  operationInfo: 'operationInfo',
  diagnosisName: 'diagnosisName',
  infectiousInfo: 'infectiousInfo',
  allergyInfo: 'allergyInfo',
  contraindicationInfo: 'contraindicationInfo',
  testInfo: 'testInfo',
  prescriptionInfo: 'prescriptionInfo',
};

/** A viewing consent not given: flag 0 (同意なし), no consent time, no viewing deadline. */
export const VIEWING_NOT_GIVEN: Static<typeof InfoConsent> = { consFlg: '0', consFlgLabel: '同意なし', consTime: null, availableTime: null };

export type QualificationResult = Static<typeof QualificationResultSchema>;
export type EligibilityResult = Static<typeof EligibilityResultSchema>;
export type InfoConsentItem = Static<typeof InfoConsent>;
export type LimitApplicationInfo = Static<typeof LimitInfo>;
export type SpecificDiseaseInfo = Static<typeof SpecificDisease>;
export type MedicalTicketInfo = Static<typeof MedicalTicket>;
