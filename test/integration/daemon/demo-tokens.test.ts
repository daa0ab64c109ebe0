// The demo shows a smartphone patient (kimura-sumaho: スマホ用電子証明書, no chip photo) and a
// patient whose card has no PIN (nakamura-kao: 顔認証マイナンバーカード), end to end: the daemon as a
// child process, a real mosquitto, the check-ins valid against their schema.
import t from 'tap';
import mqtt from 'mqtt';
import { validatePayload } from '../../../daemon/mqtt/schemas.js';
import { fromRoot } from '../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../helpers/daemon.js';
import { startMosquitto, removeDir } from '../../helpers/mosquitto.js';
import { waitFor } from '../../helpers/ports.js';

t.test('demo: a smartphone patient and a PIN-less card patient', async (t) => {
  const broker = await startMosquitto();
  const { dir, file } = writeConfig({
    gatewayId: 'itok', dataDir: 'data', logLevel: 'info', mqtt: { url: broker.url },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
  });
  const client = await mqtt.connectAsync(broker.url, { clientId: 'itok-ehr', protocolVersion: 5 });
  const checkins: Record<string, unknown>[] = [];
  client.on('message', (topic, payload) => { if (topic === 'oqs/itok/checkins') checkins.push(JSON.parse(payload.toString()) as Record<string, unknown>); });
  await client.subscribeAsync('oqs/itok/checkins', { qos: 1 });
  const daemon = startDaemon(['demo', '--config', file, '--interval', '0'], dir);
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await client.endAsync(true);
    await broker.stop();
    removeDir(broker.dir);
    removeDir(dir);
  });
  await waitFor('the demo banner', () => daemon.output().includes('oqsgw demo'), 30000).catch((e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); });

  for (const [profile, expect] of [
    ['kimura-sumaho', { token: 'smartphone', method: 'smartphone', face: null }],
    ['nakamura-kao', { token: 'card', method: 'face' }],
  ] as const) {
    const before = checkins.length;
    // Triggered again each second until it takes: a trigger while the previous patient is still at
    // the reader (taking the card back) is refused by the demo, so no fixed pause is needed.
    await waitFor(`${profile}'s check-in`, () => {
      if (checkins.length > before) return true;
      void client.publishAsync('oqs/itok/demo/checkin', JSON.stringify({ profile }), { qos: 1 });
      return false;
    }, 40000, 1000).catch((e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); });
    const event = checkins[before]!;
    t.equal(validatePayload('checkin.v2', event), null, `${profile}: schema`);
    t.match(event, { result: { code: 'ELIGIBLE' }, ...expect }, `${profile}: ${JSON.stringify({ code: (event.result as { code: string }).code, method: event.method, token: event.token })}`);
  }
  t.match(daemon.output(), /ELIGIBLE by smartphone/);
});
