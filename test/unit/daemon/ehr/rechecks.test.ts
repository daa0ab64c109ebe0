// The re-check queue and batch resumption without a broker: a fake line that is down until healed,
// a controllable clock, the real SQLite store and outbox.
import t from 'tap';
import type { BatchItemResult, CardCheckRequest, EligibilityClient, EligibilityResult, NumberCheckRequest, ReferenceRegistered, ReferenceRegistration } from '../../../../drivers/line/eligibility.js';
import { toPending } from '../../../../drivers/line/pending.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { GatewayError, type ResultCode } from '../../../../vocabulary/result-codes.js';
import { BatchRunner } from '../../../../daemon/ehr/batches.js';
import { RecheckQueue } from '../../../../daemon/ehr/rechecks.js';
import type { Responder } from '../../../../daemon/ehr/responder.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { Database } from '../../../../daemon/store/database.js';
import { Outbox } from '../../../../daemon/store/outbox.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';

const ASK: NumberCheckRequest = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

class Line implements EligibilityClient {
  failure: ResultCode | null = 'LINE_DOWN';
  /** Batch answers leave out this many patients at the end (a faulty service). */
  dropLast = 0;
  asked: NumberCheckRequest[] = [];
  async start() {}
  async stop() {}
  async challenge() { return 'c'; }
  #answer(): EligibilityResult {
    if (this.failure) throw new GatewayError(this.failure, 'fake');
    return fakeResult('valid');
  }
  async checkByCard(_request: CardCheckRequest) { return this.#answer(); }
  async checkByNumber(request: NumberCheckRequest) { this.asked.push(request); return this.#answer(); }
  async checkBatch(requests: readonly NumberCheckRequest[]): Promise<BatchItemResult[]> {
    this.asked.push(...requests);
    return requests.slice(0, requests.length - this.dropLast).map((_, index) => ({ index, ok: true as const, result: fakeResult(index % 2 ? 'invalid' : 'valid') }));
  }
  async registerReferenceNumber(r: ReferenceRegistration): Promise<ReferenceRegistered> { return { referenceNumber: r.referenceNumber, previousReferenceNumber: null }; }
  async checkByReference(_referenceNumber: string) { return this.#answer(); }
  health() { return { ok: true, detail: 'fake', breaker: 'closed' as const }; }
}

async function setup(t: import('tap').Test) {
  let now = 1_700_000_000_000;
  const db = await Database.open(':memory:');
  t.teardown(() => db.close());
  const outbox = new Outbox(db, () => now);
  const line = new Line();
  const answered: string[] = [];
  const queue = new RecheckQueue({
    db, outbox, line, topic: 'oqs/gw/inquiries/rechecks', gatewayId: 'gw', intervalMs: 1000, maxAgeMs: 3600_000,
    patientIdOf: async () => 'P-7', onCheckinAnswered: async (id) => { answered.push(id); }, logger: silentLogger, now: () => now,
  });
  const published = async () => (await outbox.pending(100)).map((m) => JSON.parse(m.payload) as Record<string, unknown>);
  return { db, outbox, line, queue, answered, published, advance: (ms: number) => (now += ms) };
}

t.test('queued while the line is down, published once it answers', async (t) => {
  const s = await setup(t);
  const id = await s.queue.enqueue('inquiry', { requestId: 'r-1', correlationId: 'c-1' }, toPending(ASK));
  await s.queue.runDue();
  t.equal(s.line.asked.length, 0, 'not due yet');
  s.advance(1000);
  await s.queue.runDue();
  t.equal(s.line.asked.length, 1);
  t.equal(await s.queue.depth(), 1, 'still down: kept');
  t.same(await s.published(), []);
  s.line.failure = null;
  s.advance(1000);
  await s.queue.runDue();
  t.equal(await s.queue.depth(), 0);
  const [answer] = await s.published();
  t.match(answer, { schema: 'oqs.inquiry-response.v2', eventId: id, recheckId: id, status: 'rechecked', code: 'ELIGIBLE', requestId: 'r-1', correlationId: 'c-1', patientId: 'P-7', checkinEventId: null });
  t.equal(validatePayload('inquiry-response.v2', answer), null);
});

t.test('a final failure is published; an old one expires', async (t) => {
  const s = await setup(t);
  await s.queue.enqueue('batch', { requestId: null, correlationId: null }, toPending(ASK));
  s.line.failure = 'LINE_ERROR';
  s.advance(1000);
  await s.queue.runDue();
  t.match(await s.published(), [{ status: 'rechecked', code: 'LINE_ERROR', result: null }]);

  const s2 = await setup(t);
  await s2.queue.enqueue('inquiry', { requestId: 'old', correlationId: null }, toPending(ASK));
  s2.advance(3600_000 + 1);
  await s2.queue.runDue();
  t.equal(s2.line.asked.length, 0, 'an expired re-check is not sent');
  t.match(await s2.published(), [{ status: 'expired', code: 'LINE_DOWN', requestId: 'old' }]);
  t.equal(await s2.queue.depth(), 0, 'and its patient data is gone');
});

t.test('a card check-in re-checked: answered with its eventId, made linkable', async (t) => {
  const s = await setup(t);
  const certificate = Buffer.from('cert');
  await s.queue.enqueue('checkin', { requestId: '5b0f4f8e-2a55-4a52-9d3c-1c1e3f0d7a10', correlationId: null }, toPending({ certificate, method: 'face', consents: {} }));
  s.line.failure = null;
  s.advance(1000);
  await s.queue.runDue();
  t.match(await s.published(), [{ checkinEventId: '5b0f4f8e-2a55-4a52-9d3c-1c1e3f0d7a10', requestId: null, code: 'ELIGIBLE' }]);
  t.same(s.answered, ['5b0f4f8e-2a55-4a52-9d3c-1c1e3f0d7a10']);
});

t.test('a batch interrupted half-way resumes with the patients not answered yet', async (t) => {
  const s = await setup(t);
  const responder = { send: async () => {}, error: async () => {} } as unknown as Responder;
  const runner = new BatchRunner({
    db: s.db, outbox: s.outbox, line: s.line, responder, rechecks: s.queue, gatewayId: 'gw', maxPatients: 10, chunk: 2,
    patientIdOf: async () => null, logger: silentLogger,
  });
  const patients = [0, 1, 2, 3, 4].map((i) => ({ ...ASK, number: String(1000 + i), ref: `b-${i}` }));
  const batchId = '8d2e7f64-3f4b-4d7e-9a55-0e8f1d1c2b3a';
  await s.db.run('INSERT INTO ehr_batches (batch_id, request_id, reply_topic, correlation_id, patients, count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [batchId, 'r', 'oqs/gw/replies/ehr', null, JSON.stringify(patients), 5, 0]);
  // The first run answered patients 0 and 1 before the crash.
  for (const index of [0, 1]) await s.outbox.commit(`${batchId}/${index}`, 'oqs/gw/replies/ehr', { schema: 'oqs.batch-item.v2', code: 'ELIGIBLE', recheckId: null });
  t.equal(await runner.resume(), 1);
  await runner.idle();
  t.same(s.line.asked.map((p) => p.number), ['1002', '1003', '1004'], 'only the unanswered patients are asked');
  const summary = (await s.published()).find((m) => m.schema === 'oqs.batch-summary.v1');
  t.match(summary, { count: 5, byCode: { ELIGIBLE: 4, NOT_ELIGIBLE: 1 }, queued: 0 });
  t.equal(validatePayload('batch-summary.v1', summary), null);
  const row = await s.db.get<{ patients: string; finished_at: number | null }>('SELECT patients, finished_at FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.same([row?.patients, typeof row?.finished_at], ['[]', 'number'], 'finished, and its insurance numbers dropped');
  t.equal(await runner.resume(), 0, 'nothing left to resume');
});

t.test('a patient the service left out of its answer still gets an item', async (t) => {
  const s = await setup(t);
  s.line.dropLast = 1;
  const responder = { send: async () => {}, error: async () => {} } as unknown as Responder;
  const runner = new BatchRunner({
    db: s.db, outbox: s.outbox, line: s.line, responder, rechecks: s.queue, gatewayId: 'gw', maxPatients: 10, chunk: 3,
    patientIdOf: async () => null, logger: silentLogger,
  });
  const batchId = '0d2e7f64-3f4b-4d7e-9a55-0e8f1d1c2b3a';
  await s.db.run('INSERT INTO ehr_batches (batch_id, request_id, reply_topic, correlation_id, patients, count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [batchId, null, 'oqs/gw/replies/ehr', null, JSON.stringify([ASK, ASK, ASK].map((p) => ({ ...p, ref: null }))), 3, 0]);
  await runner.resume();
  await runner.idle();
  const items = (await s.published()).filter((m) => m.schema === 'oqs.batch-item.v2');
  t.same(items.map((m) => [m.index, m.code]), [[0, 'ELIGIBLE'], [1, 'NOT_ELIGIBLE'], [2, 'LINE_ERROR']]);
  t.match((await s.published()).find((m) => m.schema === 'oqs.batch-summary.v1'), { count: 3, byCode: { ELIGIBLE: 1, NOT_ELIGIBLE: 1, LINE_ERROR: 1 } });
});
