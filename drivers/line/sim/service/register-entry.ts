// One row of the reference service's register of insured people.
import type { InsuranceNumber, InsuredPerson } from '../../eligibility.js';

/** valid; lost (資格喪失, e.g. left the employer); expired (有効期限切れ). */
export type Qualification = 'valid' | 'lost' | 'expired';

export interface RegisterEntry {
  /** Stable name: the test PKI id for named people, `p00042` for generated ones. */
  readonly id: string;
  readonly person: InsuredPerson;
  readonly qualification: Qualification;
  /** Why not valid, as the answer gives it; null when valid. */
  readonly reason: string | null;
  /** The My Number card is registered for insurance use (保険証利用登録). */
  readonly cardRegistered: boolean;
  /** Entries of one insured household (被保険者 and 被扶養者) share this. */
  readonly household: string;
}

export function insuranceKey(n: InsuranceNumber): string {
  return `${n.insurerNumber}|${n.symbol}|${n.number}|${n.branch}`;
}
