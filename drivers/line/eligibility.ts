// The eligibility line's interface and result model. Item names follow the published result
// items of オンライン資格確認等システム (docs/eligibility.md); the wire format is ours.
import type { Consents } from '../../vocabulary/consent.js';
import type { IdentityMethod } from '../../vocabulary/identity.js';
import type { ResultCode } from '../../vocabulary/result-codes.js';

/** 保険者番号・記号・番号・枝番: how an insured person is named without the card. */
export interface InsuranceNumber {
  readonly insurerNumber: string; // 保険者番号 (6 or 8 digits)
  readonly symbol: string; // 記号 (may be empty)
  readonly number: string; // 番号
  readonly branch: string; // 枝番 (2 digits)
}

export interface NumberCheckRequest extends InsuranceNumber {
  readonly birthDate: string; // YYYY-MM-DD
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
}

export type QualificationStatus = 'valid' | 'invalid' | 'unconfirmed';

export interface LimitCertificate {
  // 限度額適用認定証 等
  readonly category: string; // 適用区分
  readonly longTermCareDate: string | null; // 長期入院該当年月日
}

export interface SpecificDiseaseCertificate {
  // 特定疾病療養受療証 (card checks with consent only)
  readonly diseaseName: string; // 認定疾病名
  readonly copayLimitYen: number; // 自己負担限度額
}

export interface InsuredPerson {
  readonly insurance: InsuranceNumber;
  readonly cardClass: string; // InsuredCardClassification (被保険者証の種類)
  readonly personFamily: 'self' | 'family'; // 本人・家族
  readonly name: string; // 氏名
  readonly nameKana: string; // 氏名カナ
  readonly sex: 'male' | 'female' | 'other';
  readonly birthDate: string; // YYYY-MM-DD
  readonly address: string;
  readonly postcode: string; // 郵便番号 NNN-NNNN
  readonly copayRatio: number; // 一部負担金割合 (%)
  readonly validFrom: string; // 資格取得/有効開始
  readonly validUntil: string | null; // 有効終了
  readonly elderlyCopayRatio: number | null; // 高齢受給者証 (70-74)
  readonly limitCertificate: LimitCertificate | null;
  readonly specificDisease: SpecificDiseaseCertificate | null;
}

export interface EligibilityResult {
  readonly status: QualificationStatus;
  /** Why not valid (資格喪失理由 etc.); null when valid. */
  readonly reason: string | null;
  /** The card is not registered for insurance use (保険証利用登録なし). */
  readonly registered: boolean;
  readonly person: InsuredPerson | null;
  /** Whether the clinic may view drug / check-up / medical info (from the consents). */
  readonly viewable: { readonly drugInfo: boolean; readonly checkupInfo: boolean; readonly medicalInfo: boolean };
  readonly checkedAt: string; // ISO time the service answered
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
  health(): LineHealth;
}
