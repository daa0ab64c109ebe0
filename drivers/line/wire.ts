// Our wire format for the eligibility line (docs/eligibility.md). The real service's format is not
// public; this one is JSON over HTTPS, shaped after the published result items. Both the client and
// the reference service use these schemas, so every body is validated on both ends.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { EligibilityResultSchema, Nullable, type EligibilityResult } from './answer.js';
import { COMPACT_RESULT_SCHEMA, type CompactResult } from './answer-compact.js';

const Date_ = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 65536 });

export const PATHS = {
  challenge: '/v1/challenges',
  card: '/v1/inquiries/card',
  number: '/v1/inquiries/number',
  batch: '/v1/inquiries/batch',
  /** 照会番号: register / remove the clinic's number for a person, and ask by it. */
  referenceNumbers: '/v1/reference-numbers',
  reference: '/v1/inquiries/reference',
  /** Asynchronous 一括照会: upload (reception number), then fetch the results by it. */
  bulk: '/v1/bulk-inquiries',
  bulkResult: '/v1/bulk-inquiries/result',
  health: '/v1/health',
} as const;

/** Most items one batch request may carry; the client splits larger batches. */
export const BATCH_CHUNK_MAX = 500;

export const InsuranceNumberWire = Type.Object({
  insurerNumber: Type.String({ pattern: '^([0-9]{6}|[0-9]{8})$' }), // 保険者番号
  symbol: Type.String({ maxLength: 40 }), // 記号
  number: Type.String({ minLength: 1, maxLength: 40 }), // 番号
  branch: Type.String({ pattern: '^[0-9]{2}$' }), // 枝番
});

export const NumberInquiry = Type.Object({
  insurerNumber: InsuranceNumberWire.properties.insurerNumber,
  symbol: InsuranceNumberWire.properties.symbol,
  number: InsuranceNumberWire.properties.number,
  branch: InsuranceNumberWire.properties.branch,
  birthDate: Date_,
  /** 資格確認日 (QualificationConfirmationDate): answer as of this day; absent = today. */
  qualificationConfirmationDate: Type.Optional(Date_),
  /** LimitApplicationCertificateRelatedConsFlg of a by-number request: '1' the patient agreed. */
  limitApplicationCertificateRelatedConsFlg: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
}, { additionalProperties: false });

