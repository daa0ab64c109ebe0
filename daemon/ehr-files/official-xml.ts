// THE one mapping between our check-in / eligibility result and the official qualification-check
// XML (the layout receipt computers read from the terminal's folders). Element names, order and
// code values, each with its public source, are in docs/ehr-files.md; research notes:
// /work/research/eligibility-xml.md. When the result model changes (issue 14's v2 model), this
// file is the one to adapt: everything else in daemon/ehr-files/ only moves bytes.
import type { Consents } from '../../vocabulary/consent.js';
import type { EligibilityResult, InsuredPerson, NumberCheckRequest } from '../../drivers/line/eligibility.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import { toHalfWidthKana } from './sjis.js';
import { el, group, listOf, textOf, type XmlNode, type XmlValue } from './xml-text.js';

// ---- file names -------------------------------------------------------------------------------

export const FACE_PREFIX = 'OQSsiquc01res_face_';
/** Request prefixes we answer: single by-number / by-card-result (OQSsiquc01), batch (OQSmuquc01). */
export const SINGLE_REQUEST = 'OQSsiquc01req_';
export const BATCH_REQUEST = 'OQSmuquc01req_';

/**
 * OQSsiquc01res_face_<医療機関コード><処理コード 0><17-digit counter>_<yyyyMMddHHmmss>.xml, as
 * YUKI-ENT/OQSDrug2 QualificationFaceExporter.cs builds it; 処理コード 0 = an ordinary visit.
 */
export function faceResultFileName(medicalInstitutionCode: string, counter: number, time: string): string {
  return `${FACE_PREFIX}${medicalInstitutionCode}0${String(counter).padStart(17, '0').slice(-17)}_${jst(time, 'second')}.xml`;
}

/** The result file's name for a request file: `…01req_…` → `…01res_…` (BulkQualificationService.cs). */
export function responseNameFor(requestName: string): string {
  const m = /^(OQS[A-Za-z]{5}\d{2})req_(.+)$/.exec(requestName);
  if (m) return `${m[1]}res_${m[2]}`;
  return `OQSsiquc01res_${requestName.replace(/\.[^.]*$/, '')}.xml`;
}

// ---- times (the terminal writes Japan time; JST has no daylight saving) -----------------------

