// The daemon as a child process against a real mosquitto: check-ins arrive on <base>/checkins
// and match their schema, status and reader state are retained, a SIGKILLed daemon leaves its
// Last Will (offline, no time: only the broker knows when), and a broker outage in the
// middle loses nothing (every committed check-in is delivered once the broker is back).
import t, { type Test } from 'tap';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import { validatePayload } from '../../../daemon/mqtt/schemas.js';
import { fromRoot } from '../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../helpers/daemon.js';
import { startMosquitto, removeDir } from '../../helpers/mosquitto.js';
import { waitFor } from '../../helpers/ports.js';

interface Received { topic: string; body: Record<string, unknown>; retain: boolean }

function baseConfig(url: string, dataDir: string) {
  return {
    gatewayId: 'itest',
    dataDir,
    logLevel: 'info',
    mqtt: { url, reconnectMilliseconds: 200 }, // back soon after the broker restarts: less idle time
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
  };
}

async function subscriber(url: string, clientId: string) {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 600 }, reconnectPeriod: 300 });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await client.subscribeAsync('oqs/itest/#', { qos: 1 });
  return { client, received };
}

function committedEventIds(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => e && reject(e));
    db.all('SELECT event_id FROM outbox ORDER BY seq', (e, rows: { event_id: string }[]) => {
      db.close();
      if (e) reject(e); else resolve(rows.map((r) => r.event_id));
    });
  });
}

/** mosquitto, an EHR subscriber and the daemon (demo patient every `interval` s), all torn down after the test. */
async function scenario(t: Test, interval: number, clientId: string) {
  const broker = await startMosquitto();
  const { dir, file } = writeConfig(baseConfig(broker.url, 'data'));
  const { client, received } = await subscriber(broker.url, clientId);
  const daemon = startDaemon(['demo', '--config', file, '--interval', String(interval)], dir);
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await client.endAsync(true);
    await broker.stop();
    removeDir(broker.dir);
    removeDir(dir);
  });
  return { broker, dir, client, received, daemon };
}

t.test('a check-in arrives on a real broker, valid against its schema', async (t) => {
  const { broker, client, received, daemon } = await scenario(t, 0, 'itest-ehr-1');

  const status = await waitFor('online status', () => received.find((m) => m.topic === 'oqs/itest/status' && m.body.state === 'online'), 30000).catch((e: Error) => {
    throw new Error(`${e.message}\n${daemon.output()}`);
  });
  t.equal(validatePayload('status.v1', status.body), null, 'status matches its schema');
  // The demo subscribes to its trigger after the gateway is online; its banner says it is ready.
  await waitFor('the demo banner', () => daemon.output().includes('oqsgw demo'), 30000);
  await client.publishAsync('oqs/itest/demo/checkin', '{}', { qos: 1 });
  const checkin = await waitFor('a check-in', () => received.find((m) => m.topic === 'oqs/itest/checkins'), 30000).catch((e: Error) => {
    throw new Error(`${e.message}\n${daemon.output()}`);
  });
  t.equal(validatePayload('checkin.v2', checkin.body), null, 'check-in matches its schema');
  t.equal(checkin.body.schema, 'oqs.checkin.v2');
  const state = received.find((m) => m.topic === 'oqs/itest/readers/reader1/state');
  t.ok(state, 'reader state published');
  t.equal(validatePayload('reader-state.v1', state?.body), null, 'reader state matches its schema');

  // Retained: a late subscriber still learns the gateway's status.
  const late = await mqtt.connectAsync(broker.url, { clientId: 'itest-late', protocolVersion: 5 });
  t.teardown(() => late.endAsync(true)); // also when an assertion below throws: no client left open
  const retained: Received[] = [];
  late.on('message', (topic, payload, packet) => retained.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await late.subscribeAsync('oqs/itest/status', { qos: 1 });
  const seen = await waitFor('retained status', () => retained.find((m) => m.retain));
  t.equal(seen.body.state, 'online');
  t.equal(typeof seen.body.time, 'string', 'the online status says when it was written');
  const since = seen.body.since;
  t.ok(typeof since === 'string' && Date.parse(since) <= Date.parse(String(seen.body.time)), `online since ${String(since)}`);
  await late.endAsync();

  // The gateway vanishes (a clean SIGTERM is ops/daemon.test.ts): the broker publishes the Last
  // Will handed over at connect. It cannot know the outage time, so it must not claim one.
  t.equal(await daemon.stop('SIGKILL'), 'SIGKILL');
  const will = await waitFor('the Last Will, live', () => received.find((m) => m.topic === 'oqs/itest/status' && m.body.state === 'offline'));
  t.equal(validatePayload('status.v1', will.body), null, 'the Last Will matches its schema');
  t.equal(will.body.time, null, 'the Last Will carries no time (not the connect time)');
  t.equal(will.body.since, since, 'and names the run that vanished');
  const after = await mqtt.connectAsync(broker.url, { clientId: 'itest-after', protocolVersion: 5 });
  t.teardown(() => after.endAsync(true));
  const kept: Received[] = [];
  after.on('message', (topic, payload, packet) => kept.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await after.subscribeAsync('oqs/itest/status', { qos: 1 });
  const retainedWill = await waitFor('the retained Last Will', () => kept.find((m) => m.retain));
  await after.endAsync();
  t.same([retainedWill.body.state, retainedWill.body.time, retainedWill.body.since], ['offline', null, since], 'a later reader finds offline, no time, the same run');
});

t.test('the broker stopped and started mid-way: every committed check-in is delivered', async (t) => {
  const { broker, dir, received, daemon } = await scenario(t, 1, 'itest-ehr-2');
  const checkins = () => received.filter((m) => m.topic === 'oqs/itest/checkins');
  await waitFor('first check-in', () => checkins().length >= 1, 30000).catch((e: Error) => {
    throw new Error(`${e.message}\n${daemon.output()}`);
  });

  await broker.stop();
  const before = (await committedEventIds(join(dir, 'data/gateway.sqlite'))).length;
  // Check-ins go on at the reader while the broker is away.
  await waitFor('check-ins committed during the outage', async () => (await committedEventIds(join(dir, 'data/gateway.sqlite'))).length >= before + 2, 30000);
  await broker.start();

  await waitFor('more check-ins after the outage', () => checkins().length >= before + 3, 40000);
  t.equal(await daemon.stop('SIGTERM'), 0);
  const committed = await committedEventIds(join(dir, 'data/gateway.sqlite'));
  await waitFor('every committed check-in delivered', () => {
    const ids = new Set(checkins().map((m) => m.body.eventId as string));
    return committed.every((id) => ids.has(id));
  }, 20000).catch(() => {});
  const ids = new Set(checkins().map((m) => m.body.eventId as string));
  const lost = committed.filter((id) => !ids.has(id));
  t.same(lost, [], `none of ${committed.length} committed check-ins lost`);
  t.ok(committed.length >= before + 2, 'check-ins were committed while the broker was down');
  for (const m of checkins()) t.equal(validatePayload('checkin.v2', m.body), null);
});
