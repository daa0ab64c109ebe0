// The check-in flow driven through the serial panel over a socat pty pair: every consent
// combination answered on the panel reaches the eligibility request and the check-in event;
// the PIN path, registration at the reader, staff assistance and a pulled cable end-to-end.
import t from 'tap';
import { validateConfig } from '../../../../config/load.js';
import { CONSENT_ITEMS } from '../../../../vocabulary/consent.js';
import { runCheckin } from '../../../../daemon/flow/checkin-flow.js';
import { buildCheckinEvent, type CheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { SimFaceMatcher } from '../../../../drivers/face/sim/sim-face-matcher.js';
import type { SimPanelScript } from '../../../../drivers/panel/sim/scripted-patient.js';
import { FakeCardSession, FakeLine, type LineScenario } from '../../../helpers/flow-fakes.js';
import { panelRig, waitFor, waitForLink, type PanelRig } from '../../../helpers/panel-rig.js';

const config = validateConfig({});
let rig: PanelRig;
t.before(async () => {
  rig = await panelRig();
});
t.teardown(() => rig.close());

async function checkin(script: SimPanelScript, line: LineScenario = 'valid', card = new FakeCardSession({ pin: '2580' })) {
  rig.patient.script(script);
  await rig.panel.show({ kind: 'welcome' });
  const fakeLine = new FakeLine(line);
  let n = 0;
  const event: CheckinEvent = await runCheckin(card, {
    config: config.flow,
    panel: rig.panel,
    face: new SimFaceMatcher(['match'], 0.5, 5),
    line: fakeLine,
    logger: silentLogger,
    shutdown: new AbortController().signal,
    setState: () => undefined,
    commit: async (outcome, startedAt) =>
      buildCheckinEvent(outcome, { eventId: `e${n++}`, gatewayId: 'gw', readerId: 'r', startedAt, now: Date.now() }),
  });
  return { event, line: fakeLine };
}

t.test('every consent combination reaches the request and the check-in', async (t) => {
  for (let mask = 0; mask < 1 << CONSENT_ITEMS.length; mask++) {
    const wanted = Object.fromEntries(CONSENT_ITEMS.map((item, i) => [item, (mask & (1 << i)) !== 0]));
    const { event, line } = await checkin({ consent: wanted });
    if (event.result.code !== 'ELIGIBLE') t.fail(`mask ${mask}: ${event.result.code}`);
    if (JSON.stringify(event.consents) !== JSON.stringify(wanted)) t.fail(`mask ${mask}: event ${JSON.stringify(event.consents)}`);
    if (JSON.stringify(line.requests[0]?.consents) !== JSON.stringify(wanted)) t.fail(`mask ${mask}: request`);
  }
  t.pass('32 check-ins');
  const { event } = await checkin({ consent: 'cancel' });
  t.equal(event.result.code, 'CONSENT_CANCELLED');
  t.equal((rig.simulator.screens.at(-1) ?? { screen: '' }).screen, 'see-desk', 'the panel shows why');
});

t.test('PIN typed on the panel goes to the card VERIFY', async (t) => {
  const card = new FakeCardSession({ pin: '2580' });
  const { event } = await checkin({ identity: 'pin', pins: ['2580'] }, 'valid', card);
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.method, 'pin');
  t.equal(card.verifies.length, 1, 'one VERIFY for one PIN typed');
  const wrong = await checkin({ identity: 'pin', pins: ['0000'] }, 'valid', new FakeCardSession({ pin: '2580' }));
  t.equal(wrong.event.result.code, 'PIN_WRONG');
  const shown = rig.simulator.screens.at(-1);
  t.equal(shown?.code, 'PIN_WRONG');
  t.match(shown?.detail?.ja, /残り/);
});

t.test('not registered: register at the reader, or decline', async (t) => {
  const yes = await checkin({ registration: 'register' }, 'unregistered');
  t.equal(yes.line.requests.length, 2, 'asked again with the registration');
  const no = await checkin({ registration: 'decline' }, 'unregistered');
  t.equal(no.event.result.code, 'NOT_REGISTERED');
  t.equal(no.event.registeredAtReader, false);
});

t.test('staff assistance on the panel is recorded on the check-in', async (t) => {
  const { event } = await checkin({ assisted: false });
  t.equal(event.assisted, false);
  rig.patient.script({});
  await rig.panel.show({ kind: 'welcome' });
  const pressed = waitFor(rig.panel, 'assist');
  await rig.simulator.pressAssist(true);
  await pressed;
  const card = new FakeCardSession({ pin: '2580' });
  let n = 0;
  const assisted = await runCheckin(card, {
    config: config.flow, panel: rig.panel, face: new SimFaceMatcher(['match'], 0.5, 5), line: new FakeLine('valid'),
    logger: silentLogger, shutdown: new AbortController().signal, setState: () => undefined,
    commit: async (outcome, startedAt) => buildCheckinEvent(outcome, { eventId: `a${n++}`, gatewayId: 'gw', readerId: 'r', startedAt, now: Date.now() }),
  });
  t.equal(assisted.assisted, true);
});

t.test('a pulled cable during the consent questions ends the check-in PANEL_DOWN', async (t) => {
  const asked = waitFor(rig.simulator, 'ask', (ask: { ask: string }) => ask.ask === 'consent');
  const running = checkin({ hang: ['consent'] });
  await asked;
  await rig.pair.pull();
  const { event } = await running;
  t.equal(event.result.code, 'PANEL_DOWN');
  await rig.pair.plug();
  await waitForLink(rig.panel, true);
  const { event: after } = await checkin({});
  t.equal(after.result.code, 'ELIGIBLE', 'the next patient is served once the panel is back');
});