export function jst(iso: string, to: 'day' | 'second'): string {
  const ms = Date.parse(iso);
  const d = new Date((Number.isNaN(ms) ? Date.now() : ms) + 9 * 3600 * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const day = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  return to === 'day' ? day : `${day}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

const ymd = (date: string | null | undefined) => (date ? date.replaceAll('-', '') : null);

// ---- codes ------------------------------------------------------------------------------------

/** ReferenceClassification (OQSCD002): 1 マイナンバーカード, 2 被保険者証情報. */
export const referenceClassification = (method: CheckinEvent['method']) => (method === 'number' ? '2' : '1');

/** QualificationValidity (OQSCD006) from the v1 status: 1 有効, 2 無効, 4 該当資格なし. */
export function qualificationValidity(status: EligibilityResult['status']): string {
  return status === 'valid' ? '1' : status === 'invalid' ? '2' : '4';
}

/** InsuredCardClassification (OQSCD010) from the v1 card-class name; a code passes as it is. */
export function insuredCardClassification(cardClass: string): string {
  if (/^[0-9A-Z]{2}$/.test(cardClass)) return cardClass;
  if (cardClass.includes('自衛官')) return '07';
  if (cardClass.includes('特例退職')) return '06';
  if (cardClass.includes('資格証明書') || cardClass.includes('資格確認書')) return '05';
  if (cardClass.includes('短期')) return cardClass.includes('退職') ? '04' : '03';
  if (cardClass.includes('退職')) return '02';
  return '01';
}

const SEX: Record<InsuredPerson['sex'], string> = { male: '1', female: '2', other: '3' };

/** LimitApplicationCertificateClassificationFlag (OQSCD012) from the 適用区分 name; a code passes. */
const LIMIT_FLAGS: Readonly<Record<string, string>> = {
  'ア': 'A01', 'イ': 'A02', 'ウ': 'A03', 'エ': 'A04', 'オ': 'A05', 'オ（境）': 'A06',
  '現役並みⅢ': 'B01', '現役並みⅡ': 'B02', '現役並みⅠ': 'B03', '一般': 'B04', '低所得Ⅱ': 'B05', '低所得Ⅰ': 'B06',
  '低所得Ⅰ（老福）': 'B07', '低所得Ⅰ（境）': 'B08', '一般Ⅱ': 'B09', '一般Ⅰ': 'B10',
};
export const limitFlag = (category: string) => (/^[AB]\d{2}$/.test(category) ? category : (LIMIT_FLAGS[category] ?? null));

/** ReasonOfLoss: 01 死亡, 02 生活保護受給開始, 03 医療保険等の資格取得, 99 その他. */
export function reasonOfLoss(reason: string | null): string {
  if (!reason) return '99';
  if (reason.includes('死亡')) return '01';
  if (reason.includes('生活保護')) return '02';
  if (reason.includes('資格取得')) return '03';
  return '99';
}

/** Consent flags (OQSCD016): 1 同意あり, 0 同意なし; an item not asked is left out. */
const consentFlag = (given: boolean | undefined) => (given === undefined ? null : given ? '1' : '0');
const ratio = (percent: number | null) => (percent === null ? null : String(Math.round(percent)).padStart(3, '0'));

// ---- documents --------------------------------------------------------------------------------

export interface HeaderFields {
  readonly processedAt: string; // ISO
  readonly confirmationDate: string; // ISO or YYYY-MM-DD
  readonly medicalInstitutionCode: string;
  readonly arbitraryFileIdentifier: string | null;
  readonly referenceClassification: string;
  /** 1 正常終了, 3 異常終了 (mbot-dev/magellan3 eWatcher.js). */
  readonly segmentOfResult: '1' | '3';
  readonly error?: { readonly code: string; readonly message: string };
}

export function messageHeader(h: HeaderFields): XmlNode {
  return {
    name: 'MessageHeader',
    children: [
      el('ProcessExecutionTime', jst(h.processedAt, 'second')),
      el('QualificationConfirmationDate', /^\d{4}-\d{2}-\d{2}$/.test(h.confirmationDate) ? ymd(h.confirmationDate) : jst(h.confirmationDate, 'day')),
      el('MedicalInstitutionCode', h.medicalInstitutionCode),
      el('ArbitraryFileIdentifier', h.arbitraryFileIdentifier),
      el('ReferenceClassification', h.referenceClassification),
      el('SegmentOfResult', h.segmentOfResult),
      el('ErrorCode', h.error?.code),
      el('ErrorMessage', h.error?.message),
      el('CharacterCodeIdentifier', '1'), // 1 Shift_JIS (OQSCD005)
    ],
  };
}

export interface PersonContext {
  readonly status: EligibilityResult['status'];
  readonly reason: string | null;
  readonly consents: Consents;
  /** When the consents were given (the check-in time). */
  readonly consentTime: string | null;
  /** 照会番号: the clinic's own patient number, when the EHR linked one. */
  readonly referenceNumber: string | null;
}

/** One ResultOfQualificationConfirmation, in the order QualificationFaceExporter.cs writes it. */
export function resultOfQualificationConfirmation(person: InsuredPerson, c: PersonContext): XmlNode {
  const lost = c.status === 'invalid';
  const consentTime = c.consentTime ? jst(c.consentTime, 'second') : null;
  const consented = (given: boolean | undefined) => (given === true ? consentTime : null);
  const limit = person.limitCertificate;
  const disease = person.specificDisease;
  return {
    name: 'ResultOfQualificationConfirmation',
    children: [
      el('InsuredCardClassification', insuredCardClassification(person.cardClass)),
      el('InsurerNumber', person.insurance.insurerNumber),
      el('InsuredCardSymbol', person.insurance.symbol),
      el('InsuredIdentificationNumber', person.insurance.number),
      el('InsuredBranchNumber', person.insurance.branch),
      el('PersonalFamilyClassification', person.personFamily === 'self' ? '1' : '2'),
      el('Name', person.name),
      el('NameKana', toHalfWidthKana(person.nameKana)),
      el('Sex1', SEX[person.sex]),
      el('Birthdate', ymd(person.birthDate)),
      el('Address', person.address),
      el('PostNumber', person.postcode),
      el('QualificationDate', ymd(person.validFrom)),
      el('DisqualificationDate', lost ? ymd(person.validUntil) : null),
      el('InsuredCardValidDate', ymd(person.validFrom)),
      el('InsuredCardExpirationDate', ymd(person.validUntil)),
      el('InsuredPartialContributionRatio', ratio(person.copayRatio)),
      el('ReasonOfLoss', lost ? reasonOfLoss(c.reason) : null),
      group('ElderlyRecipientCertificateInfo', [el('ElderlyRecipientContributionRatio', ratio(person.elderlyCopayRatio))]),
      el('LimitApplicationCertificateRelatedConsFlg', consentFlag(c.consents.limitCertificate)),
      el('LimitApplicationCertificateRelatedConsTime', consented(c.consents.limitCertificate)),
      limit
        ? group('LimitApplicationCertificateRelatedInfo', [
            el('LimitApplicationCertificateClassificationFlag', limitFlag(limit.category)),
            el('LimitApplicationCertificateLongTermDate', ymd(limit.longTermCareDate)),
          ])
        : null,
      el('SpecificDiseasesCertificateRelatedConsFlg', consentFlag(c.consents.specificDisease)),
      el('SpecificDiseasesCertificateRelatedConsTime', consented(c.consents.specificDisease)),
      disease
        ? group('SpecificDiseasesCertificateList', [
            group('SpecificDiseasesCertificateInfo', [el('SpecificDiseasesSelfPay', String(disease.copayLimitYen))]),
          ])
        : null,
      el('SpecificHealthCheckupsInfoConsFlg', consentFlag(c.consents.checkupInfo)),
      el('SpecificHealthCheckupsInfoConsTime', consented(c.consents.checkupInfo)),
      el('PharmacistsInfoConsFlg', consentFlag(c.consents.drugInfo)),
      el('PharmacistsInfoConsTime', consented(c.consents.drugInfo)),
      el('DiagnosisInfoConsFlg', consentFlag(c.consents.medicalInfo)),
      el('DiagnosisInfoConsTime', consented(c.consents.medicalInfo)),
      el('OperationInfoConsFlg', consentFlag(c.consents.medicalInfo)),
      el('OperationInfoConsTime', consented(c.consents.medicalInfo)),
      el('ReferenceNumber', c.referenceNumber),
    ],
  };
}

/** Does this check-in get a face-result file? Only when the service answered (docs/ehr-files.md). */
export const hasFaceResult = (event: CheckinEvent) => event.eligibility !== null;

/** The face-result document of a check-in the service answered. */
export function faceResultDocument(event: CheckinEvent, medicalInstitutionCode: string): XmlNode {
  const eligibility = event.eligibility;
  if (!eligibility) throw new Error('a face result needs the service\'s answer');
  return {
    name: 'XmlMsg',
    children: [
      messageHeader({
        processedAt: eligibility.checkedAt,
        confirmationDate: event.time,
        medicalInstitutionCode,
        arbitraryFileIdentifier: event.eventId,
        referenceClassification: referenceClassification(event.method),
        segmentOfResult: '1',
      }),
      resultBody(eligibility, { consents: event.consents, consentTime: event.time, referenceNumber: event.patientId ?? null }),
    ],
  };
}

function resultBody(eligibility: EligibilityResult, c: Omit<PersonContext, 'status' | 'reason'>, echo: XmlNode | null = null): XmlNode {
  const person = eligibility.person;
  return {
    name: 'MessageBody',
    children: [
      echo,
      el('ProcessingResultStatus', '1'),
      el('QualificationValidity', qualificationValidity(eligibility.status)),
      person
        ? { name: 'ResultList', children: [resultOfQualificationConfirmation(person, { ...c, status: eligibility.status, reason: eligibility.reason })] }
        : null,
    ],
  };
}

// ---- requests ---------------------------------------------------------------------------------

export type OfficialRequest =
  | { readonly kind: 'number'; readonly header: RequestHeader; readonly check: NumberCheckRequest; readonly limitConsent: boolean }
  | { readonly kind: 'card-result'; readonly header: RequestHeader; readonly eventId: string }
  | { readonly kind: 'batch'; readonly header: RequestHeader; readonly checks: readonly BatchEntry[] };

export interface RequestHeader {
  readonly medicalInstitutionCode: string | null;
  readonly arbitraryFileIdentifier: string | null;
  /** yyyyMMdd as sent, or null (then: today). */
  readonly confirmationDate: string | null;
}

export type BatchEntry = { readonly ok: true; readonly check: NumberCheckRequest; readonly referenceNumber: string | null } | { readonly ok: false; readonly problem: string; readonly referenceNumber: string | null };

/** A request file that cannot be served, and why (one sentence, no patient data). */
export class RequestProblem extends Error {}

export function parseOfficialRequest(fileName: string, root: string, value: XmlValue): OfficialRequest {
  if (root !== 'XmlMsg') throw new RequestProblem(`the root element must be XmlMsg (found ${root})`);
  const header: RequestHeader = {
    medicalInstitutionCode: textOf(value, 'MessageHeader', 'MedicalInstitutionCode'),
    arbitraryFileIdentifier: textOf(value, 'MessageHeader', 'ArbitraryFileIdentifier'),
    confirmationDate: textOf(value, 'MessageHeader', 'QualificationConfirmationDate'),
  };
  if (header.confirmationDate !== null && !validYmd(header.confirmationDate)) throw new RequestProblem('MessageHeader/QualificationConfirmationDate must be a date yyyyMMdd');
  const body = listOf(value, 'MessageBody')[0];
  if (body === undefined || typeof body === 'string' && body === '') throw new RequestProblem('MessageBody is missing');
  if (fileName.startsWith(BATCH_REQUEST)) {
    const infos = listOf(body, 'QualificationConfirmSearchInfo');
    if (infos.length === 0) throw new RequestProblem('a batch needs at least one MessageBody/QualificationConfirmSearchInfo');
    return {
      kind: 'batch',
      header,
      checks: infos.map((info) => {
        const referenceNumber = textOf(info, 'ReferenceNumber');
        try {
          return { ok: true as const, check: numberCheck(info), referenceNumber };
        } catch (error) {
          if (!(error instanceof RequestProblem)) throw error;
          return { ok: false as const, problem: error.message, referenceNumber };
        }
      }),
    };
  }
  if (!fileName.startsWith(SINGLE_REQUEST)) throw new RequestProblem(`unknown request file name (expected ${SINGLE_REQUEST}… or ${BATCH_REQUEST}…)`);
  // By card-reader result: the face-result file's ArbitraryFileIdentifier (the check-in's event id).
  const faceResultId = textOf(body, 'FaceResultIdentifier');
  if (faceResultId !== null) {
    if (!/^[0-9a-f-]{36}$/i.test(faceResultId)) throw new RequestProblem('MessageBody/FaceResultIdentifier must be the ArbitraryFileIdentifier of a face-result file');
    return { kind: 'card-result', header, eventId: faceResultId.toLowerCase() };
  }
  const infos = listOf(body, 'QualificationConfirmSearchInfo');
  if (infos.length !== 1) throw new RequestProblem('a single request needs exactly one MessageBody/QualificationConfirmSearchInfo (or FaceResultIdentifier)');
  const info = infos[0];
  return { kind: 'number', header, check: numberCheck(info), limitConsent: textOf(info, 'LimitApplicationCertificateRelatedConsFlg') === '1' };
}

function numberCheck(info: XmlValue | undefined): NumberCheckRequest {
  const field = (name: string) => textOf(info, name);
  const insurerNumber = field('InsurerNumber') ?? '';
  const number = field('InsuredIdentificationNumber') ?? '';
  const branch = field('InsuredBranchNumber') ?? '';
  const birth = field('Birthdate') ?? '';
  if (!/^(\d{6}|\d{8})$/.test(insurerNumber)) throw new RequestProblem('InsurerNumber must be 6 or 8 digits');
  if (number === '' || number.length > 20) throw new RequestProblem('InsuredIdentificationNumber is required (at most 20 characters)');
  if (!/^\d{2}$/.test(branch)) throw new RequestProblem('InsuredBranchNumber must be 2 digits');
  if (!validYmd(birth)) throw new RequestProblem('Birthdate must be a date yyyyMMdd');
  const symbol = field('InsuredCardSymbol') ?? '';
  if (symbol.length > 20) throw new RequestProblem('InsuredCardSymbol is at most 20 characters');
  return { insurerNumber, symbol, number, branch, birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}` };
}

