// /status, /readyz and /metrics built from a gateway whose check-ins carry patient data: the
// documents show states, times and counts, never the patient; readiness names what is wrong.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type GatewayConfig } from '../../../../config/schema.js';
import { buildCheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import type { ReaderState } from '../../../../daemon/flow/checkin-flow.js';
import type { FeatureContext, GatewayEvents } from '../../../../daemon/feature.js';
import { LineTracker } from '../../../../daemon/status/line-tracker.js';
import { createMetrics } from '../../../../daemon/status/metrics.js';
import { readiness, statusDocument } from '../../../../daemon/status/snapshot.js';
import { watchSteps } from '../../../../daemon/status/step-timer.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';

function fakeGateway(health: Record<string, boolean>) {
  const config = Value.Default(ConfigSchema, { gatewayId: 'unit' }) as GatewayConfig;
  const device = (name: string) => ({ health: () => ({ ok: health[name] ?? true, detail: health[name] === false ? `${name} unplugged` : `${name} fine`, breaker: 'closed' as const }) });
  return {
    config, version: '9.9.9', startedAt: Date.now() - 5000,
    state: { readerState: 'idle', lastCheckinAt: null, warnings: [] },
    devices: { card: device('card'), face: device('face'), panel: device('panel'), line: device('line') },
    readers: [],
    outbox: { depth: async () => 2 }, mqtt: { connected: true }, broker: { embedded: false, host: '127.0.0.1:1883' },
    bus: new EventEmitter<GatewayEvents>(),
    statusSections: async () => ({ ehrFiles: { folder: '/srv/oqs', faceResults: { queued: 1, lastError: null } } }),
  } as unknown as FeatureContext;
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
  const doc = await statusDocument({ ctx: gateway, line, host: null, certs: [], stopping: false });
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

t.test('step durations come from the reader states the gateway announces on its bus', async (t) => {
  const gateway = fakeGateway({});
  let clock = 1000;
  const seen: [string, number][] = [];
  const stop = watchSteps(gateway.bus, (step, s) => seen.push([step, s]));
  const send = (state: ReaderState) => gateway.bus.emit('reader-state', { readerId: 'reader1', state, at: clock });
  send('idle');
  clock += 5000; send('card');
  clock += 800; send('face');
  clock += 800; send('face'); // a repeat: no new step
  clock += 700; send('consent');
  clock += 2000; send('querying');
  clock += 1250; send('done');
  clock += 3000; send('idle');
  stop();
  clock += 100; send('card');
  t.same(seen, [['card', 0.8], ['face', 1.5], ['consent', 2], ['querying', 1.25]], 'idle and done are not steps; repeats ignored; nothing after stop');
});

t.test('line.lastSuccessAt comes from the line itself (inquiries, batches, probes), not only check-ins (issue 17)', async (t) => {
  const ctx = fakeGateway({});
  const at = new Date(Date.now() - 60_000).toISOString();
  (ctx.devices.line as unknown as { health: () => unknown }).health = () => ({ ok: true, detail: 'line up', breaker: 'closed', lastSuccessAt: at });
  const doc = await statusDocument({ ctx, line: new LineTracker(), host: null, certs: [], stopping: false } as unknown as Parameters<typeof statusDocument>[0]);
  t.equal((doc as { line: { lastSuccessAt: string | null } }).line.lastSuccessAt, at);
});
