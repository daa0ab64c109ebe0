// The frame codec: round trips, resync on garbage, torn frames, bad CRC, bad headers, and a fuzz
// of random and mutated byte streams (never a throw, never a hang, every intact frame found).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  crc16, encodeFrame, FRAME_START, FRAME_TYPES, FrameDecoder, MAX_PAYLOAD, type DecodeEvent, type Frame, type FrameType,
} from '../../../../drivers/panel/protocol/frame.js';
import { mulberry32 } from '../../../../vocabulary/mulberry32.js';

const frames = (events: DecodeEvent[]): Frame[] => events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
const faults = (events: DecodeEvent[]): string[] => events.flatMap((e) => (e.kind === 'fault' ? [e.fault] : []));
const TYPES = Object.values(FRAME_TYPES) as FrameType[];

// A deterministic PRNG so a failing fuzz case can be replayed from its seed.
const prng = mulberry32;

t.test('CRC-16/CCITT-FALSE check value', async (t) => {
  t.equal(crc16(Buffer.from('123456789')), 0x29b1);
});

t.test('round trip, byte by byte and all at once', async (t) => {
  const payload = Buffer.from(JSON.stringify({ title: { ja: 'カメラを見てください', en: 'Look' } }));
  const wire = Buffer.concat([encodeFrame(FRAME_TYPES.SHOW, 7, payload), encodeFrame(FRAME_TYPES.ACK, 255)]);
  const whole = new FrameDecoder().push(wire);
  t.same(faults(whole), []);
  t.same(frames(whole).map((f) => [f.type, f.seq, f.payload.toString()]), [[FRAME_TYPES.SHOW, 7, payload.toString()], [FRAME_TYPES.ACK, 255, '']]);
  const decoder = new FrameDecoder();
  const split = [...wire].flatMap((byte) => decoder.push(Buffer.from([byte])));
  t.same(frames(split).length, 2);
  t.notOk(decoder.hasPartial);
});

t.test('encode refuses what cannot be framed', async (t) => {
  t.throws(() => encodeFrame(FRAME_TYPES.SHOW, 0, Buffer.alloc(MAX_PAYLOAD + 1)), RangeError);
  t.throws(() => encodeFrame(FRAME_TYPES.SHOW, 256), RangeError);
});

t.test('garbage before, between and after frames', async (t) => {
  const a = encodeFrame(FRAME_TYPES.PING, 1);
  const b = encodeFrame(FRAME_TYPES.SHOW, 2, Buffer.from('{}'));
  const events = new FrameDecoder().push(Buffer.concat([Buffer.from('noise\x00\xff'), a, Buffer.from([1, 2, 3]), b, Buffer.from('tail')]));
  t.same(frames(events).map((f) => f.seq), [1, 2]);
  t.same(faults(events), ['garbage', 'garbage', 'garbage']);
});

t.test('a bad CRC drops the frame and the next one is found', async (t) => {
  const bad = encodeFrame(FRAME_TYPES.SHOW, 3, Buffer.from('{"x":1}'));
  bad[bad.length - 1]! ^= 0x01;
  const events = new FrameDecoder().push(Buffer.concat([bad, encodeFrame(FRAME_TYPES.PING, 4)]));
  t.same(frames(events).map((f) => f.seq), [4]);
  t.ok(faults(events).includes('bad-crc'));
});

t.test('a torn frame followed by whole frames: resync without waiting', async (t) => {
  const torn = encodeFrame(FRAME_TYPES.SHOW, 5, Buffer.from('{"long":"payload"}')).subarray(0, 9);
  const events = new FrameDecoder().push(Buffer.concat([torn, encodeFrame(FRAME_TYPES.PING, 6), encodeFrame(FRAME_TYPES.SHOW, 7, Buffer.alloc(30, 0x20))]));
  t.same(frames(events).map((f) => f.seq), [6, 7]);
});