const ConsentsWire = Type.Object({
  drugInfo: Type.Optional(Type.Boolean()),
  checkupInfo: Type.Optional(Type.Boolean()),
  medicalInfo: Type.Optional(Type.Boolean()),
  limitCertificate: Type.Optional(Type.Boolean()),
  specificDisease: Type.Optional(Type.Boolean()),
  operationInfo: Type.Optional(Type.Boolean()),
  // The 電子カルテ情報共有サービス items (vocabulary/consent.ts EHR_SHARING_ITEMS).
  diagnosisName: Type.Optional(Type.Boolean()),
  infectiousInfo: Type.Optional(Type.Boolean()),
  allergyInfo: Type.Optional(Type.Boolean()),
  contraindicationInfo: Type.Optional(Type.Boolean()),
  testInfo: Type.Optional(Type.Boolean()),
  prescriptionInfo: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const CardInquiry = Type.Object({
  certificate: Base64, // DER of the user-authentication certificate
  method: Type.Union([Type.Literal('face'), Type.Literal('pin'), Type.Literal('visual'), Type.Literal('smartphone')]),
  proof: Type.Optional(Type.Object({ challenge: Type.String({ minLength: 16, maxLength: 128 }), signature: Base64 }, { additionalProperties: false })),
  consents: ConsentsWire,
  /** The patient asked at the reader to register the card for insurance use (保険証利用登録). */
  registerInsuranceUse: Type.Optional(Type.Boolean()),
  qualificationConfirmationDate: Type.Optional(Date_),
}, { additionalProperties: false });

export const BatchInquiry = Type.Object({
  items: Type.Array(NumberInquiry, { minItems: 1, maxItems: BATCH_CHUNK_MAX }),
}, { additionalProperties: false });

/** 照会番号 as we carry it: 1–20 printable ASCII characters (the real limits are not public). */
export const ReferenceNumberText = Type.String({ minLength: 1, maxLength: 20, pattern: '^[!-~]+$' });

/** Registers (referenceNumber set) or removes (null) the clinic's number for the person with this
 * insurance number and birth date. */
export const ReferenceRegistration = Type.Object({
  insurerNumber: InsuranceNumberWire.properties.insurerNumber,
  symbol: InsuranceNumberWire.properties.symbol,
  number: InsuranceNumberWire.properties.number,
  branch: InsuranceNumberWire.properties.branch,
  birthDate: Date_,
  referenceNumber: Nullable(ReferenceNumberText),
}, { additionalProperties: false });

/** A check by 照会番号 alone (the person this clinic registered under it). */
export const ReferenceInquiry = Type.Object({
  referenceNumber: ReferenceNumberText,
  qualificationConfirmationDate: Type.Optional(Date_),
}, { additionalProperties: false });

/** Most patients one asynchronous 一括照会 may carry, and most results one fetch returns. */
export const BULK_MAX = 10000;
export const BULK_PAGE_MAX = 500;

export const BulkUpload = Type.Object({
  items: Type.Array(NumberInquiry, { minItems: 1, maxItems: BULK_MAX }),
}, { additionalProperties: false });

/** Fetch the results from `from` on; asking from n acknowledges (and so deletes) every result below n. */
export const BulkFetch = Type.Object({
  receptionNumber: Type.String({ pattern: '^[0-9A-F]{16}$' }),
  from: Type.Integer({ minimum: 0, maximum: BULK_MAX }),
}, { additionalProperties: false });

export const ChallengeResponse = Type.Object({
  challenge: Type.String({ minLength: 16, maxLength: 128 }),
  expiresAt: Type.String(),
});

/** The result model itself (answer.ts) is the wire result: no second shape to drift. */
export const ResultWire = EligibilityResultSchema;

/** Batch and bulk items carry the compact form (answer-compact.ts); the client expands it to the
 * model. An item's header is left out when the item is a normal answer (SegmentOfResult 1, no
 * error: the same for every item, ~120 bytes a patient); only an item in error carries one. */
export const CompactResultWire = Type.Unsafe<CompactResult>(COMPACT_RESULT_SCHEMA);

/** The message header of every answer (after the official header items). */
export const Header = Type.Object({
  processExecutionTime: Type.String(), // ProcessExecutionTime
  referenceClassification: Type.Union([Type.Literal('1'), Type.Literal('2')]), // ReferenceClassification: 1 card, 2 insurance number
  // SegmentOfResult: 1 正常終了, 2 処理中, 3 異常終了 (9 read as 異常終了 too: docs/eligibility.md)
  segmentOfResult: Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Literal('3'), Type.Literal('9')]),
  errorCode: Nullable(Type.String()), // ErrorCode (one of SERVICE_ERRORS)
  errorMessage: Nullable(Type.String()), // ErrorMessage
});

/** SegmentOfResult 3 (and 9, see Header) is an error answer. */
export function isErrorSegment(header: { segmentOfResult: string }): boolean {
  return header.segmentOfResult === '3' || header.segmentOfResult === '9';
}

export const InquiryResponse = Type.Object({ header: Header, result: Nullable(ResultWire) });

export const BatchResponse = Type.Object({
  header: Header,
  items: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), header: Type.Optional(Header), result: Nullable(CompactResultWire) })),
});

export const ReferenceRegistrationResponse = Type.Object({
  header: Header,
  referenceNumber: Nullable(ReferenceNumberText),
  previousReferenceNumber: Nullable(ReferenceNumberText),
});

export const BulkUploadResponse = Type.Object({
  header: Header,
  receptionNumber: Type.String({ pattern: '^[0-9A-F]{16}$' }),
  total: Type.Integer({ minimum: 1 }),
});

/** segmentOfResult 2 (処理中) while results are still being made, 1 when all are ready. */
export const BulkFetchResponse = Type.Object({
  header: Header,
  receptionNumber: Type.String(),
  total: Type.Integer({ minimum: 1 }),
  ready: Type.Integer({ minimum: 0 }),
  items: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), header: Type.Optional(Header), result: Nullable(CompactResultWire) }), { maxItems: BULK_PAGE_MAX }),
});

