// THE one mapping between our check-in / eligibility result and the official qualification-check
// XML (the layout receipt computers read from the terminal's folders). Element names, order and
// code values, each with its public source, are in docs/ehr-files.md; research notes:
// /work/research/eligibility-xml.md. Since issue 14 the answer model carries the official elements
// one to one; this file only renames and formats: everything else in daemon/ehr-files/ moves bytes.
import type { EligibilityResult, NumberCheckRequest, QualificationResult } from '../../drivers/line/eligibility.js';
import type { InfoConsentItem } from '../../drivers/line/answer.js';
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

/** Times in the answer are ISO; the file writes Japan time YYYYMMDDHHmmss. */
const time = (iso: string | null) => (iso ? jst(iso, 'second') : null);

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

/** 閲覧同意 of one kind: flag, consent time, viewing deadline (AvailableTime: magellan3, OQSDrug2's reader). */
function infoConsent(prefix: string, c: InfoConsentItem): (XmlNode | null)[] {
  return [el(`${prefix}ConsFlg`, c.consFlg), el(`${prefix}ConsTime`, time(c.consTime)), el(`${prefix}AvailableTime`, time(c.availableTime))];
}

/**
 * One ResultOfQualificationConfirmation, in the order YUKI-ENT/OQSDrug2 QualificationFaceExporter.cs
 * writes it. The v2 answer model (drivers/line/answer.ts) carries the official elements one to one,
 * so this only renames to UpperCamelCase, writes dates as yyyyMMdd and times in Japan time.
 */
export function resultOfQualificationConfirmation(r: QualificationResult, referenceNumber: string | null): XmlNode {
  const limit = r.limitApplicationCertificateRelatedInfo;
  const elderly = r.elderlyRecipientCertificateInfo;
  return {
    name: 'ResultOfQualificationConfirmation',
    children: [
      el('InsuredCardClassification', r.insuredCardClassification),
      el('InsurerNumber', r.insurerNumber),
      el('InsuredCardSymbol', r.insuredCardSymbol),
      el('InsuredIdentificationNumber', r.insuredIdentificationNumber),
      el('InsuredBranchNumber', r.insuredBranchNumber),
      el('PersonalFamilyClassification', r.personalFamilyClassification),
      el('InsuredName', r.insuredName),
      el('Name', r.name),
      el('NameOfOther', r.nameOfOther),
      el('NameKana', toHalfWidthKana(r.nameKana)),
      el('NameOfOtherKana', r.nameOfOtherKana === null ? null : toHalfWidthKana(r.nameOfOtherKana)),
      el('Sex1', r.sex1),
      el('Sex2', r.sex2),
      el('Birthdate', ymd(r.birthdate)),
      el('Address', r.address),
      el('PostNumber', r.postNumber),
      el('QualificationDate', ymd(r.qualificationDate)),
      el('DisqualificationDate', ymd(r.disqualificationDate)),
      el('InsuredCertificateIssuanceDate', ymd(r.insuredCertificateIssuanceDate)),
      el('InsuredCardValidDate', ymd(r.insuredCardValidDate)),
      el('InsuredCardExpirationDate', ymd(r.insuredCardExpirationDate)),
      el('InsuredPartialContributionRatio', r.insuredPartialContributionRatio),
      el('PreschoolClassification', r.preschoolClassification),
      el('ReasonOfLoss', r.reasonOfLoss),
      el('InsurerName', r.insurerName),
      elderly
        ? group('ElderlyRecipientCertificateInfo', [
            el('ElderlyRecipientCertificateDate', ymd(elderly.elderlyRecipientCertificateDate)),
            el('ElderlyRecipientValidStartDate', ymd(elderly.elderlyRecipientValidStartDate)),
            el('ElderlyRecipientValidEndDate', ymd(elderly.elderlyRecipientValidEndDate)),
            el('ElderlyRecipientContributionRatio', elderly.elderlyRecipientContributionRatio),
          ])
        : null,
      el('LimitApplicationCertificateRelatedConsFlg', r.limitApplicationCertificateRelatedConsFlg),
      el('LimitApplicationCertificateRelatedConsTime', time(r.limitApplicationCertificateRelatedConsTime)),
      limit
        ? group('LimitApplicationCertificateRelatedInfo', [
            el('LimitApplicationCertificateClassification', limit.limitApplicationCertificateClassification),
            el('LimitApplicationCertificateClassificationFlag', limit.limitApplicationCertificateClassificationFlag),
            el('LimitApplicationCertificateDate', ymd(limit.limitApplicationCertificateDate)),
            el('LimitApplicationCertificateValidStartDate', ymd(limit.limitApplicationCertificateValidStartDate)),
            el('LimitApplicationCertificateValidEndDate', ymd(limit.limitApplicationCertificateValidEndDate)),
            el('LimitApplicationCertificateLongTermDate', ymd(limit.limitApplicationCertificateLongTermDate)),
          ])
        : null,
      el('SpecificDiseasesCertificateRelatedConsFlg', r.specificDiseasesCertificateRelatedConsFlg),
      el('SpecificDiseasesCertificateRelatedConsTime', time(r.specificDiseasesCertificateRelatedConsTime)),
      r.specificDiseasesCertificateList.length > 0
        ? group('SpecificDiseasesCertificateList', r.specificDiseasesCertificateList.map((d) => group('SpecificDiseasesCertificateInfo', [
            el('SpecificDiseasesDiseaseCategory', d.specificDiseasesDiseaseCategory),
            el('SpecificDiseasesCertificateDate', ymd(d.specificDiseasesCertificateDate)),
            el('SpecificDiseasesValidStartDate', ymd(d.specificDiseasesValidStartDate)),
            el('SpecificDiseasesValidEndDate', ymd(d.specificDiseasesValidEndDate)),
            el('SpecificDiseasesSelfPay', d.specificDiseasesSelfPay),
          ])))
        : null,
      r.publicExpenseResultList.length > 0
        ? group('PublicExpenseResultList', r.publicExpenseResultList.map((m) => group('MedicalTicketInfo', [
            el('TicketType', m.ticketType),
            el('MedicalTicketValidDate', ymd(m.medicalTicketValidDate)),
            el('MedicalTicketExpirationDate', ymd(m.medicalTicketExpirationDate)),
            el('IssueNumber', m.issueNumber),
            el('MedicalTreatmentMonth', m.medicalTreatmentMonth.replace('-', '')),
            el('DesignatedMedicalInstitutionCode', m.designatedMedicalInstitutionCode),
            el('DesignatedMedicalInstitutionName', m.designatedMedicalInstitutionName),
            el('SelfPayAmount', m.selfPayAmount),
            ...m.remarks.map((text, i) => el(`Remarks${i + 1}`, text)),
          ])))
        : null,
      ...infoConsent('SpecificHealthCheckupsInfo', r.specificHealthCheckupsInfo),
      ...infoConsent('PharmacistsInfo', r.pharmacistsInfo),
      ...infoConsent('DiagnosisInfo', r.diagnosisInfo),
      ...infoConsent('OperationInfo', r.operationInfo),
      // 電子カルテ情報共有サービス (2025): names from ORCA's 患者基本情報 API block 6-52; their
      // national spelling and place are not confirmed (docs/eligibility.md). After the four above.
      ...infoConsent('DiagnosisName', r.diagnosisName),
      ...infoConsent('InfectiousInfo', r.infectiousInfo),
      ...infoConsent('AllergyInfo', r.allergyInfo),
      ...infoConsent('ContraindicationInfo', r.contraindicationInfo),
      ...infoConsent('TestInfo', r.testInfo),
      ...infoConsent('PrescriptionInfo', r.prescriptionInfo),
      el('ReferenceNumber', referenceNumber),
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
        processedAt: eligibility.processExecutionTime,
        confirmationDate: eligibility.qualificationConfirmationDate,
        medicalInstitutionCode,
        arbitraryFileIdentifier: event.eventId,
        referenceClassification: referenceClassification(event.method),
        segmentOfResult: '1',
      }),
      resultBody(eligibility, event.patientId ?? null),
    ],
  };
}

