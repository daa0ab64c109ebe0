// <base>/batches: 一括照会 of booked patients. Accepted at once (a batch id, sent QoS 1), then run
// in the background one line-sized chunk at a time: each patient's answer is committed to the
// outbox as it comes (eventId <batchId>/<index>), then a summary (<batchId>/summary). The batch is
// stored first, so a restart resumes it; items already committed are not asked again.
import { patientIdOfAnswer } from './patient-links.js';
import { createHash, randomUUID } from 'node:crypto';
import type { BatchItemResult, EligibilityClient, EligibilityResult, InsuranceNumber, NumberCheckRequest } from '../../drivers/line/eligibility.js';
import { toPending } from '../../drivers/line/pending.js';
import type { Logger } from '../../vocabulary/log.js';
import { codeOf, GatewayError, type ResultCode } from '../../vocabulary/result-codes.js';
import { BULK_MAX } from '../../drivers/line/wire.js';
import { sleep } from '../../drivers/line/backoff.js';
import type { Database } from '../store/database.js';
import type { Outbox } from '../store/outbox.js';
import { codeOfResult, isRecheckable } from './answers.js';
import { numberRequestOf } from './insurance-input.js';
import type { RecheckQueue } from './rechecks.js';
import type { IncomingRequest } from './request.js';
import type { Responder } from './responder.js';
import { validatePayload, type FieldError } from '../mqtt/schemas.js';

export interface BatchDeps {
  readonly db: Database;
  readonly outbox: Outbox;
  readonly line: EligibilityClient;
  readonly responder: Responder;
  readonly rechecks: RecheckQueue;
  readonly gatewayId: string;
  readonly maxPatients: number;
  readonly chunk: number;
  readonly patientIdOf: (insurance: InsuranceNumber) => Promise<string | null>;
  readonly logger: Logger;
  /** ehr.asyncBatches: use the line's asynchronous 一括照会 when it has one. */
  readonly asyncBatches?: boolean;
  /** How long to wait between fetches while the service is still making results. */
  readonly pollMs?: number;
}

interface StoredPatient extends NumberCheckRequest { readonly ref: string | null }
interface BatchRow { batch_id: string; request_id: string | null; reply_topic: string; correlation_id: string | null; patients: string; created_at: number; [k: string]: unknown }

export class BatchRunner {
  #queue: Promise<void> = Promise.resolve();
  #abort = new AbortController();

  constructor(private readonly deps: BatchDeps) {}

  /** Unfinished batches of an earlier run (a stop or a crash) go on where they stopped. */
  async resume(): Promise<number> {
    const rows = await this.deps.db.all<{ batch_id: string }>('SELECT batch_id FROM ehr_batches WHERE finished_at IS NULL ORDER BY created_at');
    for (const row of rows) this.#schedule(row.batch_id);
    return rows.length;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#queue;
  }

  /** Resolves when every batch accepted so far has finished (tests, benchmarks). */
  idle(): Promise<void> {
    return this.#queue;
  }

