// Issue 18, end to end with real parts: one gateway process (`oqsgw start`) drives four readers,
// each a PC/SC reader of a private pcscd + vpcd with a virtual My Number card of its own test
// person, and a reader panel on its own socat pty pair (the panel simulator on the far end, the
// gateway's serial driver on the near end), publishing to a real mosquitto. Cards placed on all
// four at the same moment become four ELIGIBLE check-ins, each with its reader's id and its own
// person; every reader has its retained state topic. Then one reader's panel cable is pulled and
// another reader's card leaves mid-read: the other two still check their patients in, and the
// pulled panel, plugged back, takes a check-in again.
// Run under `flock /tmp/oqs-pcsc.lock` (one pcscd per machine).
import t from 'tap';
import mqtt from 'mqtt';
import { FaultInjector } from '../../../../drivers/card/sim/faults.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { virtualCard } from '../../../helpers/card-fixtures.js';
import { startDaemon, writeConfig } from '../../../helpers/daemon.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { pcscUnavailable } from '../../../helpers/pcsc-daemon.js';
import { freePort, waitFor } from '../../../helpers/ports.js';
import { startReaderRig } from '../../../helpers/reader-rig.js';

type Json = Record<string, unknown>;
interface Received { readonly topic: string; readonly body: Json }

/** Four test people the reference service answers ELIGIBLE for. */
const PEOPLE = ['yamada-taro', 'sato-hanako', 'ito-sakura', 'watanabe-mei'];
const GW = 'four';

const code = (event: Json) => (event.result as { code: string }).code;
/** The insured person's name the service answered with: tells the four cards apart. */
const holder = (event: Json) => ((event.eligibility as { results?: { name?: string }[] } | null)?.results?.[0]?.name ?? null);

t.test('one gateway, four readers through pcscd + vpcd and four pty panels', { skip: pcscUnavailable() ?? false }, async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => {
    await broker.stop();
    removeDir(broker.dir);
  });
  const rig = await startReaderRig(4);
  t.teardown(() => rig.close());
  const statusPort = await freePort();
  const { dir, file } = writeConfig({
    gatewayId: GW,
    dataDir: 'data',
    logLevel: 'info',
    mqtt: { url: broker.url, reconnectMilliseconds: 200 },
    status: { enabled: true, host: '127.0.0.1', port: statusPort },
    // The test people's certificates are signed by the test PKI the simulated line trusts.
    card: { driver: 'pcsc', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    line: { driver: 'sim' },
    readers: rig.readers.map((r) => r.configEntry()),
  });
  const daemon = startDaemon(['start', '--config', file], dir);
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    removeDir(dir);
  });
  const fail = (e: Error) => { throw new Error(`${e.message}\n${daemon.output().slice(-6000)}`); };

  const ehr = await mqtt.connectAsync(broker.url, { clientId: 'four-ehr', protocolVersion: 5 });
  t.teardown(() => ehr.endAsync(true));
  const received: Received[] = [];
  ehr.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) as Json }));
  await ehr.subscribeAsync(`oqs/${GW}/#`, { qos: 1 });
  const checkins = () => received.filter((m) => m.topic === `oqs/${GW}/checkins`).map((m) => m.body);
  const state = (id: string) => received.filter((m) => m.topic === `oqs/${GW}/readers/${id}/state`).at(-1)?.body.state;
  const ids = rig.readers.map((r) => r.id);

  await waitFor('every reader idle on its retained state topic', () => ids.every((id) => state(id) === 'idle'), 90_000).catch(fail);
  for (const id of ids) {
    const last = received.filter((m) => m.topic === `oqs/${GW}/readers/${id}/state`).at(-1)!.body;
    t.equal(last.readerId, id, `${id}'s state topic carries its own id`);
  }

  // Round 1: a card on every reader at the same moment.
  await Promise.all(rig.readers.map((r, i) => r.insert(virtualCard(PEOPLE[i]))));
  await waitFor('four check-ins', () => checkins().length >= 4 || undefined, 90_000).catch(fail);
  const first = checkins();
  t.same(first.map((e) => e.readerId).sort(), [...ids].sort(), 'one check-in per reader, each with its readerId');
  for (const e of first) {
    t.equal(code(e), 'ELIGIBLE', `${String(e.readerId)}: ELIGIBLE`);
    t.equal(e.method, 'pin', `${String(e.readerId)}: the PIN typed on its own panel`);
  }
  t.equal(new Set(first.map(holder)).size, 4, 'four different people: each reader read its own card');
  t.notOk(first.some((e) => holder(e) === null), 'every check-in carries the service\'s answer');
  for (const r of rig.readers) r.remove();
  await waitFor('every reader idle again', () => ids.every((id) => state(id) === 'idle'), 60_000).catch(fail);

  // desk2's panel cable is pulled: that reader goes to error.
  const [desk1, desk2, desk3, desk4] = rig.readers as [typeof rig.readers[0], typeof rig.readers[0], typeof rig.readers[0], typeof rig.readers[0]];
  await desk2.pty.pull();
  await waitFor('desk2 in error once its panel is gone', () => state(desk2.id) === 'error', 60_000).catch(fail);
  const ready = await fetch(`http://127.0.0.1:${statusPort}/readyz`);
  const readyBody = (await ready.json()) as { readersDown?: { id: string }[] };
  t.equal(ready.status, 200, 'still ready: three readers can take a check-in');
  t.same(readyBody.readersDown?.map((r) => r.id), [desk2.id], '/readyz names the reader that is down');

  // Round 2: desk3's card leaves in the middle of a read, desk1 and desk4 take theirs, at once.
  const before = checkins().length;
  await Promise.all([
    desk1.insert(virtualCard(PEOPLE[0])),
    desk3.insert(virtualCard(PEOPLE[2]), new FaultInjector('remove-mid-read')),
    desk4.insert(virtualCard(PEOPLE[3])),
  ]);
  await waitFor('three more check-ins', () => checkins().length >= before + 3 || undefined, 90_000).catch(fail);
  const second = new Map(checkins().slice(before).map((e) => [e.readerId as string, e]));
  t.same([...second.keys()].sort(), [desk1.id, desk3.id, desk4.id], 'one check-in from each of the three readers with a card');
  t.equal(code(second.get(desk1.id)!), 'ELIGIBLE', 'desk1 goes on');
  t.equal(code(second.get(desk4.id)!), 'ELIGIBLE', 'desk4 goes on');
  const broken = second.get(desk3.id)!;
  t.not(code(broken), 'ELIGIBLE', 'desk3: the card that left mid-read is no check-in');
  t.equal((broken.result as { ok: boolean }).ok, false);
  t.match(code(broken), /^[A-Z_]+$/, `desk3 ends with a named result code (${code(broken)})`);
  for (const r of [desk1, desk3, desk4]) r.remove();

  // desk2's cable back: its reader takes a check-in again.
  await desk2.pty.plug();
  await waitFor('desk2 idle again with its panel back', () => state(desk2.id) === 'idle', 60_000).catch(fail);
  const third = checkins().length;
  await desk2.insert(virtualCard(PEOPLE[1]));
  await waitFor('a check-in on desk2', () => checkins().length > third || undefined, 60_000).catch(fail);
  const back = checkins().at(-1)!;
  t.equal(back.readerId, desk2.id);
  t.equal(code(back), 'ELIGIBLE', 'desk2 checks its patient in once the panel is back');
  desk2.remove();

  t.equal(await daemon.stop('SIGTERM'), 0, 'the gateway stops cleanly');
});