function resultBody(eligibility: EligibilityResult, referenceNumber: string | null, echo: XmlNode | null = null): XmlNode {
  const notice = eligibility.notices[0];
  return {
    name: 'MessageBody',
    children: [
      echo,
      el('PrescriptionIssueSelect', eligibility.prescriptionIssueSelect),
      el('ProcessingResultStatus', eligibility.processingResultStatus),
      el('ProcessingResultCode', notice?.processingResultCode),
      el('ProcessingResultMessage', notice?.processingResultMessage),
      el('QualificationValidity', eligibility.qualificationValidity),
      eligibility.results.length > 0
        ? { name: 'ResultList', children: eligibility.results.map((r) => resultOfQualificationConfirmation(r, referenceNumber)) }
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
          return { ok: true as const, check: numberCheck(info, header), referenceNumber };
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
  const limitConsent = textOf(info, 'LimitApplicationCertificateRelatedConsFlg') === '1';
  return { kind: 'number', header, check: { ...numberCheck(info, header), limitConsent }, limitConsent };
}

/** The header's QualificationConfirmationDate (資格確認日) goes to the line with every check. */
function numberCheck(info: XmlValue | undefined, header: RequestHeader): NumberCheckRequest {
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
  const day = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  return {
    insurerNumber, symbol, number, branch, birthDate: day(birth),
    ...(header.confirmationDate ? { qualificationConfirmationDate: day(header.confirmationDate) } : {}),
  };
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
  return { name: 'XmlMsg', children: [headerFor(request, ctx, '2'), resultBody(result, null, searchEcho(request.check, request.limitConsent))] };
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
    return {
      name: 'BulkConfirmUnit',
      children: [
        el('ReferenceNumber', o.referenceNumber),
        el('ProcessingResultStatus', o.result.processingResultStatus),
        el('QualificationValidity', o.result.qualificationValidity),
        ...o.result.results.map((r) => resultOfQualificationConfirmation(r, o.referenceNumber)),
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
