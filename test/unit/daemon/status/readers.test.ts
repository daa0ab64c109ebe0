// Per-reader status with several readers (issue 18): /readyz is ready while the line is up and one
// reader can take a check-in, names every reader down either way, and is not ready once none can;
// /status and /metrics list each reader; step timings of interleaved readers stay apart.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type GatewayConfig } from '../../../../config/schema.js';
import type { DeskSummary } from '../../../../daemon/desk/reader-desk.js';
import type { FeatureContext, GatewayEvents } from '../../../../daemon/feature.js';
import { LineTracker } from '../../../../daemon/status/line-tracker.js';
import { createMetrics } from '../../../../daemon/status/metrics.js';
import { readiness, statusDocument } from '../../../../daemon/status/snapshot.js';
import { watchSteps } from '../../../../daemon/status/step-timer.js';

const healthy = { ok: true, detail: 'fine' };

function summary(id: string, down: string | null): DeskSummary {
  return { id, state: down ? 'error' : 'idle', ok: down === null, down, devices: { card: healthy, face: healthy, panel: down ? { ok: false, detail: down } : healthy }, lastCheckinAt: null };
}

function fakeGateway(readers: Record<string, string | null>, lineOk = true) {
  const config = Value.Default(ConfigSchema, { gatewayId: 'unit', readers: Object.keys(readers).map((id) => ({ id })) }) as GatewayConfig;
  const line = { health: () => ({ ok: lineOk, detail: lineOk ? 'line up' : 'line unplugged', breaker: 'closed' as const }) };
  return {
    config, version: '9.9.9', startedAt: Date.now() - 5000,
    state: { readerState: 'idle', lastCheckinAt: null, warnings: [] },
    devices: { card: { health: () => healthy }, face: { health: () => healthy }, panel: { health: () => healthy }, line },
    readers: Object.entries(readers).map(([id, down]) => ({ id, devices: {}, summary: () => summary(id, down) })),
    outbox: { depth: async () => 0 }, mqtt: { connected: true }, broker: { embedded: false, host: '127.0.0.1:1883' },
    bus: new EventEmitter<GatewayEvents>(),
    statusSections: async () => ({}),
  } as unknown as FeatureContext;
}

t.test('readyz with several readers', async (t) => {
  t.same(readiness(fakeGateway({ a: null, b: null }), false), { ready: true, reasons: [], readersDown: [] });
  const one = readiness(fakeGateway({ a: null, b: 'panel: cable pulled' }), false);
  t.equal(one.ready, true, 'one reader down, the other takes check-ins: ready');
  t.same(one.readersDown, [{ id: 'b', why: 'panel: cable pulled' }], 'the reader down is named');
  const all = readiness(fakeGateway({ a: 'card reader: gone', b: 'panel: cable pulled' }), false);
  t.equal(all.ready, false, 'no reader can take a check-in: not ready');
  t.match(all.reasons[0], /no reader can take a check-in \(a: card reader: gone; b: panel: cable pulled\)/);
  const line = readiness(fakeGateway({ a: null }, false), false);
  t.equal(line.ready, false, 'the shared line down: not ready');
  t.same(line.reasons, ['line: line unplugged']);
  t.equal(readiness(fakeGateway({ a: null }), true).ready, false, 'stopping');
});

t.test('/status and /metrics list every reader', async (t) => {
  const ctx = fakeGateway({ 'entrance-1': null, 'entrance-2': 'panel: cable pulled' });
  const doc = await statusDocument({ ctx, line: new LineTracker(), host: null, certs: [], stopping: false });
  t.same(doc.readers.map((r) => [r.id, r.ok, r.state, r.down]), [['entrance-1', true, 'idle', null], ['entrance-2', false, 'error', 'panel: cable pulled']]);
  t.equal(doc.readers[1]!.devices.panel!.ok, false);
  const text = await createMetrics(ctx, () => null).registry.metrics();
  t.match(text, /oqsgw_reader_up\{[^}]*reader="entrance-1"[^}]*\} 1/);
  t.match(text, /oqsgw_reader_up\{[^}]*reader="entrance-2"[^}]*\} 0/);
});

t.test('step timings: two readers interleaving on the bus are timed apart', async (t) => {
  const bus = new EventEmitter<GatewayEvents>();
  const seen: [string, number][] = [];
  const stop = watchSteps(bus, (step, s) => seen.push([step, s]));
  const send = (readerId: string, state: 'idle' | 'card' | 'face' | 'done', at: number) => bus.emit('reader-state', { readerId, state, at });
  send('a', 'card', 0);
  send('b', 'card', 500);
  send('a', 'face', 1000);
  send('b', 'face', 2500);
  send('a', 'done', 4000);
  send('b', 'done', 3500);
  stop();
  t.same(seen, [['card', 1], ['card', 2], ['face', 3], ['face', 1]], "each reader's steps from its own states");
});
