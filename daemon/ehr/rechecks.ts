// Inquiries that met a line that was down: stored (they hold patient data, so only until answered
// or expired), tried again every ehr.recheckIntervalSeconds with drivers/line/pending.ts, and
// the answer committed to the outbox on <base>/inquiries/rechecks — the original requester may be
// long gone, so the answer goes to a topic the EHR keeps a persistent subscription on.
import { patientIdOfAnswer } from './patient-links.js';
import { randomUUID } from 'node:crypto';
import { soleInsurance, type EligibilityClient, type EligibilityResult, type InsuranceNumber } from '../../drivers/line/eligibility.js';
import { recheck, type PendingInquiry } from '../../drivers/line/pending.js';
import type { Logger } from '../../vocabulary/log.js';
import { codeOf } from '../../vocabulary/result-codes.js';
import type { Database } from '../store/database.js';
import type { Outbox } from '../store/outbox.js';
import { codeOfResult, inquiryResponse, isRecheckable, type RequestEcho } from './answers.js';

export interface RecheckOptions {
  readonly db: Database;
  readonly outbox: Outbox;
  readonly line: EligibilityClient;
  readonly topic: string;
  readonly gatewayId: string;
  readonly intervalMs: number;
  readonly maxAgeMs: number;
  readonly patientIdOf: (insurance: InsuranceNumber) => Promise<string | null>;
  /** A re-checked card check-in becomes linkable like any other (patient-links.ts). */
  readonly onCheckinAnswered?: (checkinEventId: string, insurance: InsuranceNumber) => Promise<void>;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface RecheckRow {
  recheck_id: string;
  origin: string;
  request_id: string | null;
  correlation_id: string | null;
  pending: string;
  created_at: number;
  [key: string]: unknown;
}

export class RecheckQueue {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #abort = new AbortController();
  readonly #now: () => number;

  constructor(private readonly options: RecheckOptions) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * origin 'checkin': a card check-in that met a line that was down (the gateway's 'recheck' event);
   * its eventId is kept in request_id and published as checkinEventId.
   */
  async enqueue(origin: 'inquiry' | 'batch' | 'checkin', echo: RequestEcho, pending: PendingInquiry): Promise<string> {
    const id = randomUUID();
    const now = this.#now();
    await this.options.db.run(
      'INSERT INTO ehr_rechecks (recheck_id, origin, request_id, correlation_id, pending, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, origin, echo.requestId, echo.correlationId, JSON.stringify(pending), now, now + this.options.intervalMs],
    );
    return id;
  }

  async depth(): Promise<number> {
    const row = await this.options.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ehr_rechecks');
    return row?.n ?? 0;
  }

  start(): void {
    this.#timer = setInterval(() => this.runDue(), this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#abort.abort();
    await this.#running;
  }

  /** One pass over what is due; concurrent calls share the pass. */
  runDue(): Promise<void> {
    this.#running ??= this.#pass()
      .catch((error: unknown) => this.options.logger.error({ err: String(error) }, 're-check pass failed; will try again'))
      .finally(() => (this.#running = null));
    return this.#running;
  }

  async #pass(): Promise<void> {
    const { db } = this.options;
    const rows = await db.all<RecheckRow>('SELECT recheck_id, origin, request_id, correlation_id, pending, created_at FROM ehr_rechecks WHERE next_at <= ? ORDER BY created_at', [this.#now()]);
    for (const row of rows) {
      if (this.#abort.signal.aborted) return;
      const checkinEventId = row.origin === 'checkin' ? row.request_id : null;
      const echo = { requestId: checkinEventId ? null : row.request_id, correlationId: row.correlation_id, checkinEventId };
      const pending = JSON.parse(row.pending) as PendingInquiry;
      if (this.#now() - row.created_at > this.options.maxAgeMs) {
        await this.#publish(row.recheck_id, echo, 'expired', 'LINE_DOWN', null);
        continue;
      }
      let result: EligibilityResult;
      try {
        result = await recheck(this.options.line, pending, this.#abort.signal);
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        const code = codeOf(error, 'LINE_ERROR');
        if (isRecheckable(code)) {
          // Still down: leave this and the rest for the next pass rather than hammer the line.
          await db.run('UPDATE ehr_rechecks SET attempts = attempts + 1, next_at = ? WHERE recheck_id = ?', [this.#now() + this.options.intervalMs, row.recheck_id]);
          return;
        }
        await this.#publish(row.recheck_id, echo, 'rechecked', code, null);
        continue;
      }
      await this.#publish(row.recheck_id, echo, 'rechecked', codeOfResult(result), result);
    }
  }

  /** Outbox first, then the queue row: a crash in between re-publishes the same eventId (deduped). */
  async #publish(id: string, echo: RequestEcho & { checkinEventId: string | null }, status: 'rechecked' | 'expired', code: ReturnType<typeof codeOf>, result: EligibilityResult | null): Promise<void> {
    // Only a person the service confirmed carries a patient id (see inquiries.ts).
    const insurance = soleInsurance(result);
    const patientId = await patientIdOfAnswer(result, this.options.patientIdOf);
    if (echo.checkinEventId && insurance) await this.options.onCheckinAnswered?.(echo.checkinEventId, insurance);
    const payload = inquiryResponse({ ...echo, eventId: id, gatewayId: this.options.gatewayId, status, code, recheckId: id, patientId, result });
    await this.options.outbox.commit(id, this.options.topic, payload);
    await this.options.db.run('DELETE FROM ehr_rechecks WHERE recheck_id = ?', [id]);
    this.options.logger.info({ recheckId: id, status, code }, 're-check answered');
  }
}
