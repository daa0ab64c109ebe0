// 照会番号 end to end: the EHR links a check-in over MQTT (mosquitto); the gateway registers the
// patient id with the eligibility service (the reference service over mutual TLS) as the clinic's
// 照会番号, queued while the line is down; answers then carry it even where this box has no local
// link (another box of the clinic, a lost cache). A restart migrates links made before 照会番号
// existed: registered when the check-in is within retention, kept local (and counted) when not.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimCardReader } from '../../../../drivers/card/sim/sim-card-reader.js';
import type { SimEligibilityLine } from '../../../../drivers/line/sim/sim-eligibility-client.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { FEATURES } from '../../../../daemon/features.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { connectEhr, type TestEhr } from '../../../helpers/ehr-client.js';
import { ehrOf, testConfig } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

function serviceOf(gateway: Gateway) {
  const service = (gateway.devices.line as SimEligibilityLine).service;
  if (!service) throw new Error('the sim line has no service');
  return service;
}

async function cardCheckin(gateway: Gateway, ehr: TestEhr): Promise<Record<string, unknown>> {
  const card = gateway.devices.card as unknown as SimCardReader;
  const before = new Set(ehr.on(`${BASE}/checkins`).map((m) => m.body.eventId));
  await waitFor('the reader idle', () => gateway.readerState === 'idle');
  card.insert('yamada-taro');
  const event = await ehr.waitOn(`${BASE}/checkins`, (m) => !before.has(m.body.eventId), 30000);
  card.remove();
  return event.body;
}

const stateOf = async (gateway: Gateway): Promise<string | null | undefined> =>
  (await gateway.db.get<{ reference_state: string | null }>('SELECT reference_state FROM patient_links'))?.reference_state;
const queued = async (gateway: Gateway): Promise<number> =>
  (await gateway.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM reference_registrations'))?.n ?? -1;

t.test('a patient link becomes the clinic\'s 照会番号: queued while the line is down, migrated at restart', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-ref-gw-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = testConfig(join(dir, 'data'), { url: broker.url }, { flow: { identityMethods: ['face'] } });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  const start = async () => {
    const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
    await waitFor('gateway connected', () => gateway.mqtt.connected);
    await waitFor('the gateway subscribed to the request topics', () => ehrOf(gateway).subscribed);
    return gateway;
  };

  let gateway = await start();
  let stopped = false;
  t.teardown(async () => { if (!stopped) await gateway.stop(); });
  const checkin = await cardCheckin(gateway, ehr);
  t.match(checkin, { result: { code: 'ELIGIBLE' }, eligibility: { referenceNumber: null } });

  // The line is down when the EHR links: the link answers at once, the registration waits.
  serviceOf(gateway).setFaults({ latencyMs: 0, jitterMs: 0, faults: [{ kind: '503', rate: 1 }] });
  const linked = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', requestId: 'l-1', eventId: checkin.eventId, patientId: 'P-0001' });
  t.match(linked.body, { linked: true, patientId: 'P-0001' });
  await waitFor('a failed attempt', async () => ((await gateway.db.get<{ attempts: number }>('SELECT attempts FROM reference_registrations'))?.attempts ?? 0) >= 1);
  t.equal(await stateOf(gateway), null, 'not registered while the line is down');
  serviceOf(gateway).setFaults({ latencyMs: 0, jitterMs: 0, faults: [] });
  await ehrOf(gateway).registrar.drain();
  await waitFor('registered once the line is back', async () => (await stateOf(gateway)) === 'registered', 20000);
  t.equal(await queued(gateway), 0, 'the queued registration (insurance number, birth date) is deleted once sent');

  // Without this box's link (another box of the clinic, a lost cache) the answer still names the patient.
  await gateway.db.run('DELETE FROM patient_links');
  const asked = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA });
  t.match(asked.body, { code: 'ELIGIBLE', patientId: 'P-0001', result: { referenceNumber: 'P-0001' } }, 'patientId from the 照会番号 the service returned');
  const next = await cardCheckin(gateway, ehr);
  t.match(next, { patientId: 'P-0001', eligibility: { referenceNumber: 'P-0001' } }, 'a card check-in too');

  // A link made before 照会番号 (reference_state NULL). After a restart the service is a new
  // in-process one that knows no numbers, like a service that never had it registered.
  const relinked = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: next.eventId, patientId: 'P-0002' });
  t.match(relinked.body, { linked: true, patientId: 'P-0002' });
  await waitFor('registered', async () => (await stateOf(gateway)) === 'registered');
  await gateway.db.run('UPDATE patient_links SET reference_state = NULL');
  await gateway.stop();
  gateway = await start();
  await waitFor('the old link migrated and registered', async () => (await stateOf(gateway)) === 'registered', 20000);
  const afterRestart = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA });
  t.match(afterRestart.body, { patientId: 'P-0002', result: { referenceNumber: 'P-0002' } }, 'the migrated link is the 照会番号 now');

  // A pre-照会番号 link whose check-in is past retention cannot be registered (the gateway never
  // kept the insurance number): it stays a local link and is counted.
  await gateway.db.run('UPDATE patient_links SET reference_state = NULL');
  await gateway.db.run('DELETE FROM outbox');
  t.same(await ehrOf(gateway).registrar.migrate(), { queued: 0, local: 1 });
  t.equal(await stateOf(gateway), 'local');

  // A patient id that is not a valid 照会番号 (longer than 20) stays local, without an attempt.
  const third = await cardCheckin(gateway, ehr);
  const long = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: third.eventId, patientId: 'PATIENT-0000000000000000003' });
  t.match(long.body, { linked: true });
  await waitFor('the old number removed at the service', async () => (await queued(gateway)) === 0);
  t.equal(await stateOf(gateway), 'local');
  const local = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA });
  t.match(local.body, { patientId: 'PATIENT-0000000000000000003', result: { referenceNumber: null } }, 'the local link answers; the service no longer names the old id');
  stopped = true;
  await gateway.stop();
});
