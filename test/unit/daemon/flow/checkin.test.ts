// Every outcome of the check-in flow, driven through fakes of the card and line and the
// in-process simulators of the panel and face.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { validateConfig } from '../../../../config/load.js';
import { runCheckin, type ReaderState } from '../../../../daemon/flow/checkin-flow.js';
import { buildCheckinEvent, type CheckinEvent, type CheckinOutcome } from '../../../../daemon/flow/checkin-event.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { SimFaceMatcher } from '../../../../drivers/face/sim/sim-face-matcher.js';
import { SimReaderPanel, type SimPanelScript } from '../../../../drivers/panel/index.js';
import type { FaceDecision } from '../../../../drivers/face/face-matcher.js';
import { FakeCardSession, FakeLine, type FakeCardOptions, type LineScenario } from '../../../helpers/flow-fakes.js';
import type { FrontKeySource } from '../../../../drivers/card/front/front-key-source.js';
import type { FrontResult } from '../../../../drivers/card/front/front-reader.js';
import { FaceKey } from '../../../../vocabulary/face-key.js';
import type { FrontGuidance } from '../../../../vocabulary/front-guidance.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';


interface Scenario {
  card?: FakeCardOptions;
  panel?: SimPanelScript;
  face?: FaceDecision[];
  line?: LineScenario;
  flow?: Record<string, unknown>;
  shutdown?: boolean;
  now?: number;
  front?: FrontKeySource;
}

async function run(s: Scenario) {
  const config = validateConfig({ flow: { faceTimeoutMs: 500, consentTimeoutMs: 300, pinTimeoutMs: 300, lineTimeoutMs: 300, cardReadTimeoutMs: 300, ...s.flow } });
  const panel = new SimReaderPanel(config.panel);
  await panel.start();
  panel.script(s.panel ?? {});
  await panel.show({ kind: 'welcome' }); // the reader idles on welcome before a card arrives
  await Promise.resolve();
  const face = new SimFaceMatcher(s.face ?? ['match'], 0.5, 5);
  const line = new FakeLine(s.line ?? 'valid');
  const card = new FakeCardSession(s.card);
  const states: ReaderState[] = [];
  const committed: CheckinEvent[] = [];
  const outcomes: CheckinOutcome[] = [];
  const shutdown = new AbortController();
  if (s.shutdown) shutdown.abort();
  const event = await runCheckin(card, {
    config: config.flow,
    panel,
    face,
    line,
    logger: silentLogger,
    shutdown: shutdown.signal,
    ...(s.now !== undefined ? { now: () => s.now! } : {}),
    setState: (state) => states.push(state),
    ...(s.front ? { front: s.front } : {}),
    commit: async (outcome: CheckinOutcome, startedAt: number) => {
      outcomes.push(outcome);
      const e = buildCheckinEvent(outcome, { eventId: randomUUID(), gatewayId: 'gw', readerId: 'r', startedAt, now: Date.now() });
      committed.push(e);
      return e;
    },
  });
  return { event, states, committed, outcomes, card, line, panel };
}

t.test('face match, consent and a valid insurance: ELIGIBLE with patient data', async (t) => {
  const { event, states, committed, line } = await run({});
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.result.ok, true);
  t.equal(event.method, 'face');
  t.equal(event.face?.decision, 'match');
  t.equal(event.eligibility?.results[0]?.name, '山田　太郎');
  t.same(states, ['card', 'face', 'consent', 'querying', 'done']);
  t.equal(committed.length, 1, 'committed exactly once');
  t.equal(line.requests[0]?.method, 'face');
  t.equal(line.requests[0]?.proof, undefined, 'no PIN proof on the face path');
});

t.test('consents answered on the panel travel to the line and the event', async (t) => {
  const { event, line } = await run({ panel: { consent: { drugInfo: true, checkupInfo: false, medicalInfo: true, limitCertificate: false, specificDisease: true, operationInfo: false } } });
  t.same(line.requests[0]?.consents, { drugInfo: true, checkupInfo: false, medicalInfo: true, limitCertificate: false, specificDisease: true, operationInfo: false });
  t.same(event.consents, line.requests[0]?.consents);
});

