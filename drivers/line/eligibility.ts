// The eligibility line's interface and result model. Item names follow the published result
// items of オンライン資格確認等システム (docs/eligibility.md); the wire format is ours.
import type { Consents } from '../../vocabulary/consent.js';
import type { IdentityMethod } from '../../vocabulary/identity.js';
import type { ResultCode } from '../../vocabulary/result-codes.js';
import type { EligibilityResult, QualificationResult } from './answer.js';

/** 保険者番号・記号・番号・枝番: how an insured person is named without the card. */
export interface InsuranceNumber {
  readonly insurerNumber: string; // 保険者番号 (6 or 8 digits)
  readonly symbol: string; // 記号 (may be empty)
  readonly number: string; // 番号
  readonly branch: string; // 枝番 (2 digits)
}

export interface NumberCheckRequest extends InsuranceNumber {
  readonly birthDate: string; // YYYY-MM-DD
  /** 資格確認日: answer as of this day (a past visit); absent = today. */
  readonly qualificationConfirmationDate?: string;
  /** LimitApplicationCertificateRelatedConsFlg of a by-number request: the patient agreed (at the
   * desk) that the clinic sees the 限度額 certificate. Absent = not agreed. */
  readonly limitConsent?: boolean;
}

export interface CardCheckRequest {
  /** DER of the user-authentication certificate read from the chip. */
  readonly certificate: Buffer;
  readonly method: IdentityMethod;
  /** PIN path only: the service's challenge and the card's signature over it. */
  readonly proof?: { readonly challenge: string; readonly signature: Buffer };
  readonly consents: Consents;
  /** The patient asked at the reader to register this card for insurance use (保険証利用登録). */
  readonly registerInsuranceUse?: boolean;
  /** 資格確認日; absent = today. */
  readonly qualificationConfirmationDate?: string;
}

export type { EligibilityResult, QualificationResult, ViewingConsent } from './answer.js';
export { CONSENT_ITEM_OF_VIEWING, VIEWING_CONSENTS, VIEWING_NOT_GIVEN } from './answer.js';

/** The insurance number a result names (for patient links and re-checks). */
export function insuranceOf(result: QualificationResult): InsuranceNumber {
  return {
    insurerNumber: result.insurerNumber,
    symbol: result.insuredCardSymbol,
    number: result.insuredIdentificationNumber,
    branch: result.insuredBranchNumber,
  };
}

/** The result code of an answer: what the desk must do (ELIGIBLE when nothing). */
export function codeOfAnswer(answer: EligibilityResult): ResultCode {
  if (!answer.registered) return 'NOT_REGISTERED';
  switch (answer.qualificationValidity) {
    case '1': return 'ELIGIBLE';
    case '3': return 'NEWER_INSURANCE';
    case '5': return 'MULTIPLE_MATCHES';
    case '6': return 'WELFARE_NOT_REGISTERED';
    default: return 'NOT_ELIGIBLE';
  }
}

/** The insurance number of the one person an answer names (null: nobody, or several). */
export function soleInsurance(answer: EligibilityResult | null | undefined): InsuranceNumber | null {
  const only = answer ? soleResult(answer) : null;
  return only ? insuranceOf(only) : null;
}

/** The one person an answer is about, or null when it names none or several (複数該当). */
export function soleResult(answer: EligibilityResult): QualificationResult | null {
  return answer.results.length === 1 ? (answer.results[0] ?? null) : null;
}

/** 照会番号 registration: the clinic's patient number for the person with this insurance number and
 * birth date (null removes it). The service keeps it per institution and returns it in every
 * answer about that person (EligibilityResult.referenceNumber). */
export interface ReferenceRegistration extends InsuranceNumber {
  readonly birthDate: string;
  readonly referenceNumber: string | null;
}

export interface ReferenceRegistered {
  readonly referenceNumber: string | null;
  /** The number the person had before (null: none). */
  readonly previousReferenceNumber: string | null;
}

/** One fetch of an asynchronous 一括照会: the results from the index asked for (absolute indexes). */
export interface BulkPage {
  readonly receptionNumber: string;
  readonly total: number;
  /** How many results the service has made so far. */
  readonly ready: number;
  /** Every result is made (the fetch from `total` then collects the reception). */
  readonly complete: boolean;
  readonly items: readonly BatchItemResult[];
}

/** One patient's outcome in a batch (一括照会): the result, or the code it failed with. */
export type BatchItemResult =
  | { readonly index: number; readonly ok: true; readonly result: EligibilityResult }
  | { readonly index: number; readonly ok: false; readonly code: ResultCode; readonly message: string };

/** Circuit-breaker state of the line, for /status. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface LineHealth {
  readonly ok: boolean;
  readonly detail: string;
  readonly breaker: BreakerState;
  /** When the service last answered any request (card, number, batch, probe); absent/null: never. */
  readonly lastSuccessAt?: string | null;
}

export interface EligibilityClient {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh challenge for the PIN path's signature. */
  challenge(signal?: AbortSignal): Promise<string>;
  /** Throws GatewayError LINE_DOWN / LINE_TIMEOUT / LINE_ERROR / CERT_INVALID. */
  checkByCard(request: CardCheckRequest, signal?: AbortSignal): Promise<EligibilityResult>;
  checkByNumber(request: NumberCheckRequest, signal?: AbortSignal): Promise<EligibilityResult>;
  /** 一括照会: one entry per request, in order (index = position); never throws for one patient. */
  checkBatch(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<BatchItemResult[]>;
  /** 照会番号: register (or remove) the clinic's number for a person. GatewayError LINE_ERROR with
   * details.serviceError PERSON_UNKNOWN / REFERENCE_IN_USE when the service refuses it. */
  registerReferenceNumber(registration: ReferenceRegistration, signal?: AbortSignal): Promise<ReferenceRegistered>;
  /** A check by 照会番号 alone; details.serviceError REFERENCE_UNKNOWN when none is registered. */
  checkByReference(referenceNumber: string, qualificationConfirmationDate?: string, signal?: AbortSignal): Promise<EligibilityResult>;
  /** Asynchronous 一括照会 (lines that have it): upload, then fetch the results by reception number. */
  submitBulk?(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<{ receptionNumber: string; total: number }>;
  fetchBulk?(receptionNumber: string, from: number, signal?: AbortSignal): Promise<BulkPage>;
  health(): LineHealth;
}
