// One gateway, four readers (issue 18; one panel on a socat pty), against a real mosquitto: cards placed on every working
// reader at the same moment all become check-ins, each carrying its own reader's id; each reader
// has its retained state topic; a reader that could not start (its card reader refused its
// config) and one whose panel goes down later do not stop the others; /status lists every
// reader, /readyz names the ones down and stays 200 while a reader can take a check-in, and the
// retained gateway status lists the readers.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { validateConfig } from '../../../../config/load.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { FEATURES } from '../../../../daemon/features.js';
import type { SimReaderPanel } from '../../../../drivers/panel/index.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startMosquitto, removeDir } from '../../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

interface Received { topic: string; body: Record<string, unknown> }
type SimCards = { insert(id?: string): void; remove(): void };

t.test('four readers on one gateway: simultaneous check-ins, a broken reader, per-reader status', async (t) => {
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'oqs-readers-'));
  const statusPort = await freePort();
  const ehr = await mqtt.connectAsync(broker.url, { clientId: 'readers-ehr', protocolVersion: 5 });
  const received: Received[] = [];
  ehr.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await ehr.subscribeAsync('oqs/multi/#', { qos: 1 });
  const config = validateConfig({
    gatewayId: 'multi',
    dataDir: join(dir, 'data'),
    mqtt: { url: broker.url, reconnectMilliseconds: 200 },
    status: { enabled: true, host: '127.0.0.1', port: statusPort },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: ['yamada-taro'] },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim', simIdentity: 'face' },
    line: { driver: 'sim' },
    readers: [
      { id: 'entrance-1' },
      { id: 'entrance-2', face: { simDecisions: ['mismatch'] }, panel: { simIdentity: 'pin' } },
      // Its card reader refuses to start (a test person the PKI does not hold): this reader is down from the start.
      { id: 'broken', card: { simProfiles: ['no-such-person'] } },
      // The panel simulator on a socat pty pair, driven over the serial protocol like a real panel.
      { id: 'entrance-4', card: { simProfiles: ['sato-hanako'] }, panel: { driver: 'pty' } },
    ],
  });
  const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(async () => {
    await gateway.stop();
    await ehr.endAsync(true);
    await broker.stop();
    removeDir(broker.dir);
    rmSync(dir, { recursive: true, force: true });
  });
  t.same(gateway.desks.map((d) => d.id), ['entrance-1', 'entrance-2', 'broken', 'entrance-4']);
  const desk = (id: string) => gateway.desks.find((d) => d.id === id)!;
  const cards = (id: string) => desk(id).devices.card as unknown as SimCards;
  const working = ['entrance-1', 'entrance-2', 'entrance-4'];
  await waitFor('every working reader idle', () => working.every((id) => desk(id).state === 'idle'));
  t.equal(desk('broken').state, 'error', 'the reader that could not start is in its error state');
  t.match(desk('broken').summary().down, /did not start: card\.simProfiles: unknown test people no-such-person/);

  // Round 1: a card on every working reader at the same moment.
  for (const id of working) cards(id).insert();
  const checkins = () => received.filter((m) => m.topic === 'oqs/multi/checkins');
  await waitFor('three check-ins over MQTT', () => checkins().length >= 3 || undefined, 30000);
  const byReader = new Map(checkins().map((m) => [m.body.readerId as string, m.body]));
  t.same([...byReader.keys()].sort(), [...working].sort(), 'one check-in per working reader, each with its own readerId');
  t.equal((byReader.get('entrance-1')!.result as { code: string }).code, 'ELIGIBLE');
  t.equal(byReader.get('entrance-1')!.method, 'face', "entrance-1 used the shared face driver's decision");
  t.equal(byReader.get('entrance-2')!.method, 'pin', "entrance-2's patient picked the PIN on its own panel");
  t.equal((byReader.get('entrance-4')!.result as { code: string }).code, 'ELIGIBLE');
  for (const id of working) cards(id).remove();
  await waitFor('every working reader idle again', () => working.every((id) => desk(id).state === 'idle'));

  // Every reader has its own retained state topic.
  for (const id of [...working, 'broken']) {
    await waitFor(`a retained state for ${id}`, () => received.some((m) => m.topic === `oqs/multi/readers/${id}/state` && m.body.readerId === id));
  }
  const lastState = (id: string) => received.filter((m) => m.topic === `oqs/multi/readers/${id}/state`).at(-1)?.body.state;
  t.equal(lastState('broken'), 'error');
  t.equal(lastState('entrance-1'), 'idle');

  // entrance-2's panel goes down: that reader is down, the others go on.
  (desk('entrance-2').devices.panel as SimReaderPanel).setLink(false);
  await waitFor('entrance-2 in error', () => desk('entrance-2').state === 'error');
  const ready = await fetch(`http://127.0.0.1:${statusPort}/readyz`);
  const readyBody = await ready.json() as { ready: boolean; readersDown: { id: string; why: string }[] };
  t.equal(ready.status, 200, 'ready while a reader can take a check-in');
  t.same(readyBody.readersDown.map((r) => r.id).sort(), ['broken', 'entrance-2'], '/readyz names the readers that are down');
  t.match(readyBody.readersDown.find((r) => r.id === 'entrance-2')!.why, /^panel: sim panel link down/);
  const status = await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json() as { readers: { id: string; state: string; ok: boolean; devices: Record<string, { ok: boolean }> }[] };
  t.same(status.readers.map((r) => [r.id, r.ok]), [['entrance-1', true], ['entrance-2', false], ['broken', false], ['entrance-4', true]], '/status lists every reader');
  t.equal(status.readers.find((r) => r.id === 'entrance-2')!.devices.panel!.ok, false);
  await waitFor('the retained status lists the readers with entrance-2 down', () => {
    const last = received.filter((m) => m.topic === 'oqs/multi/status').at(-1)?.body as { readers?: { id: string; ok: boolean }[] } | undefined;
    return last?.readers?.find((r) => r.id === 'entrance-2')?.ok === false;
  });

  // Round 2: the two readers still up take their patients at the same moment.
  const before = checkins().length;
  cards('entrance-1').insert();
  cards('entrance-4').insert();
  await waitFor('two more check-ins', () => checkins().length >= before + 2 || undefined, 30000);
  t.same(checkins().slice(before).map((m) => m.body.readerId).sort(), ['entrance-1', 'entrance-4']);

  // Every reader down: not ready (503), every one named.
  cards('entrance-1').remove();
  (desk('entrance-1').devices.panel as SimReaderPanel).setLink(false);
  cards('entrance-4').remove();
  // The pty panel's link goes down as a serial panel's does when its port goes away.
  await desk('entrance-4').devices.panel.stop();
  await waitFor('all readers in error', () => gateway.desks.every((d) => d.state === 'error'));
  const none = await fetch(`http://127.0.0.1:${statusPort}/readyz`);
  const noneBody = await none.json() as { reasons: string[]; readersDown: unknown[] };
  t.equal(none.status, 503, 'no reader can take a check-in: not ready');
  t.equal(noneBody.readersDown.length, 4);
  t.match(noneBody.reasons.join('\n'), /no reader can take a check-in/);
});