t.test('the 電子カルテ情報共有サービス items: asked only when configured, each answer to the line and the event', async (t) => {
  const plain = await run({});
  const askedPlain = plain.panel.history.find((r) => r.kind === 'ask' && r.ask === 'consent');
  t.same(askedPlain && 'items' in askedPlain ? askedPlain.items : null, ['drugInfo', 'checkupInfo', 'medicalInfo', 'limitCertificate', 'specificDisease', 'operationInfo'], 'not asked by default');
  const sharing = ['diagnosisName', 'infectiousInfo', 'allergyInfo', 'contraindicationInfo', 'testInfo', 'prescriptionInfo'];
  const { event, line, panel } = await run({
    flow: { consentItems: ['drugInfo', ...sharing] },
    panel: { consent: { drugInfo: true, diagnosisName: true, infectiousInfo: false, allergyInfo: true, contraindicationInfo: false, testInfo: true, prescriptionInfo: false } },
  });
  const asked = panel.history.find((r) => r.kind === 'ask' && r.ask === 'consent');
  t.same(asked && 'items' in asked ? asked.items : null, ['drugInfo', ...sharing], 'one question per item');
  t.same(line.requests[0]?.consents, { drugInfo: true, diagnosisName: true, infectiousInfo: false, allergyInfo: true, contraindicationInfo: false, testInfo: true, prescriptionInfo: false });
  t.same(event.consents, line.requests[0]?.consents, 'the event carries each answer as given');
});

t.test('a card that is not a My Number card: CARD_UNSUPPORTED', async (t) => {
  const { event } = await run({ card: { kind: 'unknown' } });
  t.equal(event.result.code, 'CARD_UNSUPPORTED');
  t.equal(event.eligibility, null);
});

t.test('card removed during the certificate read: CARD_REMOVED, no hang', async (t) => {
  const { event, states } = await run({ card: { removeDuringRead: true }, flow: { cardReadTimeoutMs: 60000 } });
  t.equal(event.result.code, 'CARD_REMOVED');
  t.equal(states.at(-1), 'done', 'a failed check-in is finished, not a device error');
});

t.test('a card that never answers: CARD_TIMEOUT', async (t) => {
  const { event } = await run({ card: { hangCertificate: true } });
  t.equal(event.result.code, 'CARD_TIMEOUT');
});

t.test('a card error from the driver keeps its code', async (t) => {
  const { event } = await run({ card: { certError: 'CARD_ERROR' } });
  t.equal(event.result.code, 'CARD_ERROR');
});

t.test('face mismatch falls back to the PIN; right PIN signs the challenge', async (t) => {
  const { event, line, states } = await run({ face: ['mismatch'], panel: { pins: ['1234'] } });
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.method, 'pin');
  t.equal(event.face?.decision, 'mismatch', 'the failed face score stays on the record');
  t.ok(line.requests[0]?.proof?.signature.length, 'the card signed the service challenge');
  t.equal(line.requests[0]?.proof?.challenge, 'challenge-123');
  t.ok(states.includes('pin'));
});

t.test('face mismatch with face as the only method: FACE_MISMATCH', async (t) => {
  const { event } = await run({ face: ['mismatch'], flow: { identityMethods: ['face'] } });
  t.equal(event.result.code, 'FACE_MISMATCH');
  t.equal(event.method, null);
  t.equal(event.eligibility, null);
});

t.test('nobody in front of the camera with face only: FACE_TIMEOUT', async (t) => {
  const { event } = await run({ face: ['no-face'], flow: { identityMethods: ['face'] } });
  t.equal(event.result.code, 'FACE_TIMEOUT');
});

t.test('a photo held up to the camera: FACE_SPOOF and no PIN fallback', async (t) => {
  const { event, card } = await run({ face: ['spoof'] });
  t.equal(event.result.code, 'FACE_SPOOF');
  t.equal(card.verifies.length, 0);
});

t.test('wrong PIN twice: PIN_WRONG with tries left, exactly one VERIFY per PIN typed', async (t) => {
  const { event, card } = await run({ panel: { identity: 'pin', pins: ['0000', '1111'] } });
  t.equal(event.result.code, 'PIN_WRONG');
  t.equal(event.result.triesLeft, 1);
  t.equal(card.verifies.length, 2);
});

