// The checks on an answer that its JSON Schema cannot make: every label matches its code, the
// number of results fits the validity code, and certificate details appear only with the
// patient's consent. Both ends run them (the service before it answers, the client on receipt), so
// a wrong answer is refused with the field named instead of reaching the EHR.
import { VIEWING_CONSENTS, type EligibilityResult, type QualificationResult } from './answer.js';
import {
  INFO_CONSENT, INSURED_CARD_CLASSIFICATION, LIMIT_CLASSIFICATION, LIMIT_FLAG, PERSONAL_FAMILY, PRESCHOOL,
  PRESCRIPTION_ISSUE_SELECT, PROCESSING_RESULT_STATUS, QUALIFICATION_VALIDITY, REASON_OF_LOSS, REFERENCE_CLASSIFICATION,
  SEX, SPECIFIC_DISEASE_CATEGORY, TICKET_TYPE, type CodeTable,
} from './codes.js';

/** Field → code table of every coded field that carries a `…Label` sibling. */
export const LABELLED: Readonly<Record<string, CodeTable>> = {
  qualificationValidity: QUALIFICATION_VALIDITY,
  referenceClassification: REFERENCE_CLASSIFICATION,
  processingResultStatus: PROCESSING_RESULT_STATUS,
  prescriptionIssueSelect: PRESCRIPTION_ISSUE_SELECT,
  insuredCardClassification: INSURED_CARD_CLASSIFICATION,
  personalFamilyClassification: PERSONAL_FAMILY,
  sex1: SEX,
  sex2: SEX,
  reasonOfLoss: REASON_OF_LOSS,
  preschoolClassification: PRESCHOOL,
  limitApplicationCertificateClassification: LIMIT_CLASSIFICATION,
  limitApplicationCertificateClassificationFlag: LIMIT_FLAG,
  specificDiseasesDiseaseCategory: SPECIFIC_DISEASE_CATEGORY,
  ticketType: TICKET_TYPE,
  consFlg: INFO_CONSENT,
};

export interface AnswerProblem {
  /** JSON Pointer of the field at fault. */
  readonly field: string;
  readonly message: string;
}

/** `qualificationValidity` → `qualificationValidityLabel`, made once (not per field visited). */
const LABEL_KEY: ReadonlyMap<string, string> = new Map(Object.keys(LABELLED).map((k) => [k, `${k}Label`]));

/** Walks the answer checking each label against its code. The JSON Pointer of a field is only
 * built when the field is wrong: building one per field visited made this walk the client's
 * second-largest cost in the batch bench (docs/eligibility.md, speed). */
function labels(value: unknown, path: (string | number)[], out: AnswerProblem[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      path.push(i);
      labels(value[i], path, out);
      path.pop();
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    const labelKey = LABEL_KEY.get(key);
    if (labelKey !== undefined && labelKey in record) {
      const table = LABELLED[key] as CodeTable;
      const want = typeof child === 'string' ? (table[child] ?? null) : null;
      if (record[labelKey] !== want) {
        out.push({ field: pointer(path, labelKey), message: `must be ${JSON.stringify(want)} for ${key} ${JSON.stringify(child)}` });
      }
    }
    if (child !== null && typeof child === 'object') {
      path.push(key);
      labels(child, path, out);
      path.pop();
    }
  }
}

const pointer = (path: readonly (string | number)[], last: string): string => `/${[...path, last].join('/')}`;

function consentGates(r: QualificationResult, at: string, out: AnswerProblem[]): void {
  if (r.limitApplicationCertificateRelatedInfo && r.limitApplicationCertificateRelatedConsFlg !== '1') {
    out.push({ field: `${at}/limitApplicationCertificateRelatedInfo`, message: 'is given without the patient\'s consent (LimitApplicationCertificateRelatedConsFlg is not 1)' });
  }
  if (r.specificDiseasesCertificateList.length > 0 && r.specificDiseasesCertificateRelatedConsFlg !== '1') {
    out.push({ field: `${at}/specificDiseasesCertificateList`, message: 'is given without the patient\'s consent (SpecificDiseasesCertificateRelatedConsFlg is not 1)' });
  }
  for (const kind of VIEWING_CONSENTS) {
    const c = r[kind];
    if (c.consFlg === '0' && (c.consTime !== null || c.availableTime !== null)) {
      out.push({ field: `${at}/${kind}/consTime`, message: 'must be null when consFlg is 0 (no consent)' });
    }
  }
  const aid = r.insuredCardClassification === 'A1';
  if (!aid && r.publicExpenseResultList.length > 0) {
    out.push({ field: `${at}/publicExpenseResultList`, message: 'is only for 医療扶助 results (insuredCardClassification A1)' });
  }
}

/** The problems of a schema-valid answer; empty when it is consistent. `labels: false` skips the
 * label check (for answers whose labels were made from their codes: answer-compact.ts). */
export function answerProblems(answer: EligibilityResult, options: { readonly labels?: boolean } = {}): AnswerProblem[] {
  const out: AnswerProblem[] = [];
  // An answer restored from the compact wire form has labels made from its codes: nothing to check.
  if (options.labels !== false) labels(answer, [], out);
  const n = answer.results.length;
  switch (answer.qualificationValidity) {
    case '4':
      if (n !== 0) out.push({ field: '/results', message: `must be empty for qualificationValidity 4 (該当資格なし), has ${n}` });
      break;
    case '5':
      if (n < 2) out.push({ field: '/results', message: `must hold several results for qualificationValidity 5 (複数該当), has ${n}` });
      break;
    default:
      // One person; at most one insurance and one 医療扶助 qualification side by side.
      if (n < 1 || n > 2) out.push({ field: '/results', message: `must hold one result (two when one is 医療扶助) for qualificationValidity ${answer.qualificationValidity}, has ${n}` });
      else if (n === 2 && answer.results.filter((r) => r.insuredCardClassification === 'A1').length !== 1) {
        out.push({ field: '/results', message: 'several results where one is expected (only an insurance plus a 医療扶助 result may stand together)' });
      }
  }
  if (!answer.registered && (answer.qualificationValidity !== '4' || n !== 0)) {
    out.push({ field: '/registered', message: 'an unregistered card answers qualificationValidity 4 without results' });
  }
  for (const [i, r] of answer.results.entries()) consentGates(r, `/results/${i}`, out);
  return out;
}
