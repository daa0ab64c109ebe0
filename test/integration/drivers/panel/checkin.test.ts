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
import { FrontKeySource } from '../../../../drivers/card/front/front-key-source.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = validateConfig({});
// A clinic in the 電子カルテ情報共有サービス asks every item (flow.consentItems), not only the default six.
const sharingClinic = validateConfig({ flow: { consentItems: [...CONSENT_ITEMS] } });
let rig: PanelRig;
t.before(async () => {
  rig = await panelRig();
});
t.teardown(() => rig.close());

async function checkin(script: SimPanelScript, line: LineScenario = 'valid', card = new FakeCardSession({ pin: '2580' }), front?: FrontKeySource, flow = config.flow) {
  rig.patient.script(script);
  await rig.panel.show({ kind: 'welcome' });
  const fakeLine = new FakeLine(line);
  let n = 0;
  const event: CheckinEvent = await runCheckin(card, {
    config: flow,
    panel: rig.panel,
    face: new SimFaceMatcher(['match'], 0.5, 5),
    line: fakeLine,
    logger: silentLogger,
    shutdown: new AbortController().signal,
    setState: () => undefined,
    ...(front ? { front } : {}),
    commit: async (outcome, startedAt) =>
      buildCheckinEvent(outcome, { eventId: `e${n++}`, gatewayId: 'gw', readerId: 'r', startedAt, now: Date.now() }),
  });
  return { event, line: fakeLine };
}

t.test('every consent combination reaches the request and the check-in', async (t) => {
  const asked = config.flow.consentItems;
  for (let mask = 0; mask < 1 << asked.length; mask++) {
    const wanted = Object.fromEntries(asked.map((item, i) => [item, (mask & (1 << i)) !== 0]));
    const { event, line } = await checkin({ consent: wanted });
    if (event.result.code !== 'ELIGIBLE') t.fail(`mask ${mask}: ${event.result.code}`);
    if (JSON.stringify(event.consents) !== JSON.stringify(wanted)) t.fail(`mask ${mask}: event ${JSON.stringify(event.consents)}`);
    if (JSON.stringify(line.requests[0]?.consents) !== JSON.stringify(wanted)) t.fail(`mask ${mask}: request`);
  }
  t.pass(`${1 << asked.length} check-ins`);
  const { event } = await checkin({ consent: 'cancel' });
  t.equal(event.result.code, 'CONSENT_CANCELLED');
  t.equal((rig.simulator.screens.at(-1) ?? { screen: '' }).screen, 'see-desk', 'the panel shows why');
});

t.test('a clinic asking every item: each one alone, all and none reach the request and the check-in', async (t) => {
  const asked = sharingClinic.flow.consentItems;
  t.equal(asked.length, CONSENT_ITEMS.length);
  const answers = [...asked.map((only) => asked.map((item) => item === only)), asked.map(() => true), asked.map(() => false)];
  for (const answer of answers) {
    const wanted = Object.fromEntries(asked.map((item, i) => [item, answer[i] === true]));
    const { event, line } = await checkin({ consent: wanted }, 'valid', new FakeCardSession({ pin: '2580' }), undefined, sharingClinic.flow);
    t.equal(event.result.code, 'ELIGIBLE');
    t.same(event.consents, wanted, 'event');
    t.same(line.requests[0]?.consents, wanted, 'request');
  }
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

t.test('card front not in view: the panel asks to place the card flat, then the PIN pad says why (issue 13)', async (t) => {
  // The real front reader (OpenCV + tesseract) on a picture with no card in it: a grey frame.
  const cv = await loadFrontOpenCv();
  const dir = mkdtempSync(join(tmpdir(), 'oqs-front-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const empty = join(dir, 'empty.jpg');
  writeFileSync(empty, cv.imencode('.jpg', new cv.Mat(540, 960, cv.CV_8UC3, [128, 128, 128])));
  const front = new FrontKeySource({ ...config.card.front, source: 'files', files: [empty], timeLimitMs: 1000 });
  t.teardown(() => front.close());
  const screens: { screen: string; detail?: { ja: string } }[] = [];
  const onScreen = (show: { screen: string; detail?: { ja: string } }) => screens.push(show);
  rig.simulator.on('screen', onScreen);
  t.teardown(() => rig.simulator.off('screen', onScreen));
  const asked = waitFor(rig.simulator, 'ask', (ask: { ask: string }) => ask.ask === 'pin');
  const card = new FakeCardSession({ pin: '2580', certificate: Buffer.from('3082000b', 'hex') });
  const { event } = await checkin({ identity: 'face', pins: ['2580'] }, 'valid', card, front);
  const [pinAsk] = (await asked) as [{ detail?: { ja: string } }];
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.method, 'pin', 'the PIN after the time limit');
  t.equal(event.faceKeyFailure, 'FRONT_NOT_FOUND', 'the event says why');
  t.equal(card.photoReads, 0, 'nothing was presented to the card');
  t.ok(screens.some((s) => s.screen === 'card-front' && /平らに置いて/.test(s.detail?.ja ?? '')), 'the panel asked to place the card flat');
  t.match(pinAsk.detail?.ja, /表面を読み取れませんでした/, 'the PIN pad says why');
});