t.test('wrong then right PIN: ELIGIBLE', async (t) => {
  const { event, card } = await run({ panel: { identity: 'pin', pins: ['0000', '1234'] } });
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(card.verifies.length, 2);
});

t.test('a locked PIN is not tried at all: PIN_LOCKED', async (t) => {
  const { event, card } = await run({ card: { triesLeft: 0 }, panel: { identity: 'pin' } });
  t.equal(event.result.code, 'PIN_LOCKED');
  t.equal(card.verifies.length, 0);
});

t.test('the last try used up: PIN_LOCKED', async (t) => {
  const { event } = await run({ card: { triesLeft: 1 }, panel: { identity: 'pin', pins: ['9999'] } });
  t.equal(event.result.code, 'PIN_LOCKED');
  t.equal(event.result.triesLeft, 0);
});

t.test('PIN cancelled on the pad: PIN_CANCELLED', async (t) => {
  const { event } = await run({ panel: { identity: 'pin', pins: ['cancel'] } });
  t.equal(event.result.code, 'PIN_CANCELLED');
});

t.test('consent cancelled and consent timed out', async (t) => {
  t.equal((await run({ panel: { consent: 'cancel' } })).event.result.code, 'CONSENT_CANCELLED');
  t.equal((await run({ panel: { hang: ['consent'] } })).event.result.code, 'CONSENT_TIMEOUT');
});

t.test('insurance not valid: NOT_ELIGIBLE, the service answer is kept', async (t) => {
  const { event } = await run({ line: 'invalid' });
  t.equal(event.result.code, 'NOT_ELIGIBLE');
  t.equal(event.eligibility?.qualificationValidity, '2');
});

t.test('card not registered for insurance use: NOT_REGISTERED', async (t) => {
  const { event } = await run({ line: 'unregistered', panel: { registration: 'decline' } });
  t.equal(event.result.code, 'NOT_REGISTERED');
});

t.test('line down, line error, certificate revoked, and a line that never answers', async (t) => {
  t.equal((await run({ line: 'LINE_DOWN' })).event.result.code, 'LINE_DOWN');
  t.equal((await run({ line: 'LINE_ERROR' })).event.result.code, 'LINE_ERROR');
  t.equal((await run({ line: 'CERT_INVALID' })).event.result.code, 'CERT_INVALID');
  t.equal((await run({ line: 'hang' })).event.result.code, 'LINE_TIMEOUT');
});

t.test('the gateway stopping mid-way: SHUTTING_DOWN, still committed', async (t) => {
  const { event, committed } = await run({ shutdown: true });
  t.equal(event.result.code, 'SHUTTING_DOWN');
  t.equal(committed.length, 1);
});

t.test('the panel shows the result the patient understands', async (t) => {
  const { panel } = await run({ line: 'LINE_DOWN' });
  const screens = panel.history.filter((r) => r.kind === 'screen').map((r) => (r.kind === 'screen' ? r.screen : null));
  t.match(screens.at(-1), { kind: 'see-desk', code: 'LINE_DOWN' });
});

t.test('an unregistered card registered at the reader on the patient\'s request', async (t) => {
  const line = 'unregistered';
  const declined = await run({ line, panel: { registration: 'decline' } });
  t.equal(declined.event.registeredAtReader, false);
  t.equal(declined.line.requests.length, 1, 'no registration without the patient asking');
  const registered = await run({ line, panel: { registration: 'register' } });
  t.equal(registered.line.requests.length, 2);
  t.equal(registered.line.requests[1]?.registerInsuranceUse, true);
});

t.test('a check-in with staff assisting says so', async (t) => {
  t.equal((await run({ panel: { assisted: true } })).event.assisted, true);
  t.equal((await run({})).event.assisted, false);
});

t.test('line down: the request is handed back for a re-check, not published', async (t) => {
  const { committed, outcomes } = await run({ line: 'LINE_DOWN' });
  t.equal(committed[0]?.result.code, 'LINE_DOWN');
  t.ok(outcomes[0]?.pendingRequest?.certificate, 'the request is kept for the re-check');
  t.notOk('pendingRequest' in committed[0]!, 'the event itself carries no request');
});