  async handle(request: IncomingRequest): Promise<void> {
    const { responder } = this.deps;
    if (request.unreadable) return responder.error(request, 'INVALID_REQUEST', 'the payload is not JSON', [{ field: '', message: 'must be a JSON object' }]);
    // The size first: a batch over the limit is BATCH_TOO_LARGE at any size (the schema's own
    // maxItems would otherwise make a very large one INVALID_REQUEST).
    const size = patientCount(request.body);
    if (size > this.deps.maxPatients) {
      return responder.error(request, 'BATCH_TOO_LARGE', `at most ${this.deps.maxPatients} patients per batch (ehr.maxBatchPatients); split it`,
        [{ field: '/patients', message: `has ${size} entries; at most ${this.deps.maxPatients}` }]);
    }
    const errors = validatePayload('batch-request.v2', request.body);
    if (errors) return responder.error(request, 'INVALID_REQUEST', 'the batch does not match schemas/batch-request.v2.schema.json', errors);
    const body = request.body as { patients: Record<string, unknown>[]; visitDate?: string };
    if (!request.reply) {
      return responder.error(request, 'INVALID_REQUEST', 'nowhere to answer: give an MQTT 5 Response Topic or replyTo',
        request.replyProblem ? [] : [{ field: '/replyTo', message: 'is required without an MQTT 5 Response Topic' }]);
    }
    const patients: StoredPatient[] = [];
    const problems: FieldError[] = [];
    body.patients.forEach((entry, index) => {
      const checked = numberRequestOf(entry, `/patients/${index}`, { visitDate: body.visitDate });
      if ('errors' in checked) problems.push(...checked.errors);
      else patients.push({ ...checked.request, ref: typeof entry.ref === 'string' ? entry.ref : null });
    });
    // A bad batch-wide visitDate is reported once, not once per patient.
    const unique = problems.filter((p, i) => problems.findIndex((q) => q.field === p.field && q.message === p.message) === i);
    if (unique.length > 0) return responder.error(request, 'INVALID_REQUEST', 'some patients name no valid insurance number or date; nothing was run', unique);

    const reply = request.reply;
    const echo = { requestId: request.requestId, correlationId: request.correlationId };
    // What makes two requests "the same batch": the patients as checked, in order.
    const bodyHash = createHash('sha256').update(JSON.stringify(patients)).digest('hex');
    if (request.requestId) {
      const known = await this.deps.db.get<{ batch_id: string; count: number; body_hash: string | null }>(
        'SELECT batch_id, count, body_hash FROM ehr_batches WHERE reply_topic = ? AND request_id = ?', [reply.topic, request.requestId]);
      if (known && known.body_hash !== null && known.body_hash !== bodyHash) {
        return responder.error(request, 'INVALID_REQUEST', 'this requestId was used for another batch; give a new batch a new requestId',
          [{ field: '/requestId', message: `was used for batch ${known.batch_id} (${known.count} patients) with other patients` }]);
      }
      if (known) return responder.send(reply, this.#accepted(known.batch_id, echo, known.count, true));
    }
    const batchId = randomUUID();
    await this.deps.db.run(
      'INSERT INTO ehr_batches (batch_id, request_id, reply_topic, correlation_id, patients, count, created_at, body_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [batchId, request.requestId, reply.topic, request.correlationId, JSON.stringify(patients), patients.length, Date.now(), bodyHash],
    );
    await responder.send(reply, this.#accepted(batchId, echo, patients.length, false));
    this.#schedule(batchId);
  }

  #accepted(batchId: string, echo: { requestId: string | null; correlationId: string | null }, count: number, duplicate: boolean) {
    return { schema: 'oqs.batch-accepted.v1' as const, batchId, gatewayId: this.deps.gatewayId, time: new Date().toISOString(), ...echo, count, duplicate };
  }

  /** One batch at a time, in the order accepted: the line is shared with the reader at the desk. */
  #schedule(batchId: string): void {
    this.#queue = this.#queue.then(() => this.#run(batchId)).catch((error: unknown) => {
      this.deps.logger.error({ batchId, err: String(error) }, 'batch stopped by an error; it resumes at the next start');
    });
  }

  async #run(batchId: string): Promise<void> {
    const { db, outbox, line } = this.deps;
    const signal = this.#abort.signal;
    const row = await db.get<BatchRow>('SELECT * FROM ehr_batches WHERE batch_id = ? AND finished_at IS NULL', [batchId]);
    if (!row || signal.aborted) return;
    const patients = JSON.parse(row.patients) as StoredPatient[];
    const done = new Set((await db.all<{ event_id: string }>('SELECT event_id FROM outbox WHERE event_id LIKE ?', [`${batchId}/%`])).map((r) => r.event_id));
    const todo = patients.map((p, index) => ({ p, index })).filter(({ index }) => !done.has(`${batchId}/${index}`));
    const startedAt = new Date(row.created_at).toISOString();
    if (this.deps.asyncBatches && line.submitBulk && line.fetchBulk && todo.length > 0 && todo.length <= BULK_MAX) {
      if (!(await this.#runAsync(row, todo, done))) return;
      await this.#finish(row, patients.length, startedAt);
      return;
    }
    for (let offset = 0; offset < todo.length; offset += this.deps.chunk) {
      if (signal.aborted) return;
      const chunk = todo.slice(offset, offset + this.deps.chunk);
      let results: BatchItemResult[];
      try {
        results = await line.checkBatch(chunk.map(({ p }) => p), signal);
      } catch (error) {
        if (signal.aborted) return;
        const code = codeOf(error, 'LINE_ERROR');
        const message = error instanceof Error ? error.message : String(error);
        results = chunk.map((_, k) => ({ index: k, ok: false as const, code, message }));
      }
      // Every patient gets an item, even one a faulty answer left out, so the summary adds up.
      const answered = new Map(results.map((item) => [item.index, item]));
      for (const [k, entry] of chunk.entries()) {
        const item: BatchItemResult = answered.get(k) ?? { index: k, ok: false, code: 'LINE_ERROR', message: 'the service left this patient out of its answer' };
        await outbox.commit(`${batchId}/${entry.index}`, row.reply_topic, await this.#item(row, entry.index, entry.p, item));
      }
    }
    await this.#finish(row, patients.length, startedAt);
  }

  async #finish(row: BatchRow, count: number, startedAt: string): Promise<void> {
    const { db, outbox } = this.deps;
    await outbox.commit(`${row.batch_id}/summary`, row.reply_topic, await this.#summary(row, count, startedAt));
    // The patients' insurance numbers are not needed any more: only the outbox keeps answers, until retention.
    await db.run("UPDATE ehr_batches SET finished_at = ?, patients = '[]', reception = NULL WHERE batch_id = ?", [Date.now(), row.batch_id]);
    this.deps.logger.info({ batchId: row.batch_id, count }, 'batch finished');
  }

  /** The asynchronous 一括照会: upload once (the reception number is stored before anything else
   * happens), then fetch from the first result not yet committed. Every result is committed to the
   * outbox before the next fetch acknowledges it, so a crash or stop anywhere loses nothing and
   * commits nothing twice (event ids are <batchId>/<index>). A reception the service no longer has
   * (expired, unknown) is uploaded again for the patients still unanswered. False: stopped. */
  async #runAsync(row: BatchRow, todo: readonly { p: StoredPatient; index: number }[], done: ReadonlySet<string>): Promise<boolean> {
    const { db, outbox, line, logger } = this.deps;
    const signal = this.#abort.signal;
    const pollMs = this.deps.pollMs ?? 2000;
    const submit = line.submitBulk?.bind(line);
    const fetch = line.fetchBulk?.bind(line);
    if (!submit || !fetch) return false;
    const patients = JSON.parse(row.patients) as StoredPatient[];
    let reception = row.reception ? JSON.parse(String(row.reception)) as { number: string; indexes: number[] } : null;
    for (;;) {
      if (signal.aborted) return false;
      try {
        if (!reception) {
          const asked = todo.filter(({ index }) => !done.has(`${row.batch_id}/${index}`));
          const made = await submit(asked.map(({ p }) => p), signal);
          reception = { number: made.receptionNumber, indexes: asked.map(({ index }) => index) };
          await db.run('UPDATE ehr_batches SET reception = ? WHERE batch_id = ?', [JSON.stringify(reception), row.batch_id]);
          logger.info({ batchId: row.batch_id, patients: asked.length }, 'batch uploaded (一括照会); fetching results as they are made');
        }
        const current = reception;
        const committed = new Set((await db.all<{ event_id: string }>('SELECT event_id FROM outbox WHERE event_id LIKE ?', [`${row.batch_id}/%`])).map((r) => r.event_id));
        let cursor = current.indexes.findIndex((index) => !committed.has(`${row.batch_id}/${index}`));
        if (cursor < 0) cursor = current.indexes.length;
        const page = await fetch(current.number, cursor, signal);
        for (const item of page.items) {
          const index = current.indexes[item.index];
          const patient = index === undefined ? undefined : patients[index];
          if (index === undefined || !patient) continue;
          await outbox.commit(`${row.batch_id}/${index}`, row.reply_topic, await this.#item(row, index, patient, { ...item, index }));
        }
        if (page.complete && cursor + page.items.length >= current.indexes.length) {
          if (page.items.length > 0 || cursor < current.indexes.length) await fetch(current.number, current.indexes.length, signal).catch(() => undefined);
          return true;
        }
        if (page.items.length === 0) await sleep(pollMs, signal);
      } catch (error) {
        if (signal.aborted) return false;
        const refusal = error instanceof GatewayError ? error.details.serviceError : undefined;
        if ((typeof refusal === 'string' && refusal.startsWith('RECEPTION_')) || refusal === 'ITEMS_COLLECTED') {
          // The service no longer holds it: upload the patients still unanswered again.
          logger.warn({ batchId: row.batch_id, serviceError: refusal }, 'batch reception gone at the service; uploading the unanswered patients again');
          reception = null;
          await db.run('UPDATE ehr_batches SET reception = NULL WHERE batch_id = ?', [row.batch_id]);
          const fresh = new Set((await db.all<{ event_id: string }>('SELECT event_id FROM outbox WHERE event_id LIKE ?', [`${row.batch_id}/%`])).map((r) => r.event_id));
          done = fresh;
          continue;
        }
        // Any other failure ends the batch as the synchronous way does: every patient not answered
        // yet gets an item with the line's own code (LINE_DOWN and LINE_TIMEOUT queue a re-check),
        // then the summary. A batch never waits on a down line (the client has already retried
        // what is safe to retry, and an open breaker fails at once).
        const code = codeOf(error, 'LINE_ERROR');
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ batchId: row.batch_id, code }, 'batch line failed; the unanswered patients end with its code');
        await this.#endUnanswered(row, patients, code, message);
        return true;
      }
    }
  }

  /** An item with this failure for every patient of the batch not committed yet. */
  async #endUnanswered(row: BatchRow, patients: readonly StoredPatient[], code: ResultCode, message: string): Promise<void> {
    const committed = new Set((await this.deps.db.all<{ event_id: string }>('SELECT event_id FROM outbox WHERE event_id LIKE ?', [`${row.batch_id}/%`])).map((r) => r.event_id));
    for (const [index, patient] of patients.entries()) {
      const eventId = `${row.batch_id}/${index}`;
      if (committed.has(eventId)) continue;
      await this.deps.outbox.commit(eventId, row.reply_topic, await this.#item(row, index, patient, { index, ok: false, code, message }));
    }
  }

  async #item(row: BatchRow, index: number, patient: StoredPatient, item: BatchItemResult) {
    const echo = { requestId: row.request_id, correlationId: row.correlation_id };
    const code: ResultCode = item.ok ? codeOfResult(item.result) : item.code;
    const recheckId = !item.ok && isRecheckable(code) ? await this.deps.rechecks.enqueue('batch', echo, toPending(patient)) : null;
    const result = item.ok ? item.result : null;
    return {
      schema: 'oqs.batch-item.v2' as const,
      eventId: `${row.batch_id}/${index}`,
      batchId: row.batch_id,
      gatewayId: this.deps.gatewayId,
      time: new Date().toISOString(),
      ...echo,
      index,
      ref: patient.ref,
      code,
      ok: code === 'ELIGIBLE',
      message: item.ok ? null : item.message,
      recheckId,
      patientId: await this.#patientId(result),
      result,
    };
  }

  async #patientId(result: EligibilityResult | null): Promise<string | null> {
    return patientIdOfAnswer(result, this.deps.patientIdOf);
  }

  /** Counted from the committed items, so a resumed batch sums its first run's answers too. */
  async #summary(row: BatchRow, count: number, startedAt: string) {
    const byCode: Record<string, number> = {};
    let queued = 0;
    const rows = await this.deps.db.all<{ payload: string }>('SELECT payload FROM outbox WHERE event_id LIKE ?', [`${row.batch_id}/%`]);
    for (const r of rows) {
      const item = JSON.parse(r.payload) as { schema?: string; code?: string; recheckId?: string | null };
      if (item.schema !== 'oqs.batch-item.v2' || !item.code) continue;
      byCode[item.code] = (byCode[item.code] ?? 0) + 1;
      if (item.recheckId) queued++;
    }
    return {
      schema: 'oqs.batch-summary.v1' as const,
      eventId: `${row.batch_id}/summary`,
      batchId: row.batch_id,
      gatewayId: this.deps.gatewayId,
      time: new Date().toISOString(),
      requestId: row.request_id,
      correlationId: row.correlation_id,
      count,
      byCode,
      queued,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  }
}

/** The number of patients a request names, before it is validated (0 when it names none). */
function patientCount(body: unknown): number {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 0;
  const patients = (body as { patients?: unknown }).patients;
  return Array.isArray(patients) ? patients.length : 0;
}
