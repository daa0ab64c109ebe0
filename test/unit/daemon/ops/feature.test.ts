// The ops feature end to end on a fake gateway and a real notify socket: READY=1 at start, pings
// while healthy, no pings once a local device has been unhealthy past ops.deviceUnhealthySeconds,
// pings again after recovery, STOPPING=1 at stop; warnings reach the gateway (and so its status).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type GatewayConfig } from '../../../../config/schema.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { EventEmitter } from 'node:events';
import type { FeatureContext, GatewayEvents } from '../../../../daemon/feature.js';
import type { StatusWarning } from '../../../../daemon/mqtt/payloads.js';
import { OpsFeature } from '../../../../daemon/ops/feature.js';
import { startNotifyReceiver } from '../../../helpers/ops-notify.js';
import { waitFor } from '../../../helpers/ports.js';

t.test('watchdog gated by device health, READY and STOPPING, warnings', async (t) => {
  const receiver = await startNotifyReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'oqs-ops-feature-'));
  const config = Value.Default(ConfigSchema, {
    dataDir, line: { driver: 'sim' },
    ops: { deviceUnhealthySeconds: 1, diskWarnPercent: 99, diskWarnMiB: 1048576 },
  }) as GatewayConfig;
  let cardOk = true;
  let warnings: readonly StatusWarning[] = [];
  const healthy = { health: () => ({ ok: true, detail: 'fine' }) };
  const bus = new EventEmitter<GatewayEvents>();
  bus.on('warnings', (w) => { warnings = w; });
  const gateway = {
    config, logger: silentLogger,
    devices: { card: { health: () => ({ ok: cardOk, detail: cardOk ? 'reader ready' : 'no reader' }) }, face: healthy, panel: healthy, line: { ...healthy, service: null } },
    outbox: { depth: async () => 0 },
    state: { get warnings() { return warnings; } },
    bus,
  } as unknown as FeatureContext;
  const feature = new OpsFeature({ NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC: '200000' });
  t.teardown(async () => {
    await feature.stop();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  await feature.start(gateway);
  await waitFor('READY=1', () => receiver.lines().includes('READY=1'), 5000);
  const pings = () => receiver.messages.filter((m) => m.m === 'WATCHDOG=1');
  await waitFor('pings while healthy', () => pings().length >= 3, 5000);
  await waitFor('the disk warning on the gateway', () => warnings.some((w) => w.code === 'DISK_LOW'), 5000);

  cardOk = false;
  const sickAt = Date.now();
  // Still pinged during the grace period, then silent.
  await new Promise((r) => setTimeout(r, 2500));
  const late = pings().filter((m) => m.t > sickAt + 1000 + 600); // + first probe delay + one interval + slack
  t.same(late, [], 'no ping once the card reader has been unhealthy for longer than 1 s');
  t.ok(pings().some((m) => m.t > sickAt && m.t < sickAt + 1000), 'pinged during the grace period');

  cardOk = true;
  const backAt = Date.now();
  await waitFor('pings after recovery', () => pings().some((m) => m.t > backAt), 5000);
  t.pass('pings resume when the reader is back');

  await feature.stop();
  await waitFor('STOPPING=1', () => receiver.lines().includes('STOPPING=1'), 5000);
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, 400));
  t.same(pings().filter((m) => m.t > stoppedAt + 50), [], 'no pings after stop');
});
