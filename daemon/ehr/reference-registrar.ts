// 照会番号: every patient link is also registered with the eligibility service as the clinic's
// reference number (docs/mqtt.md, returning patients). The service then returns it in every answer
// about that person, to every terminal of the clinic and after a change of insurance; the local
// link stays as a cache. Registrations wait in the database while the line is down (they hold the
// insurance number and birth date, so they are deleted once sent) and are retried with the other
// line work. At start, links made before this existed are migrated: registered when their check-in
// is still within retention (its answer names the person), otherwise kept local and counted.
import type { EligibilityClient, InsuranceNumber } from '../../drivers/line/eligibility.js';
import { soleResult, type EligibilityResult } from '../../drivers/line/eligibility.js';
import { ReferenceNumberText } from '../../drivers/line/wire.js';
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { Database } from '../store/database.js';

/** Whom a registration names: what the service needs to find the person. */
export interface ReferenceIdentity extends InsuranceNumber {
  readonly birthDate: string;
}

export interface RegistrarOptions {
  readonly db: Database;
  readonly line: EligibilityClient;
  /** Topic of re-checked answers: a card check-in that met a down line is answered there. */
  readonly recheckTopic: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const VALID = new RegExp(ReferenceNumberText.pattern ?? '^[!-~]+$');
/** A patient id the service can take as a 照会番号 (1-20 printable ASCII). */
export const fitsReferenceNumber = (id: string): boolean => id.length >= 1 && id.length <= (ReferenceNumberText.maxLength ?? 20) && VALID.test(id);

type Row = { link_key: string; patient_id: string | null; identity: string; attempts: number };

export class ReferenceRegistrar {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  readonly #now: () => number;

