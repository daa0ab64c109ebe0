// The example broker config (systemd/mosquitto/) on a real mosquitto: TLS with client
// certificates, CN as user name, and the ACL. The gateway connects over mqtts with its
// certificate; the EHR reads check-ins and asks inquiries; the ACL keeps the EHR off the
// gateway's topics and off the gateway's requests; a client without a certificate is refused.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { CheckinOutcome } from '../../../../daemon/flow/checkin-event.js';
import { checkBroker } from '../../../../daemon/ops/doctor/host-checks.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { connectEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway } from '../../../helpers/ehr-gateway.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

const PKI = fromRoot('var/pki/mqtt');
const BASE = 'oqs/gw1'; // the gateway id the example ACL is written for
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };
const outcome: CheckinOutcome = { code: 'ELIGIBLE', method: 'face', face: { decision: 'match', score: 0.9, threshold: 0.5 }, consents: {}, eligibility: fakeResult('valid') };

/**
 * The shipped example, with the test's port and paths. mosquitto started as root drops to its own
 * user before it reads certificates, so the broker's files are copied where that user can read
 * them (as an installer would put them in /etc/mosquitto/certs/oqs/).
 */
function exampleConfig(port: number, dir: string): string {
  chmodSync(dir, 0o755);
  for (const file of ['ca.pem', 'server.pem', 'server.key']) {
    copyFileSync(`${PKI}/${file}`, join(dir, file));
    chmodSync(join(dir, file), 0o644); // a scratch copy of a test key; production: 0640 root:mosquitto
  }
  copyFileSync(fromRoot('systemd/mosquitto/oqs-gateway.acl'), join(dir, 'oqs-gateway.acl'));
  chmodSync(join(dir, 'oqs-gateway.acl'), 0o644);
  return readFileSync(fromRoot('systemd/mosquitto/mosquitto.conf'), 'utf8')
    .replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`)
    .replaceAll('/etc/mosquitto/certs/oqs/', `${dir}/`)
    .replaceAll('/etc/mosquitto/oqs-gateway.acl', join(dir, 'oqs-gateway.acl'))
    .replace(/^(persistence|persistence_location|autosave_interval) .*$/gm, ''); // the helper's own
}

const tls = (who: 'gateway' | 'ehr') => ({
  ca: readFileSync(`${PKI}/ca.pem`), cert: readFileSync(`${PKI}/${who}.pem`), key: readFileSync(`${PKI}/${who}.key`), rejectUnauthorized: true,
});

t.test('TLS + ACL with the example broker config', async (t) => {
  execFileSync('bash', [fromRoot('scripts/gen-test-pki.sh')]);
  const port = await freePort();
  const files = mkdtempSync(join(tmpdir(), 'oqs-ehr-broker-'));
  t.teardown(() => removeDir(files));
  const broker = await startMosquitto(exampleConfig(port, files));
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const url = `mqtts://localhost:${port}`;

  const gw = await startTestGateway(t, { url, ca: `${PKI}/ca.pem`, cert: `${PKI}/gateway.pem`, key: `${PKI}/gateway.key` }, { gatewayId: 'gw1' });
  await waitFor('the gateway connected over mqtts', () => gw.gateway.mqtt.connected, 15000);

  // The EHR's user name is its certificate CN ("ehr"); its replies live under replies/ehr/.
  const ehr = await connectEhr(url, BASE, { protocolVersion: 5, clientId: 'ehr', ...tls('ehr') });
  t.teardown(() => ehr.end());
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);

  const answer = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA });
  t.match(answer.body, { status: 'answered', code: 'ELIGIBLE' }, 'the EHR publishes an inquiry and reads its answer');

  // Forgeries first, then a real check-in: if the ACL let them through they would arrive before it.
  const forged = JSON.stringify({ schema: 'oqs.checkin.v2', eventId: '00000000-0000-4000-8000-000000000000', forged: true });
  await ehr.client.publishAsync(`${BASE}/checkins`, forged, { qos: 1 }).catch(() => {});
  await ehr.client.publishAsync(`${BASE}/status`, JSON.stringify({ state: 'offline', forged: true }), { qos: 1 }).catch(() => {});
  await ehr.client.publishAsync(`${BASE}/inquiries/rechecks`, JSON.stringify({ forged: true }), { qos: 1 }).catch(() => {});
  // A second EHR process of the same user shares the check-ins (MQTT 5 shared subscription).
  const desk = await mqtt.connectAsync(url, { clientId: 'ehr-desk-2', protocolVersion: 5, ...tls('ehr') });
  t.teardown(() => desk.endAsync(true));
  const shared: string[] = [];
  desk.on('message', (_topic, payload) => shared.push((JSON.parse(payload.toString()) as { eventId: string }).eventId));
  await desk.subscribeAsync(`$share/desk/${BASE}/checkins`, { qos: 1 });
  const real = await gw.gateway.commitCheckin(outcome, Date.now());
  await ehr.waitOn(`${BASE}/checkins`, (m) => m.body.eventId === real.eventId);
  t.pass('the EHR reads check-ins');
  await waitFor('the shared subscriber has it too', () => shared.includes(real.eventId));
  t.pass('a shared subscription passes the ACL');
  t.same(ehr.received.filter((m) => m.body.forged === true).map((m) => m.topic), [], 'the ACL kept the EHR off the gateway topics');

  // mosquitto grants any subscription and filters by the ACL at delivery: prove it by delivery.
  await ehr.client.subscribeAsync([`${BASE}/inquiries`, `${BASE}/replies/someone-else`], { qos: 1 });
  await ehr.client.publishAsync(`${BASE}/inquiries`, JSON.stringify({ schema: 'oqs.inquiry-request.v2', ...YAMADA, requestId: 'for-someone-else', replyTo: `${BASE}/replies/someone-else` }), { qos: 1 });
  const marker = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA, requestId: 'marker' });
  t.equal(marker.body.requestId, 'marker');
  t.same(ehr.on(`${BASE}/inquiries`), [], 'the EHR may not read requests (its own included)');
  t.same(ehr.on(`${BASE}/replies/someone-else`), [], "the EHR may not read another client's replies");

  // Issue 17 item 2: `oqsgw doctor` passes this correct install (it failed: 135 Not authorized),
  // its probe is a documented JSON payload no EHR receives, and a client the ACL does not let
  // write as the gateway fails the check.
  const doctorConfig = (who: 'gateway' | 'ehr') => ({ ...gw.config, mqtt: { ...gw.config.mqtt, url, ca: `${PKI}/ca.pem`, cert: `${PKI}/${who}.pem`, key: `${PKI}/${who}.key` } });
  const watcher = await mqtt.connectAsync(url, { clientId: 'ehr-watcher', protocolVersion: 5, ...tls('ehr') });
  t.teardown(() => watcher.endAsync(true));
  const seenByEhr: string[] = [];
  watcher.on('message', (topic) => seenByEhr.push(topic));
  await watcher.subscribeAsync('oqs/#', { qos: 1 });
  const doctor = await checkBroker(doctorConfig('gateway'));
  t.equal(doctor.level, 'OK', `doctor OK with the shipped config and ACL: ${doctor.detail} ${doctor.fix ?? ''}`);
  const asEhr = await checkBroker(doctorConfig('ehr'));
  t.equal(asEhr.level, 'FAIL', `doctor with the EHR's certificate fails: ${asEhr.detail}`);
  t.match(asEhr.detail + (asEhr.fix ?? ''), /ACL|authori[sz]ed/i, 'and says it is the ACL');
  const marker2 = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA, requestId: 'marker-2' });
  t.equal(marker2.body.requestId, 'marker-2');
  t.same(seenByEhr.filter((topic) => topic.includes('doctor')), [], 'no EHR subscriber sees the doctor probe');

  // Without a client certificate the TLS listener refuses the connection.
  const stranger = mqtt.connect(url, { ca: readFileSync(`${PKI}/ca.pem`), reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5 });
  const refused = await new Promise<boolean>((resolve) => {
    stranger.once('connect', () => resolve(false));
    stranger.once('error', () => resolve(true));
    stranger.once('close', () => resolve(true));
  });
  stranger.end(true);
  t.ok(refused, 'a client without a certificate is refused');
});