t.test('no usable face in the card photo: the PIN takes over; with face only it ends FACE_TIMEOUT', async (t) => {
  const photo = Buffer.alloc(0); // SimFaceMatcher.enrol refuses an empty photo like a faceless one
  const fallback = await run({ card: { photo }, panel: { pins: ['1234'] } });
  t.equal(fallback.event.result.code, 'ELIGIBLE');
  t.equal(fallback.event.method, 'pin');
  const faceOnly = await run({ card: { photo }, flow: { identityMethods: ['face'] } });
  t.equal(faceOnly.event.result.code, 'FACE_TIMEOUT');
});

t.test('a smartphone: no face step, no PIN pad; the phone signs the challenge; token on the event', async (t) => {
  const { event, card, line, panel, states } = await run({ card: { token: 'smartphone' } });
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.method, 'smartphone');
  t.equal(event.token, 'smartphone');
  t.equal(event.face, null);
  t.equal(card.photoReads, 0, 'no chip photo asked of a phone');
  t.equal(card.verifies.length, 0, 'no VERIFY sent to a phone');
  t.notOk(panel.history.some((r) => r.kind === 'ask' && (r.ask === 'identity' || r.ask === 'pin')), 'neither the method choice nor the PIN pad');
  t.equal(line.requests[0]?.method, 'smartphone');
  t.ok(line.requests[0]?.proof?.signature, 'possession proven by a signature');
  t.notOk(states.includes('face'));
});

t.test('a card check-in says token card', async (t) => {
  const { event } = await run({});
  t.equal(event.token, 'card');
});

t.test('a card without a PIN (顔認証マイナンバーカード): the PIN route is never offered', async (t) => {
  const matched = await run({ card: { pinless: true }, panel: { identity: 'pin' } });
  t.equal(matched.event.result.code, 'ELIGIBLE');
  t.equal(matched.event.method, 'face', 'face, although the patient would have picked the PIN');
  t.notOk(matched.panel.history.some((r) => r.kind === 'ask' && (r.ask === 'identity' || r.ask === 'pin')));
  const mismatch = await run({ card: { pinless: true }, face: ['mismatch', 'mismatch', 'mismatch'] });
  t.equal(mismatch.event.result.code, 'FACE_MISMATCH', 'no PIN fallback');
  t.equal(mismatch.card.verifies.length, 0);
  t.notOk(mismatch.panel.history.some((r) => r.kind === 'ask' && r.ask === 'pin'));
  const visual = await run({ card: { pinless: true }, face: ['mismatch', 'mismatch', 'mismatch'], flow: { identityMethods: ['face', 'pin', 'visual'] } });
  t.not(visual.event.method, 'pin', `with visual configured but no staff check wired here: ${visual.event.result.code}`);
  t.equal(visual.card.verifies.length, 0);
  t.notOk(visual.panel.history.some((r) => r.kind === 'ask' && r.ask === 'pin'));
});

t.test('certificate grace: expired < 3 months: the insurance check only; expiring soon: the event says so', async (t) => {
  const { X509Certificate } = await import('node:crypto');
  const { readFileSync } = await import('node:fs');
  const { ensurePki } = await import('../../../helpers/card-fixtures.js');
  const der = readFileSync(`${ensurePki()}/jpki/people/yamada-taro.der`);
  const notAfter = Date.parse(new X509Certificate(der).validTo);
  const day = 86400000;
  const all = { drugInfo: true, checkupInfo: true, medicalInfo: true, limitCertificate: true, specificDisease: true, testInfo: true, allergyInfo: true };
  const grace = await run({ card: { certificate: der }, now: notAfter + 30 * day, panel: { consent: all }, flow: { consentItems: ['drugInfo', 'checkupInfo', 'medicalInfo', 'limitCertificate', 'specificDisease', 'testInfo', 'allergyInfo'] } });
  t.same(grace.event.certificate, { standing: 'grace' });
  t.equal(grace.event.result.code, 'ELIGIBLE');
  t.same(Object.keys(grace.event.consents).sort(), ['limitCertificate', 'specificDisease'], 'no medical-information consent (the sharing items neither)');
  const asked = grace.panel.history.find((r) => r.kind === 'ask' && r.ask === 'consent');
  t.same(asked && 'items' in asked ? asked.items : null, ['limitCertificate', 'specificDisease'], 'only the insurance items are asked');
  t.same(grace.line.requests[0]?.consents, grace.event.consents);
  const last = (p: typeof grace.panel) => [...p.history].reverse().find((r) => r.kind === 'screen');
  t.same(last(grace.panel), { kind: 'screen', screen: { kind: 'done', notice: 'certificate-grace' } }, 'the reader says so');
  const soon = await run({ card: { certificate: der }, now: notAfter - 20 * day, panel: { consent: all } });
  t.same(soon.event.certificate, { standing: 'expiring' });
  t.equal(soon.event.consents.drugInfo, true, 'an unexpired certificate serves everything');
  t.same(last(soon.panel), { kind: 'screen', screen: { kind: 'done', notice: 'certificate-expiring' } }, 'the panel warns the patient');
  const fine = await run({ card: { certificate: der }, now: notAfter - 200 * day });
  t.equal(fine.event.certificate, undefined);
});

