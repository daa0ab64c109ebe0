// mqtt.urls (issue 18): a gateway restarted while the node it used is down. Node A acknowledges a
// check-in and dies before passing it on (here: the nodes are not bridged, so it never would); the
// gateway is restarted meanwhile, connects to node B, and must know it changed nodes (the node is
// remembered in its database) and resend what node A took in the window before its last
// acknowledgement. A subscriber on node B gets the check-in, under its eventId, as committed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { validateConfig } from '../../../../config/load.js';
import { FEATURES } from '../../../../daemon/features.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

t.test('restarted while node A is down: what node A acknowledged last is sent to node B', { timeout: 60_000 }, async (t) => {
  const nodeA = await startMosquitto();
  const nodeB = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'oqs-restart-failover-'));
  const config = validateConfig({
    version: 2, gatewayId: 'gwr', dataDir: join(dir, 'data'), logLevel: 'warn',
    mqtt: { urls: [nodeA.url, nodeB.url], reconnectMilliseconds: 100, failbackSeconds: 0, resendWindowSeconds: 60 },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim', retries: 0, breakerThreshold: 100, sim: { households: 20, pkiDir: fromRoot('var/pki') } },
    status: { enabled: false },
  });
  const gateways: Gateway[] = [];
  const ehr = await mqtt.connectAsync(nodeB.url, { clientId: 'restart-ehr', protocolVersion: 5 });
  t.teardown(async () => {
    for (const gateway of gateways) await gateway.stop().catch(() => {});
    await ehr.endAsync(true);
    for (const node of [nodeA, nodeB]) {
      await node.stop('SIGKILL');
      removeDir(node.dir);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const received: { eventId: string; text: string }[] = [];
  ehr.on('message', (_topic, payload) => received.push({ eventId: (JSON.parse(payload.toString('utf8')) as { eventId: string }).eventId, text: payload.toString('utf8') }));
  await ehr.subscribeAsync('oqs/+/checkins', { qos: 1 });

  const first = await Gateway.start(config, silentLogger, 'test', FEATURES);
  gateways.push(first);
  await waitFor('the gateway on node A', () => first.mqtt.connected && Number(first.mqtt.options.port) === nodeA.port, 20_000);
  const payload = { schema: 'oqs.checkin.v2', eventId: 'restart-1', note: 'acknowledged by node A only' };
  await first.outbox.commit('restart-1', `${first.topics.base}/checkins`, payload);
  await waitFor('node A acknowledged it', async () => (await first.outbox.depth()) === 0, 20_000);
  await first.stop();
  gateways.length = 0;
  t.same(received, [], 'node B has not seen it (node A never passes it on)');

  await nodeA.stop('SIGKILL');
  const second = await Gateway.start(config, silentLogger, 'test', FEATURES);
  gateways.push(second);
  await waitFor('the restarted gateway on node B', () => second.mqtt.connected && Number(second.mqtt.options.port) === nodeB.port, 20_000);
  await waitFor('the check-in at node B', () => received.some((r) => r.eventId === 'restart-1'), 20_000).catch(() => {});
  t.same(received.map((r) => r.eventId), ['restart-1'], 'sent again to node B after the restart');
  t.same(JSON.parse(received[0]?.text ?? 'null'), payload, 'as committed');
});
