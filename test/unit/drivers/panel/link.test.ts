// The reliable link on an in-memory wire that loses, corrupts and tears frames on request.
import t from 'tap';
import { encodeFrame, FRAME_TYPES, type Frame } from '../../../../drivers/panel/protocol/frame.js';
import { FrameLink, type LinkFault } from '../../../../drivers/panel/protocol/link.js';

type Tamper = (bytes: Buffer) => Buffer | null; // null drops the write

// Timers are generous so a loaded machine does not cause resends the test did not ask for.
function wire(options = { ackTimeoutMs: 300, maxResends: 3, quietMs: 30 }) {
  const tamper: { ab: Tamper[]; ba: Tamper[] } = { ab: [], ba: [] };
  const deliver = (list: Tamper[], to: () => FrameLink) => (bytes: Buffer) => {
    const step = list.shift();
    const out = step ? step(bytes) : bytes;
    if (out) setImmediate(() => to().receive(out));
  };
  const a: FrameLink = new FrameLink(deliver(tamper.ab, () => b), options);
  const b: FrameLink = new FrameLink(deliver(tamper.ba, () => a), options);
  const got: Frame[] = [];
  const faults: LinkFault[] = [];
  b.on('frame', (f) => got.push(f));
  for (const link of [a, b]) link.on('fault', (f) => faults.push(f));
  return { a, b, tamper, got, faults, close: () => (a.close(), b.close()) };
}

const _keep: Tamper = (x) => x;
const drop: Tamper = () => null;
const spoil: Tamper = (x) => {
  const y = Buffer.from(x);
  y[y.length - 1]! ^= 0xff;
  return y;
};

t.test('frames arrive once, in order, each acknowledged', async (t) => {
  const w = wire();
  await Promise.all([1, 2, 3].map((n) => w.a.send(FRAME_TYPES.SHOW, Buffer.from(String(n)))));
  t.same(w.got.map((f) => f.payload.toString()), ['1', '2', '3']);
  t.same(w.faults, []);
  w.close();
});

t.test('a lost frame is resent', async (t) => {
  const w = wire();
  w.tamper.ab.push(drop);
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('x'));
  t.same(w.got.map((f) => f.payload.toString()), ['x']);
  t.ok(w.faults.includes('resend'));
  w.close();
});

t.test('a lost ACK: the resend is acknowledged again but delivered once', async (t) => {
  const w = wire();
  w.tamper.ba.push(drop);
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('once'));
  t.same(w.got.length, 1);
  t.ok(w.faults.includes('duplicate'));
  w.close();
});

t.test('a bad CRC is NAKed and resent at once', async (t) => {
  const w = wire({ ackTimeoutMs: 5000, maxResends: 3, quietMs: 30 });
  w.tamper.ab.push(spoil);
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('crc'));
  t.same(w.got.map((f) => f.payload.toString()), ['crc'], 'arrived long before the ACK timeout');
  t.ok(w.faults.includes('bad-crc'));
  w.close();
});

t.test('a torn frame is dropped when the line goes quiet; the resend gets through', async (t) => {
  const w = wire({ ackTimeoutMs: 5000, maxResends: 3, quietMs: 20 });
  w.tamper.ab.push((x) => x.subarray(0, x.length - 3));
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('torn'));
  t.same(w.got.map((f) => f.payload.toString()), ['torn']);
  t.ok(w.faults.includes('torn'));
  w.close();
});

t.test('garbage between frames is skipped', async (t) => {
  const w = wire();
  w.tamper.ab.push((x) => Buffer.concat([Buffer.from('\x00\xffgarbage'), x, Buffer.from([0xa5, 0x00])]));
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('g'));
  await w.a.send(FRAME_TYPES.SHOW, Buffer.from('h'));
  t.same(w.got.map((f) => f.payload.toString()), ['g', 'h']);
  w.close();
});

t.test('a silent peer: the send fails PANEL_DOWN after the resend bound and the link is dead', async (t) => {
  const w = wire({ ackTimeoutMs: 10, maxResends: 2, quietMs: 20 });
  w.tamper.ab.push(drop, drop, drop);
  let dead = '';
  w.a.on('dead', (reason) => (dead = reason));
  const queued = w.a.send(FRAME_TYPES.PING);
  const behind = w.a.send(FRAME_TYPES.SHOW, Buffer.from('behind'));
  await t.rejects(queued, { code: 'PANEL_DOWN' });
  await t.rejects(behind, { code: 'PANEL_DOWN' });
  t.match(dead, /after 2 resends/);
  w.close();
});

t.test('close rejects pending sends and later ones', async (t) => {
  const w = wire();
  w.tamper.ab.push(drop);
  const pending = w.a.send(FRAME_TYPES.SHOW);
  w.a.close('bye');
  await t.rejects(pending, { code: 'PANEL_DOWN' });
  await t.rejects(w.a.send(FRAME_TYPES.SHOW), { code: 'PANEL_DOWN' });
  w.b.receive(encodeFrame(FRAME_TYPES.SHOW, 9)); // the other end still works alone
  w.close();
});