// The card front (issue 13): a stand-in for the front reader (the reader itself is tested in
// test/unit/drivers/card/front-reader.test.ts on generated pictures).
/** `guidance` is given at once (before the face step: held back, the latest replayed), `later`
 * once `gate` resolves (during the face step: shown as it comes, once per change). */
function fakeFront(result: FrontResult, guidance: readonly FrontGuidance[] = [], later: readonly FrontGuidance[] = [], gate?: Promise<void>): FrontKeySource & { reads: number; refusals: number } {
  const fake = {
    reads: 0,
    refusals: 0,
    timeLimitMs: 300,
    async read(_certificate: Buffer, options: { onGuidance?: (g: FrontGuidance) => void } = {}) {
      fake.reads++;
      for (const g of guidance) options.onGuidance?.(g);
      if (gate) {
        await gate;
        await new Promise((resolve) => setImmediate(resolve)); // the flow takes the advice from here on
      }
      for (const g of later) options.onGuidance?.(g);
      return result;
    },
    refused() { fake.refusals++; },
  };
  return fake as unknown as FrontKeySource & { reads: number; refusals: number };
}

t.test('card front: the key read off the front opens the photo, face match, no PIN', async (t) => {
  const built = FaceKey.build({ birth: { era: 'showa', eraYear: 55, month: 5, day: 12 }, expiryYear: 2031, securityCode: '0042' });
  if (!built.ok) throw new Error('key');
  const front = fakeFront({ ok: true, key: built.key, frames: 2 });
  const { event, panel } = await run({ front });
  t.equal(front.reads, 1);
  t.equal(event.method, 'face');
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.faceKey, 'front-ocr', 'the event says the photo was opened with the key read off the front');
  t.equal(event.faceKeyFailure, undefined);
  t.equal(validatePayload('checkin.v2', event), null, 'valid against schemas/checkin.v2');
  t.notOk(panel.history.some((r) => r.kind === 'ask' && r.ask === 'pin'), 'no PIN pad');
});

