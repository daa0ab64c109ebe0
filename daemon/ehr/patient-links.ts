// Returning patients (docs/mqtt.md, patient links): the EHR links a check-in to its own patient id, and later
// check-ins of the same insured person carry that id. The key is an HMAC-SHA256 of the insurance
// identity (保険者番号・記号・番号・枝番) under a secret made on first use and kept in this
// gateway's database — never the Individual Number, which the gateway never has. Without the
// secret the stored keys cannot be matched against a list of insurance numbers.
import { createHmac, randomBytes } from 'node:crypto';
import { soleInsurance, type EligibilityResult, type InsuranceNumber } from '../../drivers/line/eligibility.js';
import type { Database } from '../store/database.js';

const SECRET_NAME = 'patient-link';

/** Full-width digits and letters (e.g. in 記号) are folded, spaces dropped, so one person has one key. */
export function normaliseInsurance(insurance: InsuranceNumber): string {
  const fold = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
  return [insurance.insurerNumber, insurance.symbol, insurance.number, insurance.branch].map(fold).join('\u001f');
}

export type LinkOutcome =
  | { readonly kind: 'linked' | 'unlinked'; readonly previousPatientId: string | null; readonly linkKey: string }
  | { readonly kind: 'unknown-event' }
  | { readonly kind: 'not-linkable' };

export class PatientLinks {
  #secret: Buffer | null = null;

  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  async #key(): Promise<Buffer> {
    if (this.#secret) return this.#secret;
    // INSERT OR IGNORE then read: two first uses at once still agree on one secret.
    await this.db.run('INSERT OR IGNORE INTO ehr_secret (name, value, created_at) VALUES (?, ?, ?)', [SECRET_NAME, randomBytes(32), this.now()]);
    const row = await this.db.get<{ value: Buffer }>('SELECT value FROM ehr_secret WHERE name = ?', [SECRET_NAME]);
    if (!row) throw new Error('patient link secret missing after insert');
    this.#secret = row.value;
    return row.value;
  }

  async keyFor(insurance: InsuranceNumber): Promise<string> {
    return createHmac('sha256', await this.#key()).update(normaliseInsurance(insurance), 'utf8').digest('hex');
  }

  /** Called before a check-in is committed: remembers its key (so it can be linked later). */
  async remember(eventId: string, key: string): Promise<void> {
    await this.db.run('INSERT OR REPLACE INTO checkin_link_keys (event_id, link_key, created_at) VALUES (?, ?, ?)', [eventId, key, this.now()]);
  }

  async patientIdFor(key: string): Promise<string | null> {
    const row = await this.db.get<{ patient_id: string }>('SELECT patient_id FROM patient_links WHERE link_key = ?', [key]);
    return row?.patient_id ?? null;
  }

  async patientIdOf(insurance: InsuranceNumber): Promise<string | null> {
    return this.patientIdFor(await this.keyFor(insurance));
  }

  /** patientId null removes the link of that check-in's insured person. */
  async link(eventId: string, patientId: string | null): Promise<LinkOutcome> {
    const row = await this.db.get<{ link_key: string }>('SELECT link_key FROM checkin_link_keys WHERE event_id = ?', [eventId]);
    if (!row) {
      const known = await this.db.get('SELECT 1 AS one FROM outbox WHERE event_id = ?', [eventId]);
      return known ? { kind: 'not-linkable' } : { kind: 'unknown-event' };
    }
    const previousPatientId = await this.patientIdFor(row.link_key);
    if (patientId === null) {
      await this.db.run('DELETE FROM patient_links WHERE link_key = ?', [row.link_key]);
      return { kind: 'unlinked', previousPatientId, linkKey: row.link_key };
    }
    await this.db.run(
      `INSERT INTO patient_links (link_key, patient_id, event_id, linked_at, reference_state) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (link_key) DO UPDATE SET patient_id = excluded.patient_id, event_id = excluded.event_id, linked_at = excluded.linked_at, reference_state = NULL`,
      [row.link_key, patientId, eventId, this.now()],
    );
    return { kind: 'linked', previousPatientId, linkKey: row.link_key };
  }

  /** Check-ins can be linked while they are within retention, like the check-ins themselves. */
  async purge(olderThanMs: number): Promise<number> {
    const result = await this.db.run('DELETE FROM checkin_link_keys WHERE created_at < ?', [this.now() - olderThanMs]);
    return result.changes;
  }
}

/** The patient id an answer carries: the 照会番号 the service returned (registered by any terminal
 * of the clinic, kept across a change of insurance), else this box's link for the one insured
 * person the service confirmed (a wrong birth date or several results reveal no local link). */
export async function patientIdOfAnswer(result: EligibilityResult | null, local: (insurance: InsuranceNumber) => Promise<string | null>): Promise<string | null> {
  if (!result) return null;
  if (result.referenceNumber) return result.referenceNumber;
  const insurance = soleInsurance(result);
  return insurance ? local(insurance) : null;
}