  constructor(private readonly options: RegistrarOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** The person a check-in named, from its committed answer (or its re-check's); null when gone. */
  async identityOf(eventId: string): Promise<ReferenceIdentity | null> {
    // The check-in's own answer (`eligibility`), or for one that met a down line its re-check's
    // (`result` of the answer on the re-check topic naming it as checkinEventId).
    const rows = await this.options.db.all<{ topic: string; payload: string }>(
      `SELECT topic, payload FROM outbox WHERE event_id = ? OR (topic = ? AND json_extract(payload, '$.checkinEventId') = ?) ORDER BY seq DESC`,
      [eventId, this.options.recheckTopic, eventId],
    );
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as { eligibility?: EligibilityResult | null; result?: EligibilityResult | null };
      const answer = row.topic === this.options.recheckTopic ? payload.result : payload.eligibility;
      const person = answer && Array.isArray(answer.results) ? soleResult(answer) : null;
      if (person) {
        return { insurerNumber: person.insurerNumber, symbol: person.insuredCardSymbol, number: person.insuredIdentificationNumber, branch: person.insuredBranchNumber, birthDate: person.birthdate };
      }
    }
    return null;
  }

  /** After the EHR linked (or, with null, unlinked) a check-in's person: register it with the service. */
  async linked(eventId: string, linkKey: string, patientId: string | null): Promise<void> {
    const identity = await this.identityOf(eventId);
    if (!identity) {
      await this.#setState(linkKey, 'local');
      return;
    }
    // An id the service cannot take stays local; the person's old number is removed at the
    // service, or its answers would keep naming the old id over this link.
    const fits = patientId === null || fitsReferenceNumber(patientId);
    if (!fits) {
      this.options.logger.info({ reason: 'patient id is not a valid 照会番号 (1-20 printable ASCII)' }, 'patient link kept on this gateway only');
      await this.#setState(linkKey, 'local');
    }
    await this.options.db.run(
      `INSERT INTO reference_registrations (link_key, patient_id, identity, created_at, next_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (link_key) DO UPDATE SET patient_id = excluded.patient_id, identity = excluded.identity, next_at = excluded.next_at, attempts = 0`,
      [linkKey, fits ? patientId : null, JSON.stringify(identity), this.#now(), this.#now()],
    );
    this.kick();
  }

  /** Links made before 照会番号 existed (reference_state NULL and nothing queued): queue or keep local. */
  async migrate(): Promise<{ queued: number; local: number }> {
    const rows = await this.options.db.all<{ link_key: string; patient_id: string; event_id: string }>(
      `SELECT link_key, patient_id, event_id FROM patient_links
       WHERE reference_state IS NULL AND link_key NOT IN (SELECT link_key FROM reference_registrations)`,
    );
    let queued = 0;
    let local = 0;
    for (const row of rows) {
      const identity = await this.identityOf(row.event_id);
      if (identity && fitsReferenceNumber(row.patient_id)) {
        await this.options.db.run(
          'INSERT OR IGNORE INTO reference_registrations (link_key, patient_id, identity, created_at, next_at) VALUES (?, ?, ?, ?, ?)',
          [row.link_key, row.patient_id, JSON.stringify(identity), this.#now(), this.#now()],
        );
        queued += 1;
      } else {
        await this.#setState(row.link_key, 'local');
        local += 1;
      }
    }
    if (rows.length > 0) this.options.logger.info({ queued, local }, 'patient links migrated to 照会番号 (local: check-in past retention or id not a valid 照会番号)');
    return { queued, local };
  }

  /** Sends every registration that is due; one at a time (they are rare). */
  drain(): Promise<void> {
    this.#running ??= this.#drain().finally(() => { this.#running = null; });
    return this.#running;
  }

  kick(): void { void this.drain().catch((error: unknown) => this.options.logger.warn({ err: String(error) }, '照会番号 registration failed')); }

  async #drain(): Promise<void> {
    const { db, line, logger } = this.options;
    const rows = await db.all<Row>('SELECT link_key, patient_id, identity, attempts FROM reference_registrations WHERE next_at <= ? ORDER BY created_at', [this.#now()]);
    for (const row of rows) {
      const identity = JSON.parse(row.identity) as ReferenceIdentity;
      try {
        await line.registerReferenceNumber({ ...identity, referenceNumber: row.patient_id });
        // A removal sent for a link that stays (an id the service cannot take) leaves it local.
        await this.#done(row, row.patient_id === null ? 'local' : 'registered');
        logger.info({ removed: row.patient_id === null }, '照会番号 registered with the eligibility service');
      } catch (error) {
        const code = error instanceof GatewayError ? error.code : 'INTERNAL_ERROR';
        const refusal = error instanceof GatewayError ? error.details.serviceError : undefined;
        if (typeof refusal === 'string' && refusal !== 'INTERNAL') {
          // The service said no (number used by another person, person unknown): retrying cannot help.
          await this.#done(row, 'local');
          logger.warn({ serviceError: refusal }, '照会番号 refused by the service; the link stays on this gateway only');
          continue;
        }
        const wait = Math.min(this.options.intervalMs * 2 ** Math.min(row.attempts, 6), 3600_000);
        await db.run('UPDATE reference_registrations SET attempts = attempts + 1, next_at = ? WHERE link_key = ?', [this.#now() + wait, row.link_key]);
        logger.warn({ code, retryInMs: wait }, '照会番号 registration not sent; will retry');
      }
    }
  }

  async #done(row: Row, state: 'registered' | 'local'): Promise<void> {
    // Only the registration that was sent: a newer link made meanwhile stays queued.
    await this.options.db.run('DELETE FROM reference_registrations WHERE link_key = ? AND patient_id IS ? AND identity = ?', [row.link_key, row.patient_id, row.identity]);
    await this.#setState(row.link_key, state);
  }

  async #setState(linkKey: string, state: 'registered' | 'local'): Promise<void> {
    await this.options.db.run('UPDATE patient_links SET reference_state = ? WHERE link_key = ?', [state, linkKey]);
  }

  /** Migrates old links (awaited: a start-up that returned has queued them), then sends in the background. */
  async start(): Promise<void> {
    try {
      await this.migrate();
    } catch (error) {
      this.options.logger.warn({ err: String(error) }, '照会番号 migration failed; old links stay on this gateway');
    }
    this.#timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.#timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }
}
