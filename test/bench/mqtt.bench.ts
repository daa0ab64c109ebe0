// MQTT delivery benchmarks against a real mosquitto on loopback:
//  1. outbox drain rate: 10,000 check-ins committed while no broker was reachable, then the real
//     OutboxPublisher (QoS 1, window 64, each message marked delivered on PUBACK, fsync'd) drains
//     them; an EHR client counts what arrives.
//  2. end-to-end publish latency: Gateway.commitCheckin (enrichers, SQLite commit with fsync) until
//     an MQTT 5 EHR subscriber has the event, one at a time, 300 check-ins after 20 warm-ups.
// Skipped, saying so, when mosquitto is not installed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { buildCheckinEvent, type CheckinOutcome } from '../../daemon/flow/checkin-event.js';
import { Gateway } from '../../daemon/gateway.js';
import { FEATURES } from '../../daemon/features.js';
import { silentLogger } from '../../vocabulary/log.js';
import { connectBroker } from '../../daemon/mqtt/connection.js';
import { OutboxPublisher } from '../../daemon/mqtt/outbox-publisher.js';
import { Database } from '../../daemon/store/database.js';
import { Outbox } from '../../daemon/store/outbox.js';
import { testConfig } from '../helpers/ehr-gateway.js';
import { fakeResult } from '../helpers/flow-fakes.js';
import { removeDir, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/ports.js';
import { summarise, type BenchReport } from './report.js';

const BACKLOG = 10_000;
const LATENCY_RUNS = 300;
const WARMUP = 20;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const outcome: CheckinOutcome = {
  code: 'ELIGIBLE', method: 'face', face: { decision: 'match', score: 0.9, threshold: 0.5 }, consents: { drugInfo: true }, eligibility: fakeResult('valid'),
};

async function counter(url: string, topic: string) {
  const client = await mqtt.connectAsync(url, { clientId: `bench-ehr-${process.pid}-${Date.now()}`, protocolVersion: 5 });
  const seen = new Set<string>();
  let messages = 0;
  const waiters: ((id: string) => void)[] = [];
  client.on('message', (_topic, payload) => {
    messages++;
    const id = (JSON.parse(payload.toString('utf8')) as { eventId: string }).eventId;
    seen.add(id);
    for (const w of waiters) w(id);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    client,
    seen,
    get messages() { return messages; },
    next: (id: string) => new Promise<void>((resolve) => {
      const waiter = (got: string) => {
        if (got !== id) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve();
      };
      waiters.push(waiter);
      if (seen.has(id)) { waiters.pop(); resolve(); }
    }),
  };
}

async function drainBench(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-mqtt-'));
  const broker = await startMosquitto('max_queued_messages 0\nmax_inflight_messages 0');
  const db = await Database.open(join(dir, 'gateway.sqlite'));
  try {
    const outbox = new Outbox(db);
    const topic = 'oqs/bench/checkins';
    // The backlog: one transaction, so building it does not dominate the run.
    await db.exec('BEGIN');
    for (let i = 0; i < BACKLOG; i++) {
      const event = buildCheckinEvent(outcome, { eventId: crypto.randomUUID(), gatewayId: 'bench', readerId: 'r1', startedAt: 0, now: Date.now() });
      await outbox.commit(event.eventId, topic, event);
    }
    await db.exec('COMMIT');
    const ehr = await counter(broker.url, topic);
    const client = connectBroker({
      urls: [broker.url], clientId: 'oqsgw-bench', protocolVersion: 5, will: { topic: 'oqs/bench/status', payload: '{}' },
      config: testConfig(dir, { url: broker.url }).mqtt, logger: silentLogger,
    });
    await waitFor('bench client connected', () => client.connected, 10000);
    const publisher = new OutboxPublisher(client, outbox, silentLogger);
    const started = performance.now();
    publisher.start();
    await waitFor('outbox drained', async () => (await outbox.depth()) === 0, 600_000, 100);
    const drained = (performance.now() - started) / 1000;
    await waitFor('all at the EHR', () => ehr.seen.size >= BACKLOG, 60_000, 50);
    const received = (performance.now() - started) / 1000;
    publisher.stop();
    await client.endAsync();
    await ehr.client.endAsync();
    return {
      name: 'mqtt: outbox drain after a 10,000-message backlog',
      method: `${BACKLOG} check-in events (~${Buffer.byteLength(JSON.stringify(buildCheckinEvent(outcome, { eventId: crypto.randomUUID(), gatewayId: 'bench', readerId: 'r1', startedAt: 0, now: 0 })))} B each) committed to SQLite (WAL, synchronous FULL) with no broker; then the OutboxPublisher drains them to mosquitto on loopback over MQTT 5, QoS 1, window 64, marking each delivered on PUBACK; one MQTT 5 subscriber counts unique event ids`,
      figures: [
        { name: 'drain rate (marked delivered)', value: round(BACKLOG / drained), unit: 'msg/s' },
        { name: 'time to empty the outbox', value: round(drained, 2), unit: 's' },
        { name: 'time until the EHR had every event', value: round(received, 2), unit: 's' },
        { name: 'unique events at the EHR', value: ehr.seen.size, unit: `of ${BACKLOG}` },
        { name: 'duplicates at the EHR', value: ehr.messages - ehr.seen.size, unit: 'msgs' },
      ],
    };
  } finally {
    await db.close();
    await broker.stop();
    removeDir(broker.dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latencyBench(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-mqtt-'));
  const broker = await startMosquitto();
  const gateway = await Gateway.start(testConfig(join(dir, 'data'), { url: broker.url }), silentLogger, 'bench', FEATURES);
  const ehr = await counter(broker.url, `${gateway.topics.checkins}`);
  try {
    await waitFor('gateway connected', () => gateway.mqtt.connected, 10000);
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + LATENCY_RUNS; i++) {
      const started = performance.now();
      const event = await gateway.commitCheckin(outcome, Date.now());
      await ehr.next(event.eventId);
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
    const { median, p95 } = summarise(samples);
    return {
      name: 'mqtt: end-to-end check-in publish latency',
      method: `Gateway.commitCheckin (EHR enricher, SQLite commit with fsync) until an MQTT 5 subscriber on mosquitto (loopback) has the event; ${LATENCY_RUNS} check-ins one at a time after ${WARMUP} warm-ups`,
      figures: [
        { name: 'median', value: round(median, 2), unit: 'ms' },
        { name: 'p95', value: round(p95, 2), unit: 'ms' },
        { name: 'max', value: round(Math.max(...samples), 2), unit: 'ms' },
      ],
    };
  } finally {
    await ehr.client.endAsync();
    await gateway.stop();
    await broker.stop();
    removeDir(broker.dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function mqttBench(): Promise<BenchReport[]> {
  const mosquitto = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].some((p) => existsSync(p));
  if (!mosquitto) {
    const skipped = 'mosquitto is not installed (apt-get install mosquitto)';
    return [
      { name: 'mqtt: outbox drain after a 10,000-message backlog', method: '', figures: [], skipped },
      { name: 'mqtt: end-to-end check-in publish latency', method: '', figures: [], skipped },
    ];
  }
  return [await drainBench(), await latencyBench()];
}
