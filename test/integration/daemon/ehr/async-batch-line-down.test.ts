// ehr.asyncBatches with the line down: the reference service over real mutual TLS (the line
// harness), stopped before the upload or between two fetches. The batch must end by itself, every
// patient with one item — the line's code (LINE_DOWN, a re-check queued) for those not answered —
// and the summary, exactly as the synchronous batch ends on a down line; it must not wait.
import t from 'tap';
import type { NumberCheckRequest } from '../../../../drivers/line/eligibility.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { BatchRunner } from '../../../../daemon/ehr/batches.js';
import { RecheckQueue } from '../../../../daemon/ehr/rechecks.js';
import type { IncomingRequest } from '../../../../daemon/ehr/request.js';
import type { Responder } from '../../../../daemon/ehr/responder.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { Database } from '../../../../daemon/store/database.js';
import { Outbox } from '../../../../daemon/store/outbox.js';
import { startHarness, type Harness } from '../../../helpers/line-harness.js';
import { waitFor } from '../../../helpers/ports.js';

const REPLY = 'oqs/gw/replies/ehr/1';

async function setup(t: import('tap').Test, harness: Harness) {
  const db = await Database.open(':memory:');
  t.teardown(() => db.close());
  const outbox = new Outbox(db);
  const rechecks = new RecheckQueue({
    db, outbox, line: harness.client, topic: 'oqs/gw/inquiries/rechecks', gatewayId: 'gw', intervalMs: 60_000, maxAgeMs: 3600_000,
    patientIdOf: async () => null, onCheckinAnswered: async () => {}, logger: silentLogger,
  });
  const accepted: Record<string, unknown>[] = [];
  const errors: string[] = [];
  const responder = {
    send: async (_reply: unknown, payload: Record<string, unknown>) => { accepted.push(payload); },
    error: async (_request: unknown, code: string) => { errors.push(code); },
  } as unknown as Responder;
  const runner = new BatchRunner({
    db, outbox, line: harness.client, responder, rechecks, gatewayId: 'gw', maxPatients: 5000, chunk: 200,
    patientIdOf: async () => null, logger: silentLogger, asyncBatches: true, pollMs: 20,
  });
  t.teardown(() => runner.stop());
  const submit = async (patients: readonly NumberCheckRequest[]): Promise<string> => {
    const request: IncomingRequest = {
      kind: 'batch', topic: 'oqs/gw/batches', reply: { topic: REPLY, correlationData: null }, replyProblem: null,
      requestId: null, correlationId: null, unreadable: false,
      body: { schema: 'oqs.batch-request.v2', patients: patients.map((p, i) => ({ ...p, ref: `booking-${i}` })) },
    };
    await runner.handle(request);
    t.same(errors, [], 'the batch was accepted');
    const batchId = accepted.at(-1)?.batchId;
    if (typeof batchId !== 'string') throw new Error('no batch accepted');
    return batchId;
  };
  const committed = async (batchId: string) =>
    (await db.all<{ payload: string }>('SELECT payload FROM outbox WHERE event_id LIKE ?', [`${batchId}/%`])).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  return { db, runner, rechecks, submit, committed };
}

function patientsOf(harness: Harness, count: number): NumberCheckRequest[] {
  const people = harness.service.register.entries;
  return Array.from({ length: count }, (_, i) => {
    const p = people[i % people.length]?.person;
    if (!p) throw new Error('empty register');
    return { ...p.insurance, birthDate: p.birthDate };
  });
}

/** Items by index (each must be there once) and the summary; every payload valid against its schema. */
function check(t: import('tap').Test, payloads: readonly Record<string, unknown>[], count: number) {
  const items = payloads.filter((p) => p.schema === 'oqs.batch-item.v2');
  const summaries = payloads.filter((p) => p.schema === 'oqs.batch-summary.v1');
  t.equal(summaries.length, 1, 'one summary');
  t.equal(items.length, count, 'one item per patient');
  t.same([...new Set(items.map((i) => i.index))].length, count, 'no patient twice');
  const invalid = payloads.filter((p) => validatePayload(p.schema === 'oqs.batch-item.v2' ? 'batch-item.v2' : 'batch-summary.v1', p) !== null);
  t.equal(invalid.length, 0, 'every item and the summary match their schemas');
  return { items, summary: summaries[0] as { count: number; byCode: Record<string, number>; queued: number } };
}

t.test('the service is down before the upload: every patient LINE_DOWN, re-checks queued, the batch ends', async (t) => {
  const harness = await startHarness(t);
  const s = await setup(t, harness);
  const patients = patientsOf(harness, 5);
  await harness.service.stop();
  const batchId = await s.submit(patients);
  await s.runner.idle();
  const { items, summary } = check(t, await s.committed(batchId), 5);
  t.same(items.map((i) => i.code), Array(5).fill('LINE_DOWN'), 'each patient ends with LINE_DOWN');
  t.ok(items.every((i) => typeof i.recheckId === 'string' && i.result === null), 'each queued for a re-check, no result');
  t.match(summary, { count: 5, byCode: { LINE_DOWN: 5 }, queued: 5 });
  t.equal(await s.rechecks.depth(), 5);
  const row = await s.db.get<{ finished_at: number | null; reception: string | null }>('SELECT finished_at, reception FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.ok(row?.finished_at, 'the batch is finished, not waiting');
  t.equal(harness.service.bulkUploads, 0, 'nothing reached the service');
});

t.test('the service goes down between two fetches: answered patients keep their answer, the rest LINE_DOWN', async (t) => {
  let now = Date.parse('2026-11-30T01:00:00Z');
  // The service's clock stands still: it makes 120 results, then none until the clock moves.
  const harness = await startHarness(t, { service: { clock: () => new Date(now), bulk: { ratePerSecond: 1000 } } });
  const s = await setup(t, harness);
  const batchId = await s.submit(patientsOf(harness, 300));
  await waitFor('uploaded', () => harness.service.bulkUploads === 1);
  now += 120;
  await waitFor('120 results committed', async () => (await s.committed(batchId)).length >= 120);
  await harness.service.stop();
  await s.runner.idle();
  const { items, summary } = check(t, await s.committed(batchId), 300);
  const down = items.filter((i) => i.code === 'LINE_DOWN');
  t.equal(down.length, 180, 'the 180 not made yet end with LINE_DOWN');
  t.ok(down.every((i) => (i.index as number) >= 120 && typeof i.recheckId === 'string'), 'only unanswered patients, each queued for a re-check');
  t.ok(items.filter((i) => (i.index as number) < 120).every((i) => i.result !== null && i.code !== 'LINE_DOWN'), 'the first 120 carry the service\'s answer');
  t.equal(summary.count, 300);
  t.equal(summary.byCode.LINE_DOWN, 180);
  t.equal(summary.queued, 180);
  t.equal(harness.service.bulkUploads, 1, 'one upload');
});