function validYmd(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const d = new Date(Date.UTC(Number(value.slice(0, 4)), Number(value.slice(4, 6)) - 1, Number(value.slice(6, 8))));
  return d.getUTCFullYear() === Number(value.slice(0, 4)) && d.getUTCMonth() + 1 === Number(value.slice(4, 6)) && d.getUTCDate() === Number(value.slice(6, 8));
}

/** The by-number request as the result echoes it (QualificationConfirmSearchInfo, MW). */
function searchEcho(check: NumberCheckRequest, limitConsent: boolean): XmlNode {
  return {
    name: 'QualificationConfirmSearchInfo',
    children: [
      el('InsurerNumber', check.insurerNumber),
      el('InsuredCardSymbol', check.symbol),
      el('InsuredIdentificationNumber', check.number),
      el('InsuredBranchNumber', check.branch),
      el('Birthdate', ymd(check.birthDate)),
      el('LimitApplicationCertificateRelatedConsFlg', limitConsent ? '1' : '0'),
    ],
  };
}

export interface AnswerContext {
  readonly medicalInstitutionCode: string;
  readonly now: string; // ISO
}

const headerFor = (request: Pick<OfficialRequest, 'header'> | null, ctx: AnswerContext, referenceClass: string, error?: { code: string; message: string }): XmlNode =>
  messageHeader({
    processedAt: ctx.now,
    confirmationDate: request?.header.confirmationDate ? `${request.header.confirmationDate.slice(0, 4)}-${request.header.confirmationDate.slice(4, 6)}-${request.header.confirmationDate.slice(6, 8)}` : ctx.now,
    medicalInstitutionCode: ctx.medicalInstitutionCode,
    arbitraryFileIdentifier: request?.header.arbitraryFileIdentifier ?? null,
    referenceClassification: referenceClass,
    segmentOfResult: error ? '3' : '1',
    ...(error ? { error } : {}),
  });

