// ehr.asyncBatches: a batch of 2,000 booked patients runs as the asynchronous 一括照会 against the
// reference service over mutual TLS (line.driver https, the service outside the gateway so it
// outlives it). The gateway is stopped between upload and the last fetch and a new one is started
// on the same database: it goes on fetching the same reception (no second upload), and every
// patient is committed once — 2,000 items and one summary in the outbox, one answer per index on
// MQTT (a re-published item is the same event).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway } from '../../../../daemon/gateway.js';
import { FEATURES } from '../../../../daemon/features.js';
import { EligibilityService } from '../../../../drivers/line/sim/service/server.js';
import { ensureTestPki } from '../../../../drivers/line/sim/service/test-pki.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { connectEhr } from '../../../helpers/ehr-client.js';
import { ehrOf, testConfig } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';

t.test('an asynchronous batch of 2,000 survives a gateway restart between upload and fetch', async (t) => {
  const pki = await ensureTestPki();
  // 400 results a second: the batch takes ~5 s at the service, long enough to stop the gateway in it.
  const service = new EligibilityService({ pkiDir: pki, households: 300, bulk: { ratePerSecond: 400 } }, silentLogger);
  await service.start();
  t.teardown(() => service.stop());
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-async-batch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = testConfig(join(dir, 'data'), { url: broker.url, ehr: { asyncBatches: true, maxBatchPatients: 2000 } }, {
    line: {
      driver: 'https', url: service.url, retries: 0, breakerThreshold: 100,
      ca: join(pki, 'service', 'ca.pem'), cert: join(pki, 'clinic', 'client.pem'), key: join(pki, 'clinic', 'client.key'),
    },
  });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  const start = async () => {
    const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
    await waitFor('gateway connected', () => gateway.mqtt.connected);
    await waitFor('subscribed', () => ehrOf(gateway).subscribed);
    return gateway;
  };

  const people = service.register.entries;
  const patients = Array.from({ length: 2000 }, (_, i) => {
    const p = people[i % people.length]?.person;
    if (!p) throw new Error('empty register');
    return { ...p.insurance, birthDate: p.birthDate, ref: `booking-${i}` };
  });
  let gateway = await start();
  let running = true;
  t.teardown(async () => { if (running) await gateway.stop(); });
  const accepted = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', requestId: 'big-1', patients });
  t.match(accepted.body, { count: 2000, duplicate: false });
  const batchId = accepted.body.batchId as string;
  const items = () => ehr.on(ehr.replyTopic).filter((m) => m.body.schema === 'oqs.batch-item.v2' && m.body.batchId === batchId);

  await waitFor('some results fetched', () => items().length >= 200, 30000);
  const before = await gateway.db.get<{ reception: string | null }>('SELECT reception FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.ok(before?.reception, 'the reception number is stored');
  await gateway.stop(); // between upload and the last fetch
  running = false;
  const committedBefore = items().length;
  t.ok(committedBefore < 2000, `stopped mid-batch (${committedBefore} of 2,000 published)`);

  gateway = await start();
  running = true;
  await ehr.waitOn(ehr.replyTopic, (m) => m.body.schema === 'oqs.batch-summary.v1' && m.body.batchId === batchId, 60000);
  await ehrOf(gateway).batches.idle();
  t.equal(service.bulkUploads, 1, 'the restarted gateway went on with the same reception (no second upload)');
  const rows = await gateway.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE event_id LIKE ?', [`${batchId}/%`]);
  t.equal(rows?.n, 2001, '2,000 items and one summary committed, each once');
  const byIndex = new Map<number, string>();
  const conflicting: number[] = [];
  for (const m of items()) {
    const index = m.body.index as number;
    const text = JSON.stringify(m.body);
    const seen = byIndex.get(index);
    if (seen !== undefined && seen !== text) conflicting.push(index);
    byIndex.set(index, text);
  }
  t.equal(byIndex.size, 2000, 'every patient answered on MQTT');
  t.same(conflicting, [], 'no patient got two different answers');
  const wrongRef = items().filter((m) => m.body.ref !== `booking-${m.body.index as number}`).length;
  t.equal(wrongRef, 0, 'each answer carries its own booking ref');
  const left = await gateway.db.get<{ reception: string | null; patients: string }>('SELECT reception, patients FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.same(left, { reception: null, patients: '[]' }, 'finished: reception and insurance numbers dropped');
  running = false;
  await gateway.stop();
});
