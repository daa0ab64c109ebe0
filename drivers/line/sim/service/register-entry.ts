// One row of the reference service's register of insured people. The register keeps a person in
// plain terms (percentages, full-width kana); answers.ts writes them the way the national system
// answers (codes, '030', half-width kana).
import type { InsuranceNumber } from '../../eligibility.js';
import type { INSURED_CARD_CLASSIFICATION, LIMIT_CLASSIFICATION, LIMIT_FLAG, PRESCRIPTION_ISSUE_SELECT, REASON_OF_LOSS, SPECIFIC_DISEASE_CATEGORY } from '../../codes.js';

export interface RegisterLimit {
  readonly flag: keyof typeof LIMIT_FLAG; // 適用区分 (A01–A06, B01–B10)
  readonly classification: keyof typeof LIMIT_CLASSIFICATION; // 01 限度額適用認定証 / 02 減額認定証 ...
  readonly longTermCareDate: string | null; // 長期入院該当年月日
}

export interface RegisterDisease {
  readonly category: keyof typeof SPECIFIC_DISEASE_CATEGORY;
  readonly selfPayYen: number;
  readonly validFrom: string;
}

/** 医療扶助: the welfare office's record of a recipient (公費負担者番号 + 受給者番号 in `insurance`). */
export interface RegisterWelfare {
  readonly welfareOffice: string; // 福祉事務所名 (InsurerName of an A1 result)
  /** 未登録: the recipient's card is not yet linked by the welfare office (QualificationValidity 6). */
  readonly registered: boolean;
  /** The first treatment month (YYYY-MM) with a 医療券 (and 調剤券); the office issues them every
   * month since (ongoing assistance), so a check for an earlier month finds no ticket. Null: none. */
  readonly ticketsFrom: string | null;
}

export interface RegisterPerson {
  readonly insurance: InsuranceNumber;
  readonly cardClass: keyof typeof INSURED_CARD_CLASSIFICATION;
  readonly insurerName: string; // 保険者名称
  readonly personFamily: 'self' | 'family' | null; // null: 後期高齢者 (no 本人/家族)
  readonly headOfHousehold: string | null; // 被保険者氏名 (世帯主氏名)
  readonly name: string; // 氏名
  readonly nameKana: string; // 氏名カナ, full-width in the register
  readonly nameOfOther: string | null; // 氏名（その他）: 通称 etc.
  readonly sex: 'male' | 'female' | 'other';
  readonly birthDate: string; // YYYY-MM-DD
  readonly address: string;
  readonly postcode: string; // NNN-NNNN
  readonly copayRatio: number; // %
  readonly validFrom: string; // 資格取得年月日
  readonly validUntil: string | null; // last valid day (lost: the day before 資格喪失日; expired: card end)
  readonly elderlyCopayRatio: number | null; // 高齢受給者証 (70-74) %
  readonly limitCertificate: RegisterLimit | null;
  readonly specificDiseases: readonly RegisterDisease[];
  readonly welfare?: RegisterWelfare;
}

/** valid; lost (資格喪失, e.g. left the employer); expired (有効期限切れ). */
export type Qualification = 'valid' | 'lost' | 'expired';

export interface RegisterEntry {
  /** Stable name: the test PKI id for named people, `p00042` for generated ones. */
  readonly id: string;
  readonly person: RegisterPerson;
  readonly qualification: Qualification;
  /** 資格喪失事由 when lost. */
  readonly reasonOfLoss: keyof typeof REASON_OF_LOSS | null;
  /** A newer qualification exists for this person (QualificationValidity 3 once this one is lost). */
  readonly newerInsurance?: boolean;
  /** The My Number card is registered for insurance use (保険証利用登録). */
  readonly cardRegistered: boolean;
  /** Entries of one insured household (被保険者 and 被扶養者) share this. */
  readonly household: string;
  /** The card holder (test PKI id) this qualification belongs to when not `id` (several per card: 複数該当). */
  readonly holder?: string;
  /** 処方箋発行形態 the patient chose (card checks). */
  readonly prescription?: keyof typeof PRESCRIPTION_ISSUE_SELECT;
}

export function insuranceKey(n: InsuranceNumber): string {
  return `${n.insurerNumber}|${n.symbol}|${n.number}|${n.branch}`;
}