/** The answer to a by-number request the service answered. */
export function numberAnswerDocument(request: Extract<OfficialRequest, { kind: 'number' }>, result: EligibilityResult, ctx: AnswerContext): XmlNode {
  const consents: Consents = { limitCertificate: request.limitConsent };
  return { name: 'XmlMsg', children: [headerFor(request, ctx, '2'), resultBody(result, { consents, consentTime: ctx.now, referenceNumber: null }, searchEcho(request.check, request.limitConsent))] };
}

/** The answer to a by-card-result request: the stored check-in's face result, again. */
export function cardResultAnswerDocument(request: Extract<OfficialRequest, { kind: 'card-result' }>, event: CheckinEvent, ctx: AnswerContext): XmlNode {
  const face = faceResultDocument(event, ctx.medicalInstitutionCode);
  const body = face.children?.[1] ?? null;
  return { name: 'XmlMsg', children: [headerFor(request, ctx, '1'), body] };
}

export type BatchOutcome =
  | { readonly ok: true; readonly check: NumberCheckRequest; readonly result: EligibilityResult; readonly referenceNumber: string | null }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly referenceNumber: string | null };

/** The answer to a batch: one BulkConfirmUnit per patient, in request order (YUKI-ENT/OQSDrug2 QualificationImportModels.cs). */
export function batchAnswerDocument(request: Extract<OfficialRequest, { kind: 'batch' }>, outcomes: readonly BatchOutcome[], ctx: AnswerContext): XmlNode {
  const units = outcomes.map((o): XmlNode => {
    if (!o.ok) {
      return {
        name: 'BulkConfirmUnit',
        children: [el('ReferenceNumber', o.referenceNumber), el('ProcessingResultStatus', '2'), el('ProcessingResultCode', o.code), el('ProcessingResultMessage', o.message)],
      };
    }
    const person = o.result.person;
    return {
      name: 'BulkConfirmUnit',
      children: [
        el('ReferenceNumber', o.referenceNumber),
        el('ProcessingResultStatus', '1'),
        el('QualificationValidity', qualificationValidity(o.result.status)),
        person
          ? resultOfQualificationConfirmation(person, { status: o.result.status, reason: o.result.reason, consents: {}, consentTime: null, referenceNumber: o.referenceNumber })
          : null,
      ],
    };
  });
  return { name: 'XmlMsg', children: [headerFor(request, ctx, '2'), { name: 'MessageBody', children: [el('ProcessingResultStatus', '1'), ...units] }] };
}

/** A request that could not be served at all: SegmentOfResult 3 with our named error code. */
export function errorAnswerDocument(request: OfficialRequest | null, code: string, message: string, ctx: AnswerContext): XmlNode {
  return {
    name: 'XmlMsg',
    children: [
      headerFor(request, ctx, request?.kind === 'card-result' ? '1' : '2', { code, message }),
      { name: 'MessageBody', children: [el('ProcessingResultStatus', '2'), el('ProcessingResultCode', code), el('ProcessingResultMessage', message)] },
    ],
  };
}
