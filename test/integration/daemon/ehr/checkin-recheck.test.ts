// Issue 17 item 1: every card check-in that met a down line either gets a re-check (answered on
// <base>/inquiries/rechecks with its checkinEventId) or says on the event that none will come, and
// why. The PIN route fails at the service's challenge, before a request exists: that cannot be
// re-checked later (the card must sign a fresh challenge), so the event says so.
import t from 'tap';
import type { SimCardReader } from '../../../../drivers/card/sim/sim-card-reader.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { connectEhr, type TestEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway, type TestGateway } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';

async function cardCheckin(gw: TestGateway, ehr: TestEhr): Promise<Record<string, unknown>> {
  const card = gw.gateway.devices.card as unknown as SimCardReader;
  const before = new Set(ehr.on(`${BASE}/checkins`).map((m) => m.body.eventId));
  await waitFor('the reader idle', () => gw.gateway.readerState === 'idle');
  card.insert('yamada-taro');
  const event = await ehr.waitOn(`${BASE}/checkins`, (m) => !before.has(m.body.eventId), 30000);
  card.remove();
  return event.body;
}

t.test('LINE_DOWN check-ins: re-checked, or marked final with the reason', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());

  t.test('PIN route: the challenge meets the down line; the event says no re-check will come', async (t) => {
    const gw = await startTestGateway(t, { url: broker.url }, { flow: { identityMethods: ['pin'] } });
    await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
    gw.lineFault('503');
    const down = await cardCheckin(gw, ehr);
    t.equal(validatePayload('checkin.v2', down), null, 'matches the check-in schema');
    t.match(down, { result: { code: 'LINE_DOWN' }, eligibility: null, recheck: { status: 'none', reason: 'CARD_NEEDED' } });
    t.equal(await gw.ehr.rechecks.depth(), 0, 'nothing queued that would never be answered');
  });

  t.test('face route: queued before the event is committed, answered with its checkinEventId', async (t) => {
    const gw = await startTestGateway(t, { url: broker.url }, { flow: { identityMethods: ['face'] } });
    await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
    let depthAtCommit = -1;
    gw.gateway.bus.once('checkin', () => void gw.ehr.rechecks.depth().then((n) => (depthAtCommit = n)));
    gw.lineFault('503');
    const down = await cardCheckin(gw, ehr);
    t.equal(validatePayload('checkin.v2', down), null, 'matches the check-in schema');
    t.match(down, { result: { code: 'LINE_DOWN' }, recheck: { status: 'queued', reason: null } });
    await waitFor('depth read', () => depthAtCommit >= 0);
    t.equal(depthAtCommit, 1, 'the re-check row exists when the event is committed');
    gw.lineFault(null);
    const rechecked = await ehr.waitOn(`${BASE}/inquiries/rechecks`, (m) => m.body.checkinEventId === down.eventId);
    t.match(rechecked.body, { status: 'rechecked', code: 'ELIGIBLE' });
  });

  t.test('EHR requests off: nobody re-checks, and the event says so', async (t) => {
    const gw = await startTestGateway(t, { url: broker.url, ehr: { requests: false } }, { flow: { identityMethods: ['face'] } });
    await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
    gw.lineFault('503');
    const down = await cardCheckin(gw, ehr);
    t.equal(validatePayload('checkin.v2', down), null);
    t.match(down, { result: { code: 'LINE_DOWN' }, recheck: { status: 'none', reason: 'REQUESTS_OFF' } });
  });

  t.test('a check-in that did not meet the line carries recheck null', async (t) => {
    const gw = await startTestGateway(t, { url: broker.url }, { flow: { identityMethods: ['face'] } });
    await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
    const fine = await cardCheckin(gw, ehr);
    t.match(fine, { result: { code: 'ELIGIBLE' } });
    t.equal(fine.recheck, null);
  });
});
