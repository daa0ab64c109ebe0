// /status, /readyz and /metrics built from a gateway whose check-ins carry patient data: the
// documents show states, times and counts, never the patient; readiness names what is wrong.
import t from 'tap';
import { EventEmitter } from 'node:events';
import type { Packet } from 'mqtt';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type GatewayConfig } from '../../config/schema.js';
import { buildCheckinEvent } from '../../daemon/flow/checkin-event.js';
import type { Gateway } from '../../daemon/gateway.js';
import { LineTracker } from '../../daemon/status/line-tracker.js';
import { createMetrics } from '../../daemon/status/metrics.js';
import { readiness, statusDocument } from '../../daemon/status/snapshot.js';
import { watchSteps } from '../../daemon/status/step-timer.js';
import { fakeResult } from '../helpers/flow-fakes.js';

function fakeGateway(health: Record<string, boolean>) {
  const config = Value.Default(ConfigSchema, { gatewayId: 'unit' }) as GatewayConfig;
  const device = (name: string) => ({ health: () => ({ ok: health[name] ?? true, detail: health[name] === false ? `${name} unplugged` : `${name} fine`, breaker: 'closed' as const }) });
  return Object.assign(new EventEmitter(), {
    config, version: '9.9.9', startedAt: Date.now() - 5000, readerState: 'idle', lastCheckinAt: null as number | null,
    devices: { card: device('card'), face: device('face'), panel: device('panel'), line: device('line') },
    outbox: { depth: async () => 2 }, mqtt: Object.assign(new EventEmitter(), { connected: true }), broker: null, warnings: [],
    topics: { readerState: (id: string) => `oqs/unit/readers/${id}/state` },
  }) as unknown as Gateway;
}

const eligible = () => buildCheckinEvent(
  { code: 'ELIGIBLE', method: 'face', face: { decision: 'match', score: 0.9, threshold: 0.6 }, consents: {}, eligibility: fakeResult('valid') },
  { eventId: 'e1', gatewayId: 'unit', readerId: 'reader1', startedAt: Date.now() - 3200, now: Date.now() },
);
const lineDown = () => buildCheckinEvent(
  { code: 'LINE_DOWN', method: 'face', face: null, consents: {}, eligibility: null },
  { eventId: 'e2', gatewayId: 'unit', readerId: 'reader1', startedAt: Date.now() - 1000, now: Date.now() },
);
const PATIENT = ['山田', 'ヤマダ', '千代田', '100-0001', '1980-04-01', '06139993', 'nameKana', 'person'];

t.test('readiness: every unhealthy device and the stop are named', async (t) => {
  t.same(readiness(fakeGateway({}), false), { ready: true, reasons: [] });
  const r = readiness(fakeGateway({ card: false, line: false }), true);
  t.equal(r.ready, false);
  t.same(r.reasons, ['the gateway is stopping', 'card: card unplugged', 'line: line unplugged']);
});

t.test('the status document after check-ins with patient data carries none of it', async (t) => {
  const gateway = fakeGateway({});
  const line = new LineTracker();
  line.observe(eligible());
  line.observe(lineDown());
  const doc = await statusDocument({ gateway, line, host: null, certs: [], stopping: false });
  t.equal(doc.line.lastSuccessAt !== null, true);
  t.match(doc.line.lastError, { code: 'LINE_DOWN' });
  t.equal(doc.outbox.depth, 2);
  const text = JSON.stringify(doc);
  for (const p of PATIENT) t.notOk(text.includes(p), `no ${p}`);
});

t.test('metrics: counts by result, latency histogram, line errors; no patient data', async (t) => {
  const gateway = fakeGateway({ panel: false });
  const metrics = createMetrics(gateway, () => null);
  metrics.observeCheckin(eligible());
  metrics.observeCheckin(lineDown());
  const text = await metrics.registry.metrics();
  t.match(text, /oqsgw_checkins_total\{[^}]*result="ELIGIBLE"[^}]*\} 1/);
  t.match(text, /oqsgw_line_errors_total\{[^}]*code="LINE_DOWN"[^}]*\} 1/);
  t.match(text, /oqsgw_checkin_duration_seconds_bucket\{[^}]*le="5"[^}]*result="ELIGIBLE"[^}]*\} 1/);
  t.match(text, /oqsgw_checkin_duration_seconds_bucket\{[^}]*le="2"[^}]*result="ELIGIBLE"[^}]*\} 0/, '3.2 s is not under 2 s');
  t.match(text, /oqsgw_device_up\{[^}]*device="panel"[^}]*\} 0/);
  t.match(text, /oqsgw_outbox_depth\{[^}]*\} 2/);
  t.notMatch(text, /oqsgw_host_cpu_temperature_celsius\{/, 'no figure without a sensor');
  for (const p of PATIENT) t.notOk(text.includes(p), `no ${p}`);
});

t.test('step durations come from the reader-state messages the gateway sends', async (t) => {
  const gateway = fakeGateway({});
  let clock = 1000;
  const seen: [string, number][] = [];
  const stop = watchSteps(gateway, (step, s) => seen.push([step, s]), () => clock);
  const send = (state: string, topic = 'oqs/unit/readers/reader1/state') =>
    gateway.mqtt.emit('packetsend', { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify({ state })), qos: 1, dup: false, retain: true } as Packet);
  send('idle');
  clock += 5000; send('card');
  clock += 800; send('face');
  clock += 800; send('face'); // a resend: no new step
  clock += 700; send('consent');
  clock += 2000; send('querying');
  send('busy', 'oqs/unit/other');
  clock += 1250; send('done');
  clock += 3000; send('idle');
  stop();
  clock += 100; send('card');
  t.same(seen, [['card', 0.8], ['face', 1.5], ['consent', 2], ['querying', 1.25]], 'idle and done are not steps; resends and other topics ignored');
});
