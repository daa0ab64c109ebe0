// Over a socat pty pair: every link fault is recovered from. Garbage, a torn frame and a bad CRC
// cost a resend at most; a pulled cable (socat killed: both devices vanish) and a hung panel
// take the link down (questions fail PANEL_DOWN) and it comes back by itself when they return.
import t from 'tap';
import { CONSENT_ITEMS } from '../../../../vocabulary/consent.js';
import { encodeFrame, FRAME_TYPES } from '../../../../drivers/panel/protocol/frame.js';
import { panelRig, waitFor, waitForLink, type PanelRig } from '../../../helpers/panel-rig.js';

const open = () => new AbortController().signal;

async function withRig(t: { teardown(fn: () => unknown): void }, fn: (rig: PanelRig) => Promise<void>, options?: Parameters<typeof panelRig>[0]): Promise<void> {
  const rig = await panelRig(options);
  t.teardown(() => rig.close());
  await fn(rig);
}

t.test('garbage on the line before and between frames', async (t) => {
  await withRig(t, async (rig) => {
    rig.simulator.injectRaw(Buffer.from('\x00\x13\xffline noise\r\n'));
    rig.patient.script({ identity: 'pin' });
    t.equal(await rig.panel.askIdentityMethod(['face', 'pin'], open()), 'pin');
    rig.simulator.injectRaw(Buffer.from([0xa5, 0xa5, 0x00, 0x01, 0x99]));
    t.equal(await rig.panel.askIdentityMethod(['face', 'pin'], open()), 'pin');
    t.ok((rig.panel.faults.garbage ?? 0) + (rig.panel.faults['bad-type'] ?? 0) > 0, 'counted');
    t.ok(rig.panel.health().ok, 'link stayed up');
  });
});

t.test('a torn frame: dropped when the line goes quiet, the next answer gets through', async (t) => {
  await withRig(t, async (rig) => {
    const frame = encodeFrame(FRAME_TYPES.ANSWER, 200, Buffer.from(JSON.stringify({ id: 1, kind: 'cancel' })));
    rig.simulator.injectRaw(frame.subarray(0, frame.length - 5));
    // Whether the quiet timer or the next frame clears it first, the answer must get through.
    await new Promise((resolve) => setTimeout(resolve, 150));
    rig.patient.script({ consent: 'all-no' });
    t.same(await rig.panel.askConsent(['drugInfo'], open()), { kind: 'answered', consents: { drugInfo: false } });
    t.ok((rig.panel.faults.torn ?? 0) + (rig.panel.faults['bad-crc'] ?? 0) > 0, 'counted');
    t.ok(rig.panel.health().ok);
  });
});

t.test('a bad CRC on an answer and on an ACK: NAK / resend, answered once', async (t) => {
  await withRig(t, async (rig) => {
    let asks = 0;
    rig.simulator.on('ask', () => asks++);
    rig.patient.script({ registration: 'decline' });
    rig.simulator.corruptNext(2); // the ACK of the ASK, then the ANSWER
    t.same(await rig.panel.askRegistration(open()), { kind: 'decline' });
    t.ok((rig.panel.faults['bad-crc'] ?? 0) >= 1, 'bad CRC seen');
    rig.patient.script({ registration: 'register' });
    t.same(await rig.panel.askRegistration(open()), { kind: 'register' }, 'the next exchange is clean');
    t.equal(asks, 2, 'a resent ASK reached the patient once');
  });
});

t.test('pulled cable (port vanishes): link down, PANEL_DOWN, then back with the last screen', async (t) => {
  await withRig(t, async (rig) => {
    await rig.panel.show({ kind: 'welcome' });
    rig.patient.script({ hang: ['pin'] });
    const asked = waitFor(rig.simulator, 'ask');
    // Its rejection is expected as soon as the cable goes: handled from the start.
    const pending = t.rejects(rig.panel.askPin(3, open()), { code: 'PANEL_DOWN' });
    await asked;
    const down = waitForLink(rig.panel, false);
    await rig.pair.pull();
    await down;
    await pending;
    await t.rejects(rig.panel.show({ kind: 'please-wait' }), { code: 'PANEL_DOWN' });
    t.notOk(rig.panel.health().ok);
    await t.rejects(rig.panel.askConsent(CONSENT_ITEMS, open()), { code: 'PANEL_DOWN' });

    const reshown = waitFor(rig.simulator, 'screen', (s: { screen: string }) => s.screen === 'please-wait');
    const up = waitForLink(rig.panel, true);
    await rig.pair.plug();
    await up;
    await reshown;
    t.ok(rig.panel.health().ok, 'reconnected by itself');
    rig.patient.script({ pins: ['2468'] });
    const entry = await rig.panel.askPin(3, open());
    t.ok(entry.kind === 'pin' && entry.digits.consume().toString('ascii') === '2468', 'questions work again');
  });
});

