// Builds the answer the way the national system answers (drivers/line/answer.ts): the validity
// code as of the 資格確認日 (a dated check sees the person as they were that day), one result per
// qualification found (several: 複数該当), 限度額 with the patient's consent (the reader's on a card
// check, the request's own flag on a by-number check), 特定疾病 and the viewing consents on card
// checks only, 医療扶助 with the month's 医療券.
import type { Consents } from '../../../../vocabulary/consent.js';
import type { EligibilityResult, InfoConsentItem, QualificationResult } from '../../answer.js';
import {
  INFO_CONSENT, INSURED_CARD_CLASSIFICATION, LIMIT_CLASSIFICATION, LIMIT_FLAG, PERSONAL_FAMILY, PRESCHOOL,
  PRESCRIPTION_ISSUE_SELECT, PROCESSING_RESULT_STATUS, QUALIFICATION_VALIDITY, REASON_OF_LOSS, REFERENCE_CLASSIFICATION,
  SEX, SPECIFIC_DISEASE_CATEGORY, TICKET_TYPE,
} from '../../codes.js';
import { halfWidthKana } from './kana.js';
import type { RegisterEntry, RegisterPerson } from './register-entry.js';

export interface AskContext {
  readonly via: 'card' | 'number';
  readonly now: Date;
  /** YYYY-MM-DD: the day asked about (today when the request gave none). */
  readonly date: string;
  /** Card checks: what the patient agreed to on the reader. */
  readonly consents: Consents;
  /** By-number checks: LimitApplicationCertificateRelatedConsFlg of the request. */
  readonly limitConsent: boolean;
  /** Notices for the desk (ProcessingResultCode / Message), e.g. the card certificate ends soon. */
  readonly notices?: EligibilityResult['notices'];
  /** 照会番号 this institution registered for the person (ReferenceNumber; null: none). */
  readonly referenceNumber?: string | null;
}

/** Our notice codes (the official 別紙6-1 codes are not public). */
export const NOTICES = {
  certExpiresSoon: { processingResultCode: 'N0001', processingResultMessage: 'マイナンバーカードの利用者証明用電子証明書の有効期限が3か月以内です' },
} as const;

/** Consent to view lasts this long after it is given (OUR assumption; docs/eligibility.md). */
const VIEWING_HOURS = 24;

const ratio = (percent: number): string => String(percent).padStart(3, '0');
const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
const SEX_CODE = { male: '1', female: '2', other: '3' } as const;

/** One ISO string per request time: a batch answers hundreds of people at the same instant and
 * formatting it again for each field was a visible cost in the batch bench. */
const isoCache = new WeakMap<Date, string>();
export function isoOf(now: Date): string {
  let iso = isoCache.get(now);
  if (iso === undefined) { iso = now.toISOString(); isoCache.set(now, iso); }
  return iso;
}

/** Today in Japan (the service's day), YYYY-MM-DD. */
export function japanDate(now: Date): string {
  return new Date(now.getTime() + 9 * 3600000).toISOString().slice(0, 10);
}

function infoConsent(given: boolean, now: Date): InfoConsentItem {
  const flag = given ? '1' : '0';
  return {
    consFlg: flag,
    consFlgLabel: INFO_CONSENT[flag],
    consTime: given ? isoOf(now) : null,
    availableTime: given ? new Date(now.getTime() + VIEWING_HOURS * 3600000).toISOString() : null,
  };
}

/** 未就学 (義務教育就学前): before the April the child starts school (turned 6 by 1 April). Only
 * preschool children are flagged; for others the item is left out (null). */
function preschool(birthDate: string, on: string): '1' | null {
  const start = Number(birthDate.slice(0, 4)) + 6 + (birthDate.slice(5) > '04-01' ? 1 : 0);
  return on < `${start}-04-01` ? '1' : null;
}

/** Half-width kana per person, converted once (the register does not change while it runs). */
const kanaCache = new WeakMap<RegisterPerson, string>();
function kanaOf(p: RegisterPerson): string {
  let kana = kanaCache.get(p);
  if (kana === undefined) { kana = halfWidthKana(p.nameKana); kanaCache.set(p, kana); }
  return kana;
}