t.test('a torn frame with a long declared length: dropPartial resyncs', async (t) => {
  const decoder = new FrameDecoder();
  const torn = encodeFrame(FRAME_TYPES.SHOW, 5, Buffer.alloc(3000, 0x41)).subarray(0, 40);
  t.same(frames(decoder.push(Buffer.concat([torn, encodeFrame(FRAME_TYPES.PING, 9)]))), [], 'still waiting for the long payload');
  t.ok(decoder.hasPartial);
  const events = decoder.dropPartial();
  t.same(frames(events).map((f) => f.seq), [9]);
  t.equal(faults(events)[0], 'torn');
  t.notOk(decoder.hasPartial);
});

t.test('bad headers are refused at once', async (t) => {
  const badType = Buffer.from([FRAME_START, 0, 0, 0x99, 0]);
  const badLength = Buffer.from([FRAME_START, 0xff, 0xff, FRAME_TYPES.SHOW, 0]);
  const events = new FrameDecoder().push(Buffer.concat([badType, badLength, encodeFrame(FRAME_TYPES.PING, 1)]));
  t.same(frames(events).map((f) => f.seq), [1]);
  t.ok(faults(events).includes('bad-type'));
  t.ok(faults(events).includes('bad-length'));
});

t.test('fuzz: random streams never throw, never hang, stay bounded', async (t) => {
  const rnd = prng(0x0a5a5);
  const decoder = new FrameDecoder();
  const started = Date.now();
  let produced = 0;
  for (let i = 0; i < 3000; i++) {
    const chunk = randomBytes(1 + Math.floor(rnd() * 300));
    // Start bytes are rare in random data; salt some in so the header paths get exercised.
    for (let j = 0; j < chunk.length; j += 1 + Math.floor(rnd() * 20)) if (rnd() < 0.5) chunk[j] = FRAME_START;
    produced += frames(decoder.push(chunk)).length;
    if (rnd() < 0.1) produced += frames(decoder.dropPartial()).length;
  }
  t.ok(produced >= 0);
  t.ok(Date.now() - started < 60_000, 'finished');
});

t.test('fuzz: mutated frame streams; every frame left intact is decoded, in order', async (t) => {
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = prng(seed);
    const decoder = new FrameDecoder();
    const sent: { seq: number; intact: boolean }[] = [];
    const parts: Buffer[] = [];
    for (let n = 0; n < 12; n++) {
      const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
      const payload = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const frame = encodeFrame(type, n, payload);
      const mutation = rnd();
      let intact = true;
      if (mutation < 0.15) {
        frame[1 + Math.floor(rnd() * (frame.length - 1))]! ^= 1 << Math.floor(rnd() * 8); // one flipped bit
        intact = false;
      } else if (mutation < 0.25) {
        parts.push(frame.subarray(0, Math.floor(rnd() * frame.length))); // torn
        sent.push({ seq: n, intact: false });
        continue;
      } else if (mutation < 0.35) {
        parts.push(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => Math.floor(rnd() * 256)))); // garbage
      }
      parts.push(frame);
      sent.push({ seq: n, intact });
    }
    const wire = Buffer.concat(parts);
    const events: DecodeEvent[] = [];
    // Feed in random chunk sizes; drop a stuck partial at the end as the link's quiet timer would.
    for (let at = 0; at < wire.length; ) {
      const size = 1 + Math.floor(rnd() * 40);
      events.push(...decoder.push(wire.subarray(at, at + size)));
      at += size;
    }
    for (let guard = 0; decoder.hasPartial && guard < MAX_PAYLOAD + 16; guard++) events.push(...decoder.dropPartial());
    if (decoder.hasPartial) t.fail(`seed ${seed}: decoder stuck`);
    const got = frames(events).map((f) => f.seq);
    // A mutated or torn frame may swallow bytes of its neighbour only when that neighbour was
    // itself damaged; intact frames must all come through. Random garbage may, rarely, form a
    // valid frame (1 in 65536 per candidate) so we only require the intact ones, in order.
    const intact = sent.filter((s) => s.intact).map((s) => s.seq);
    const gotIntact = got.filter((seq) => intact.includes(seq));
    if (JSON.stringify([...new Set(gotIntact)]) !== JSON.stringify(intact)) t.fail(`seed ${seed}: intact ${intact} got ${got}`);
  }
  t.pass('400 mutated streams');
});
