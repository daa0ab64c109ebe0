// ehr.asyncBatches, the hard way: the real daemon process (`oqsgw start`) runs a batch of 2,000
// booked patients as the asynchronous 一括照会 against the reference service over mutual TLS (the
// service in this process, so it outlives the daemon), publishing to a real mosquitto. The daemon
// is SIGKILLed between the upload and the last fetch (no stop handler runs: whatever was in flight
// is simply gone) and started again on the same database. It must go on with the same reception
// (one upload), commit each patient once (2,000 items + 1 summary in the outbox) and a persistent
// QoS 1 subscriber must end with exactly one answer per patient (an item published twice across
// the kill is the same event, byte for byte).
import { join } from 'node:path';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { EligibilityService } from '../../../../drivers/line/sim/service/server.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startDaemon, writeConfig, type DaemonProcess } from '../../../helpers/daemon.js';
import { pkiDir } from '../../../helpers/line-harness.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/akill';
const REPLY = `${BASE}/replies/ehr/bookings`;
const COUNT = 2000;

function query<T>(file: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => e && reject(e));
    db.all(sql, params, (e, rows: T[]) => {
      db.close();
      if (e) reject(e); else resolve(rows);
    });
  });
}

t.test('an asynchronous batch of 2,000 survives a SIGKILL of the gateway between upload and fetch', { timeout: 240_000 }, async (t) => {
  const broker = await startMosquitto();
  const pki = await pkiDir();
  // 200 results a second: ~10 s of work at the service, long enough to kill the daemon inside it.
  const service = new EligibilityService({ pkiDir: pki, households: 300, bulk: { ratePerSecond: 200 } }, silentLogger);
  await service.start();
  const { dir, file } = writeConfig({
    version: 2, gatewayId: 'akill', dataDir: 'data', logLevel: 'warn',
    mqtt: { url: broker.url, reconnectMilliseconds: 200 },
    ehr: { asyncBatches: true, maxBatchPatients: COUNT, recheckIntervalSeconds: 1 },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: {
      driver: 'https', url: `https://localhost:${service.port}`,
      ca: join(pki, 'service/ca.pem'), cert: join(pki, 'clinic/client.pem'), key: join(pki, 'clinic/client.key'),
      retries: 0, breakerThreshold: 100, probeIntervalMs: 0,
    },
    status: { enabled: false },
  });
  const store = join(dir, 'data', 'gateway.sqlite');

  // The EHR: a persistent session (fixed id, clean start off, session kept), QoS 1.
  const received: { text: string; body: Record<string, unknown> }[] = [];
  const ehr = await mqtt.connectAsync(broker.url, {
    clientId: 'akill-ehr', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 600 }, reconnectPeriod: 200,
  });
  ehr.on('message', (_topic, payload) => {
    const text = payload.toString('utf8');
    received.push({ text, body: JSON.parse(text) as Record<string, unknown> });
  });
  await ehr.subscribeAsync([`${BASE}/replies/ehr/#`, `${BASE}/status`], { qos: 1 });

  let daemon: DaemonProcess = startDaemon(['start', '--config', file], dir);
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await ehr.endAsync(true);
    await service.stop();
    await broker.stop();
    removeDir(broker.dir);
    removeDir(dir);
  });
  const withOutput = (p: Promise<unknown>) => p.catch((e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); });
  await withOutput(waitFor('the daemon online', () => received.some((m) => m.body.schema === 'oqs.status.v1' && m.body.state === 'online'), 60000));

  const people = service.register.entries;
  const patients = Array.from({ length: COUNT }, (_, i) => {
    const p = people[i % people.length]?.person;
    if (!p) throw new Error('empty register');
    return { ...p.insurance, birthDate: p.birthDate, ref: `booking-${i}` };
  });
  const request = JSON.stringify({ schema: 'oqs.batch-request.v2', requestId: 'akill-1', patients });
  // Online is published on connect, the request topics are subscribed just after: ask until
  // accepted (the same requestId is accepted once; a repeat answers duplicate: true).
  const accepted = () => received.find((m) => m.body.schema === 'oqs.batch-accepted.v1');
  await withOutput(waitFor('the batch accepted', async () => {
    if (!accepted()) await ehr.publishAsync(`${BASE}/batches`, request, { qos: 1, properties: { responseTopic: REPLY } });
    return accepted();
  }, 60000, 1000));
  const batchId = accepted()?.body.batchId as string;
  t.equal(accepted()?.body.count, COUNT);
  const items = () => received.filter((m) => m.body.schema === 'oqs.batch-item.v2' && m.body.batchId === batchId);

  await withOutput(waitFor('some results published', () => items().length >= 200, 120000));
  t.equal(await daemon.stop('SIGKILL'), 'SIGKILL', 'killed between upload and the last fetch');
  const atKill = items().length;
  t.ok(atKill < COUNT, `killed mid-batch (${atKill} of ${COUNT} published)`);
  const [row] = await query<{ reception: string | null; finished_at: number | null }>(store, 'SELECT reception, finished_at FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.ok(row?.reception, 'the reception number is stored');
  t.equal(row?.finished_at, null, 'not finished at the kill');

  daemon = startDaemon(['start', '--config', file], dir);
  await withOutput(waitFor('the summary after the restart', () => received.some((m) => m.body.schema === 'oqs.batch-summary.v1' && m.body.batchId === batchId), 180000));
  t.equal(await daemon.stop('SIGTERM'), 0, 'the restarted daemon stops cleanly');

  t.equal(service.bulkUploads, 1, 'the restarted gateway went on with the same reception (no second upload)');
  const [outbox] = await query<{ n: number }>(store, 'SELECT COUNT(*) AS n FROM outbox WHERE event_id LIKE ?', [`${batchId}/%`]);
  t.equal(outbox?.n, COUNT + 1, '2,000 items and one summary committed, each once');
  const byIndex = new Map<number, string>();
  const conflicting: number[] = [];
  for (const m of items()) {
    const index = m.body.index as number;
    const seen = byIndex.get(index);
    if (seen !== undefined && seen !== m.text) conflicting.push(index);
    byIndex.set(index, m.text);
  }
  t.equal(byIndex.size, COUNT, 'every patient answered on MQTT');
  t.same(conflicting, [], 'no patient got two different answers (a repeat is the same event)');
  t.equal(items().filter((m) => m.body.ref !== `booking-${m.body.index as number}`).length, 0, 'each answer carries its own booking ref');
  t.equal(items().filter((m) => m.body.code === 'LINE_DOWN' || m.body.code === 'LINE_ERROR').length, 0, 'every answer is the service\'s');
  const summaries = received.filter((m) => m.body.schema === 'oqs.batch-summary.v1' && m.body.batchId === batchId);
  t.match(summaries[0]?.body, { count: COUNT, queued: 0 });
  const [left] = await query<{ reception: string | null; patients: string }>(store, 'SELECT reception, patients FROM ehr_batches WHERE batch_id = ?', [batchId]);
  t.same(left, { reception: null, patients: '[]' }, 'finished: reception and insurance numbers dropped');
  t.comment(`killed with ${atKill} of ${COUNT} published; ${items().length} item messages received in all (${items().length - COUNT} repeats)`);
});