function resultFor(entry: RegisterEntry, ask: AskContext, lostOn: string | null): QualificationResult {
  const p: RegisterPerson = entry.person;
  const card = ask.via === 'card';
  const aid = p.cardClass === 'A1';
  const limitAgreed = card ? ask.consents.limitCertificate === true : ask.limitConsent;
  const diseaseAgreed = card && ask.consents.specificDisease === true;
  const family = p.personFamily === null ? null : p.personFamily === 'family' ? '2' : '1';
  const school = preschool(p.birthDate, ask.date);
  const month = ask.date.slice(0, 7);
  const limit = limitAgreed && p.limitCertificate ? p.limitCertificate : null;
  const sex = SEX_CODE[p.sex];
  return {
    insuredCardClassification: p.cardClass,
    insuredCardClassificationLabel: INSURED_CARD_CLASSIFICATION[p.cardClass],
    insurerNumber: p.insurance.insurerNumber,
    insuredCardSymbol: p.insurance.symbol,
    insuredIdentificationNumber: p.insurance.number,
    insuredBranchNumber: p.insurance.branch,
    personalFamilyClassification: family,
    personalFamilyClassificationLabel: family === null ? null : PERSONAL_FAMILY[family],
    insuredName: p.headOfHousehold,
    name: p.name,
    nameOfOther: p.nameOfOther,
    nameKana: kanaOf(p),
    nameOfOtherKana: null,
    sex1: sex,
    sex1Label: SEX[sex],
    sex2: null,
    sex2Label: null,
    birthdate: p.birthDate,
    address: p.address,
    postNumber: p.postcode,
    qualificationDate: p.validFrom,
    disqualificationDate: lostOn,
    reasonOfLoss: lostOn ? entry.reasonOfLoss : null,
    reasonOfLossLabel: lostOn && entry.reasonOfLoss ? REASON_OF_LOSS[entry.reasonOfLoss] : null,
    insuredCertificateIssuanceDate: aid ? null : p.validFrom,
    insuredCardValidDate: aid ? null : p.validFrom,
    insuredCardExpirationDate: entry.qualification === 'expired' ? p.validUntil : null,
    insuredPartialContributionRatio: aid ? null : ratio(p.copayRatio),
    preschoolClassification: school,
    preschoolClassificationLabel: school === null ? null : PRESCHOOL[school],
    insurerName: p.welfare?.welfareOffice ?? p.insurerName,
    elderlyRecipientCertificateInfo: p.elderlyCopayRatio === null ? null : {
      elderlyRecipientCertificateDate: null,
      // From the first of the month after the 70th birthday (the day itself when it is the 1st).
      elderlyRecipientValidStartDate: elderlyStart(p.birthDate),
      elderlyRecipientValidEndDate: null,
      elderlyRecipientContributionRatio: ratio(p.elderlyCopayRatio),
    },
    limitApplicationCertificateRelatedConsFlg: aid ? null : limitAgreed ? '1' : '0',
    limitApplicationCertificateRelatedConsTime: !aid && limitAgreed ? isoOf(ask.now) : null,
    limitApplicationCertificateRelatedInfo: limit && {
      limitApplicationCertificateClassification: limit.classification,
      limitApplicationCertificateClassificationLabel: LIMIT_CLASSIFICATION[limit.classification],
      limitApplicationCertificateClassificationFlag: limit.flag,
      limitApplicationCertificateClassificationFlagLabel: LIMIT_FLAG[limit.flag],
      limitApplicationCertificateDate: p.validFrom,
      limitApplicationCertificateValidStartDate: p.validFrom,
      limitApplicationCertificateValidEndDate: null,
      limitApplicationCertificateLongTermDate: limit.longTermCareDate,
    },
    specificDiseasesCertificateRelatedConsFlg: card ? (diseaseAgreed ? '1' : '0') : null,
    specificDiseasesCertificateRelatedConsTime: diseaseAgreed ? isoOf(ask.now) : null,
    specificDiseasesCertificateList: diseaseAgreed ? p.specificDiseases.map((d) => ({
      specificDiseasesDiseaseCategory: d.category,
      specificDiseasesDiseaseCategoryLabel: SPECIFIC_DISEASE_CATEGORY[d.category],
      specificDiseasesCertificateDate: d.validFrom,
      specificDiseasesValidStartDate: d.validFrom,
      specificDiseasesValidEndDate: null,
      specificDiseasesSelfPay: String(d.selfPayYen),
    })) : [],
    specificHealthCheckupsInfo: infoConsent(card && ask.consents.checkupInfo === true, ask.now),
    pharmacistsInfo: infoConsent(card && ask.consents.drugInfo === true, ask.now),
    diagnosisInfo: infoConsent(card && ask.consents.medicalInfo === true, ask.now),
    operationInfo: infoConsent(card && ask.consents.operationInfo === true, ask.now),
    diagnosisName: infoConsent(card && ask.consents.diagnosisName === true, ask.now),
    infectiousInfo: infoConsent(card && ask.consents.infectiousInfo === true, ask.now),
    allergyInfo: infoConsent(card && ask.consents.allergyInfo === true, ask.now),
    contraindicationInfo: infoConsent(card && ask.consents.contraindicationInfo === true, ask.now),
    testInfo: infoConsent(card && ask.consents.testInfo === true, ask.now),
    prescriptionInfo: infoConsent(card && ask.consents.prescriptionInfo === true, ask.now),
    publicExpenseResultList: aid && p.welfare?.ticketsFrom && month >= p.welfare.ticketsFrom ? (['1', '2'] as const).map((type) => ({
      ticketType: type,
      ticketTypeLabel: TICKET_TYPE[type],
      medicalTicketValidDate: `${month}-01`,
      medicalTicketExpirationDate: monthEnd(month),
      issueNumber: `${month.replace('-', '')}${type}${p.insurance.number.slice(-4)}`,
      medicalTreatmentMonth: month,
      designatedMedicalInstitutionCode: null,
      designatedMedicalInstitutionName: null,
      selfPayAmount: '0',
      remarks: [],
    })) : [],
  };
}

