// Issue 17's chaos test, bounded: mosquitto restarted 10 times and the daemon (the real process,
// `oqsgw demo` against that broker, so its simulated card checks in every second) SIGKILLed 3
// times, while check-ins, inquiries and a 1,000-patient batch flow and the eligibility line is down
// for a while. A persistent QoS 1 subscriber must end with every committed event (0 lost), every
// LINE_DOWN check-in re-checked or marked final, and duplicates only of an eventId already seen
// (the same payload again).
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

const BASE = 'oqs/chaos';
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

function query<T>(file: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => e && reject(e));
    db.all(sql, (e, rows: T[]) => {
      db.close();
      if (e) reject(e); else resolve(rows);
    });
  });
}

t.test('chaos: 10 broker restarts, 3 SIGKILLs, check-ins + inquiries + a 1,000-patient batch', { timeout: 90_000 }, async (t) => {
  const started = Date.now();
  // user root: mosquitto keeps the persistent sessions in the helper's folder across restarts.
  const broker = await startMosquitto('user root');
  const pki = await pkiDir();
  const service = new EligibilityService({ pkiDir: pki, households: 50 }, silentLogger);
  await service.start();
  const { dir, file } = writeConfig({
    version: 2, gatewayId: 'chaos', dataDir: 'data', logLevel: 'warn',
    // Reconnect 200 ms after a broker restart instead of 2 s: the same restarts, less idle time.
    mqtt: { url: broker.url, reconnectMilliseconds: 200 },
    ehr: { recheckIntervalSeconds: 1, maxBatchPatients: 1000 },
    flow: { identityMethods: ['face'], lineTimeoutMs: 3000 },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: {
      driver: 'https', url: `https://localhost:${service.port}`,
      ca: join(pki, 'service/ca.pem'), cert: join(pki, 'clinic/client.pem'), key: join(pki, 'clinic/client.key'),
      timeoutMs: 2000, connectTimeoutMs: 1000, retries: 0, breakerThreshold: 3, breakerCooldownMs: 500, batchChunk: 100, probeIntervalMs: 0,
    },
    status: { enabled: false },
  });
  const store = join(dir, 'data', 'gateway.sqlite');

  // The EHR: a persistent session (fixed id, clean start off, session kept), QoS 1.
  const received: { topic: string; text: string; body: Record<string, unknown> }[] = [];
  const ehr = await mqtt.connectAsync(broker.url, {
    clientId: 'chaos-ehr', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 600 }, reconnectPeriod: 200,
  });
  ehr.on('message', (topic, payload) => received.push({ topic, text: payload.toString('utf8'), body: JSON.parse(payload.toString('utf8')) as Record<string, unknown> }));
  await ehr.subscribeAsync([`${BASE}/checkins`, `${BASE}/inquiries/rechecks`, `${BASE}/replies/chaos/#`, `${BASE}/status`], { qos: 1 });
  // A desk that asks by number now and then (answers are immediate, not stored: not counted).
  const desk = await mqtt.connectAsync(broker.url, { clientId: 'chaos-desk', protocolVersion: 5, reconnectPeriod: 200 });

  let daemon: DaemonProcess = startDaemon(['demo', '--config', file, '--interval', '1'], dir);
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await ehr.endAsync(true);
    await desk.endAsync(true);
    await service.stop();
    await broker.stop();
    removeDir(broker.dir);
    removeDir(dir);
  });
  const checkins = () => received.filter((m) => m.topic === `${BASE}/checkins`);
  await waitFor('a first check-in', () => checkins().length >= 1, 30000).catch((e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); });

  // Where the time goes, for the final comment (a loaded box mostly pays for the daemon's starts).
  const laps: string[] = [];
  const lap = (what: string) => laps.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}`);
  lap('first check-in');
  const sendBatch = () => ehr.publishAsync(`${BASE}/batches`, JSON.stringify({
    schema: 'oqs.batch-request.v2', requestId: 'chaos-batch', patients: Array.from({ length: 1000 }, (_, i) => ({ ref: `b${i}`, ...YAMADA })),
  }), { qos: 1, properties: { responseTopic: `${BASE}/replies/chaos/batch` } });
  // Waits on events, not the clock: the daemon publishes `online` on every connect, so an online
  // status written after a moment says the daemon is (back) on the broker since then.
  const onlineSince = (what: string, since: number, timeoutMs = 30000) => waitFor(what, () => received.some((m) =>
    m.topic === `${BASE}/status` && m.body.state === 'online' && Date.parse(String(m.body.time)) >= since), timeoutMs)
    .catch((e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); });
  const lineDown = () => checkins().filter((m) => ['LINE_DOWN', 'LINE_TIMEOUT'].includes((m.body.result as { code: string }).code)).length;

  let inquiries = 0;
  const asking = setInterval(() => {
    inquiries++;
    void desk.publishAsync(`${BASE}/inquiries`, JSON.stringify({ schema: 'oqs.inquiry-request.v2', requestId: `q${inquiries}`, ...YAMADA }), {
      qos: 1, properties: { responseTopic: `${BASE}/replies/desk/x` },
    }).catch(() => {});
  }, 700);
  t.teardown(() => clearInterval(asking)); // a failed wait below must not leave it running (a hang)

  // Restarts 1-3 with the line down (check-ins end LINE_DOWN, queued for a re-check); the line
  // comes back once two check-ins have met it, the batch goes in, and restarts 4-10 come with a
  // SIGKILL at 4, 6 and 8. After every restart the daemon is back on the broker before the next
  // one (its online status), and after every kill a new run of it is (a start takes seconds).
  let kills = 0;
  let reconnects = 0;
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [{ kind: '503', rate: 1 }] });
  for (let restart = 1; restart <= 10; restart++) {
    if (restart === 4) {
      await waitFor('two check-ins met the down line', () => lineDown() >= 2, 30000);
      lap('line down x2');
      service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [] });
      await sendBatch();
    }
    const stoppedAt = Date.now();
    await broker.stop();
    await broker.start();
    await onlineSince(`the daemon back on the broker after restart ${restart}`, stoppedAt);
    reconnects++;
    if (restart === 4 || restart === 6 || restart === 8) {
      // Killed while it drains what it committed during the outage and the batch runs.
      t.equal(await daemon.stop('SIGKILL'), 'SIGKILL', `SIGKILL #${++kills}`);
      const respawnedAt = Date.now();
      daemon = startDaemon(['demo', '--config', file, '--interval', '1'], dir);
      await onlineSince(`the daemon up again after SIGKILL #${kills}`, respawnedAt);
      lap(`kill ${kills} up`);
    }
  }
  lap('restarts done');
  t.equal(reconnects, 10, 'the daemon came back on the broker after each of the 10 restarts');
  clearInterval(asking);
  t.equal(kills, 3);

  // Settle: everything committed delivered, every queued re-check answered, the batch finished.
  await waitFor('outbox drained, re-checks answered, batch done', async () => {
    const [pending] = await query<{ n: number }>(store, 'SELECT (SELECT COUNT(*) FROM outbox WHERE published_at IS NULL) + (SELECT COUNT(*) FROM ehr_rechecks) + (SELECT COUNT(*) FROM ehr_batches WHERE finished_at IS NULL) AS n');
    return pending?.n === 0;
  }, 40000);
  lap('settled');
  const committed = (await query<{ event_id: string }>(store, 'SELECT event_id FROM outbox')).map((r) => r.event_id);
  const has = () => new Set(received.map((m) => m.body.eventId).filter((id): id is string => typeof id === 'string'));
  await waitFor('every committed event at the EHR', () => committed.every((id) => has().has(id)), 20000).catch(() => {});

  const seen = has();
  const lost = committed.filter((id) => !seen.has(id));
  t.same(lost, [], `0 lost of ${committed.length} committed events`);
  t.ok(committed.some((id) => id.endsWith('/summary')), 'the 1,000-patient batch finished');
  t.equal(committed.filter((id) => id.startsWith(committed.find((i) => i.endsWith('/summary'))!.split('/')[0]!) && !id.endsWith('/summary')).length, 1000, 'with 1,000 items');

  const byId = new Map<string, string>();
  const strangers: string[] = [];
  let duplicates = 0;
  for (const m of received) {
    if (m.body.schema === 'oqs.batch-accepted.v1' || m.topic === `${BASE}/status`) continue; // immediate answers and the status: not events
    const id = m.body.eventId;
    if (typeof id !== 'string') { strangers.push(m.text.slice(0, 80)); continue; }
    const first = byId.get(id);
    if (first === undefined) byId.set(id, m.text);
    else { duplicates++; if (first !== m.text) strangers.push(`${id}: a different payload under a seen eventId`); }
  }
  t.same(strangers, [], 'every message an event with an eventId; duplicates repeat an eventId already seen, same payload');
  t.same([...byId.keys()].filter((id) => !committed.includes(id)), [], 'nothing the gateway did not commit');

  const down = checkins().map((m) => m.body).filter((b) => ['LINE_DOWN', 'LINE_TIMEOUT'].includes((b.result as { code: string }).code));
  const rechecked = new Set(received.filter((m) => m.topic === `${BASE}/inquiries/rechecks`).map((m) => m.body.checkinEventId));
  const unanswered = down.filter((b) => !rechecked.has(b.eventId) && (b.recheck as { status?: string } | null)?.status !== 'none');
  t.ok(down.length > 0, `${down.length} check-ins met the down line`);
  t.same(unanswered.map((b) => b.eventId), [], 'each LINE_DOWN check-in re-checked or marked final');
  t.comment(`chaos: ${checkins().length} check-ins (${down.length} LINE_DOWN), ${inquiries} inquiries, ${committed.length} committed events, ${duplicates} duplicates, ${((Date.now() - started) / 1000).toFixed(1)} s (at s: ${laps.join(', ')})`);
});