/** Error codes the service puts in header.errorCode. */
export const SERVICE_ERRORS = {
  BAD_REQUEST: 'The request body did not match the schema',
  CERT_UNTRUSTED: 'The card certificate does not chain to the JPKI CA',
  CERT_EXPIRED: 'The card certificate is outside its validity period',
  CERT_REVOKED: 'The card certificate is revoked',
  PROOF_REQUIRED: 'The PIN path needs a signature over a service challenge',
  PROOF_INVALID: 'The signature over the challenge does not verify',
  CHALLENGE_UNKNOWN: 'The challenge was not issued, has expired, or was used for another card',
  PERSON_UNKNOWN: 'No insured person with this insurance number and birth date',
  REFERENCE_IN_USE: 'This 照会番号 is registered for another person of this institution',
  REFERENCE_UNKNOWN: 'No person is registered under this 照会番号 for this institution',
  RECEPTION_UNKNOWN: 'No 一括照会 with this reception number for this institution',
  RECEPTION_EXPIRED: 'The results of this 一括照会 were not collected in time and are gone',
  RECEPTION_COLLECTED: 'Every result of this 一括照会 was collected already',
  ITEMS_COLLECTED: 'Results below this index were acknowledged (collected) already',
  INTERNAL: 'The service failed',
} as const;
export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

export type NumberInquiryBody = Static<typeof NumberInquiry>;
export type CardInquiryBody = Static<typeof CardInquiry>;
export type BatchInquiryBody = Static<typeof BatchInquiry>;
export type ChallengeBody = Static<typeof ChallengeResponse>;
export type HeaderBody = Static<typeof Header>;
export type InquiryResponseBody = Static<typeof InquiryResponse>;
export type BatchResponseBody = Static<typeof BatchResponse>;
export type ResultBody = Static<typeof ResultWire>;
export type BulkUploadBody = Static<typeof BulkUpload>;
export type BulkFetchBody = Static<typeof BulkFetch>;
export type BulkUploadResponseBody = Static<typeof BulkUploadResponse>;
export type BulkFetchResponseBody = Static<typeof BulkFetchResponse>;
export type ReferenceRegistrationBody = Static<typeof ReferenceRegistration>;
export type ReferenceInquiryBody = Static<typeof ReferenceInquiry>;
export type ReferenceRegistrationResponseBody = Static<typeof ReferenceRegistrationResponse>;

// The wire result is the model; this fails to compile if they ever drift apart.
const _sameShape: (r: ResultBody) => EligibilityResult = (r) => r;
void _sameShape;

// unicodeRegExp off: every pattern here is ASCII ([0-9], [A-Za-z]), and the 'u' flag made each
// date and code test slower (batch bench, docs/eligibility.md).
const ajv = new Ajv({ allErrors: false, strict: false, unicodeRegExp: false });
export const validators = {
  numberInquiry: ajv.compile<NumberInquiryBody>(NumberInquiry),
  cardInquiry: ajv.compile<CardInquiryBody>(CardInquiry),
  batchInquiry: ajv.compile<BatchInquiryBody>(BatchInquiry),
  challenge: ajv.compile<ChallengeBody>(ChallengeResponse),
  inquiryResponse: ajv.compile<InquiryResponseBody>(InquiryResponse),
  batchResponse: ajv.compile<BatchResponseBody>(BatchResponse),
  referenceRegistration: ajv.compile<ReferenceRegistrationBody>(ReferenceRegistration),
  referenceInquiry: ajv.compile<ReferenceInquiryBody>(ReferenceInquiry),
  referenceRegistrationResponse: ajv.compile<ReferenceRegistrationResponseBody>(ReferenceRegistrationResponse),
  bulkUpload: ajv.compile<BulkUploadBody>(BulkUpload),
  bulkFetch: ajv.compile<BulkFetchBody>(BulkFetch),
  bulkUploadResponse: ajv.compile<BulkUploadResponseBody>(BulkUploadResponse),
  bulkFetchResponse: ajv.compile<BulkFetchResponseBody>(BulkFetchResponse),
};