function elderlyStart(birthDate: string): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  if (d === 1) return `${y + 70}-${String(m).padStart(2, '0')}-01`;
  const next = new Date(Date.UTC(y + 70, m, 1));
  return next.toISOString().slice(0, 10);
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function answer(ask: AskContext, validity: keyof typeof QUALIFICATION_VALIDITY, results: QualificationResult[], extra: Partial<EligibilityResult> = {}): EligibilityResult {
  const reference = ask.via === 'card' ? '1' : '2';
  return {
    processExecutionTime: isoOf(ask.now),
    qualificationConfirmationDate: ask.date,
    referenceClassification: reference,
    referenceClassificationLabel: REFERENCE_CLASSIFICATION[reference],
    processingResultStatus: '1',
    processingResultStatusLabel: PROCESSING_RESULT_STATUS['1'],
    notices: [...(ask.notices ?? [])],
    qualificationValidity: validity,
    qualificationValidityLabel: QUALIFICATION_VALIDITY[validity],
    registered: true,
    prescriptionIssueSelect: null,
    prescriptionIssueSelectLabel: null,
    referenceNumber: results.length > 0 ? (ask.referenceNumber ?? null) : null,
    results,
    ...extra,
  };
}

/** 該当資格なし: nobody with that number (or that birth date) on that day. */
export function notFound(ask: AskContext): EligibilityResult {
  return answer(ask, '4', []);
}

/** A valid card certificate that no insured person is linked to (保険証利用登録なし). */
export function notRegistered(ask: AskContext): EligibilityResult {
  return answer(ask, '4', [], { registered: false });
}

type Standing = { readonly code: '1' | '2' | '3' | '6'; readonly lostOn: string | null } | null;

/** How one qualification stands on the day asked about; null when it did not exist yet. */
function standing(entry: RegisterEntry, date: string): Standing {
  const p = entry.person;
  if (date < p.validFrom) return null;
  if (p.welfare && !p.welfare.registered) return { code: '6', lostOn: null };
  if (entry.qualification === 'lost' && p.validUntil !== null && date > p.validUntil) {
    return { code: entry.newerInsurance ? '3' : '2', lostOn: dayAfter(p.validUntil) };
  }
  if (entry.qualification === 'expired' && p.validUntil !== null && date > p.validUntil) return { code: '2', lostOn: null };
  return { code: '1', lostOn: null };
}

/** The answer for the qualifications found for one person (by card: all of the holder's). */
export function answerFor(entries: readonly RegisterEntry[], ask: AskContext): EligibilityResult {
  const first = entries[0];
  if (!first) return notFound(ask);
  if (ask.via === 'card' && !first.cardRegistered) return notRegistered(ask);
  const found = entries.map((e) => ({ e, s: standing(e, ask.date) })).filter((x): x is { e: RegisterEntry; s: NonNullable<Standing> } => x.s !== null);
  if (found.length === 0) return notFound(ask);
  const valid = found.filter((x) => x.s.code === '1');
  const prescription = ask.via === 'card' && first.prescription ? first.prescription : null;
  const extra = { prescriptionIssueSelect: prescription, prescriptionIssueSelectLabel: prescription && PRESCRIPTION_ISSUE_SELECT[prescription] };
  if (valid.length > 1) return answer(ask, '5', valid.map((x) => resultFor(x.e, ask, null)), extra);
  const chosen = valid[0] ?? found[0];
  if (!chosen) return notFound(ask);
  return answer(ask, chosen.s.code, [resultFor(chosen.e, ask, chosen.s.lostOn)], extra);
}