t.test('a hung panel (no ACKs): heartbeat takes the link down; it comes back when the panel does', async (t) => {
  await withRig(t, async (rig) => {
    const events: boolean[] = [];
    rig.panel.on('link', ({ up }) => events.push(up));
    rig.simulator.mute(true);
    await waitForLink(rig.panel, false);
    t.match(rig.panel.health().detail, /no ACK|HELLO/);
    rig.simulator.mute(false);
    await waitForLink(rig.panel, true);
    t.same(events.slice(0, 2), [false, true]);
    t.equal(await rig.panel.askIdentityMethod(['face'], open()), 'face');
  });
});

t.test('the panel is not there at start: start() resolves, link down, up when it appears', async (t) => {
  await withRig(t, async (rig) => {
    t.notOk(rig.panel.health().ok);
    await rig.simulator.start();
    await waitForLink(rig.panel, true);
    t.ok(rig.panel.health().ok);
  }, { panelFirst: true });
});

t.test('version handshake: a panel that speaks no common version is refused', async (t) => {
  await withRig(t, async (rig) => {
    await waitFor(rig.simulator, 'hello');
    await waitFor(rig.simulator, 'hello'); // it keeps retrying, and keeps refusing
    t.notOk(rig.panel.health().ok);
    t.match(rig.panel.health().detail, /protocol version/);
    await t.rejects(rig.panel.show({ kind: 'welcome' }), { code: 'PANEL_DOWN' });
  }, { versions: [2] });
});

t.test('nothing the panel sends is logged: no PIN, no answers', async (t) => {
  await withRig(t, async (rig) => {
    rig.patient.script({ pins: ['8642'] });
    rig.simulator.corruptNext(1);
    const entry = await rig.panel.askPin(3, open());
    if (entry.kind === 'pin') entry.digits.consume();
    await rig.pair.pull();
    await waitForLink(rig.panel, false);
    const text = rig.logs.join('').replace(/"time":"[^"]*"/g, '');
    t.ok(rig.logs.length > 0, 'something was logged');
    t.notOk(text.includes('8642'), 'no PIN in the logs');
  });
});

t.test('a well-framed but invalid payload is dropped and counted; the link stays up', async (t) => {
  await withRig(t, async (rig) => {
    for (const [seq, body] of [[240, 'not json'], [241, '{"id":1,"kind":"consent","consents":{"drugInfo":"yes"}}'], [242, '{"id":0,"kind":"cancel"}']] as const) {
      rig.simulator.injectRaw(encodeFrame(FRAME_TYPES.ANSWER, seq, Buffer.from(body)));
    }
    rig.simulator.injectRaw(encodeFrame(FRAME_TYPES.PIN, 243, Buffer.from([0, 1, 0x31, 0x32, 0x33, 0x41])));
    rig.patient.script({ identity: 'pin' });
    t.equal(await rig.panel.askIdentityMethod(['face', 'pin'], open()), 'pin');
    t.ok((rig.panel.faults['bad-payload'] ?? 0) >= 4, `counted ${rig.panel.faults['bad-payload']}`);
    t.ok(rig.panel.health().ok);
  });
});

t.test('the panel restarts behind an open port: a new handshake, the screen put back, no link drop', async (t) => {
  await withRig(t, async (rig) => {
    await rig.panel.show({ kind: 'see-desk', code: 'LINE_DOWN' });
    const drops: boolean[] = [];
    rig.panel.on('link', ({ up }) => drops.push(up));
    await rig.simulator.stop();
    const hello = waitFor(rig.simulator, 'hello');
    const reshown = waitFor(rig.simulator, 'screen', (s: { screen: string }) => s.screen === 'see-desk');
    await rig.simulator.start();
    await hello;
    await reshown;
    rig.patient.script({ registration: 'decline' });
    t.same(await rig.panel.askRegistration(open()), { kind: 'decline' }, 'sequence numbers agree again');
    t.same(drops, [], 'the link never counted as down');
  });
});