t.test('card front read from the certificate on, while the patient chooses; choosing the PIN stops it', async (t) => {
  const seen: { signal?: AbortSignal; identityAsked: boolean }[] = [];
  let panelRef: SimReaderPanel | undefined;
  const front = {
    timeLimitMs: 300,
    refused() {},
    read(_certificate: Buffer, options: { signal?: AbortSignal }) {
      seen.push({ ...(options.signal ? { signal: options.signal } : {}), identityAsked: panelRef?.history.some((r) => r.kind === 'ask' && r.ask === 'identity') ?? false });
      return new Promise<FrontResult>((_, reject) => options.signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
    },
  } as unknown as FrontKeySource;
  const original = SimReaderPanel.prototype.askIdentityMethod;
  t.teardown(() => { SimReaderPanel.prototype.askIdentityMethod = original; });
  SimReaderPanel.prototype.askIdentityMethod = function (this: SimReaderPanel, choices, signal) {
    panelRef = this;
    return original.call(this, choices, signal);
  };
  const { event } = await run({ front, panel: { identity: 'pin', pins: ['1234'] } });
  t.equal(seen.length, 1, 'the front read started although the patient then chose the PIN');
  t.equal(seen[0]?.identityAsked, false, 'it started before the face/PIN question');
  t.equal(seen[0]?.signal?.aborted, true, 'and was stopped');
  t.equal(event.method, 'pin');
  t.equal(event.faceKeyFailure, undefined, 'not a failure: the patient chose the PIN');
});

t.test('faceKey: reader when the card driver opened the photo itself; absent on the PIN route', async (t) => {
  const face = await run({});
  t.equal(face.event.faceKey, 'reader');
  t.equal(validatePayload('checkin.v2', face.event), null);
  const pin = await run({ panel: { identity: 'pin', pins: ['1234'] } });
  t.equal(pin.event.method, 'pin');
  t.equal(pin.event.faceKey, undefined, 'no photo opened, no faceKey');
  t.equal(pin.event.faceKeyFailure, undefined);
});

t.test('card front: a key the card refuses is reported, never presented again, and the PIN follows', async (t) => {
  const built = FaceKey.build({ birth: { era: 'heisei', eraYear: 2, month: 1, day: 31 }, expiryYear: 2030, securityCode: '1100' });
  if (!built.ok) throw new Error('key');
  const front = fakeFront({ ok: true, key: built.key, frames: 2 });
  const { event, panel } = await run({ front, card: { refuseFaceKey: true }, panel: { pins: ['1234'] } });
  t.equal(front.refusals, 1, 'the front reader is told the key was refused');
  t.match(panel.history.find((r) => r.kind === 'ask' && r.ask === 'pin'), { reason: 'front-refused' });
  t.equal(event.method, 'pin');
  t.equal(event.faceKey, undefined);
  t.equal(event.faceKeyFailure, 'KEY_REFUSED');
  t.equal(validatePayload('checkin.v2', event), null);
});

t.test('card front unreadable: the panel guides the patient, then falls back to the PIN and says why', async (t) => {
  // The rest of the advice comes once the face step shows the front screen.
  let opened = (): void => {};
  const gate = new Promise<void>((resolve) => (opened = resolve));
  const show = SimReaderPanel.prototype.show;
  t.teardown(() => { SimReaderPanel.prototype.show = show; });
  SimReaderPanel.prototype.show = function (this: SimReaderPanel, screen) {
    const shown = show.call(this, screen);
    if (screen.kind === 'card-front') opened();
    return shown;
  };
  const front = fakeFront({ ok: false, why: 'FRONT_UNREADABLE', frames: 9, lastFrame: 'BIRTH_NOT_READ' }, ['hold-still', 'place-flat', 'place-flat'], ['place-flat', 'hold-still', 'hold-still', 'hold-still'], gate);
  const { event, panel } = await run({ front, panel: { pins: ['9999', '1234'] }, card: { pin: '1234' } });
  const screens = panel.history.flatMap((r) => (r.kind === 'screen' && r.screen.kind === 'card-front' ? [r.screen] : []));
  t.same(screens, [{ kind: 'card-front' }, { kind: 'card-front', guidance: 'place-flat' }, { kind: 'card-front', guidance: 'hold-still' }], 'the front screen, the latest advice given so far, then each advice once when it changes');
  const pins = panel.history.flatMap((r) => (r.kind === 'ask' && r.ask === 'pin' ? [r] : []));
  t.equal(pins.length, 2, 'a wrong PIN, then the right one');
  t.equal(pins[0]?.reason, 'front-unread', 'the pad says the front could not be read');
  t.equal(pins[1]?.reason, undefined, 'only on the first ask');
  t.equal(front.reads, 1);
  t.equal(event.method, 'pin', 'the PIN as today');
  t.equal(event.result.code, 'ELIGIBLE');
  t.equal(event.faceKeyFailure, 'FRONT_UNREADABLE', 'the event says why face match was not possible');
  t.equal(event.faceKey, undefined);
  t.equal(validatePayload('checkin.v2', event), null);
  t.ok(validatePayload('checkin.v2', { ...event, faceKeyFailure: 'MADE_UP' }), 'the schema names the failures');
});
