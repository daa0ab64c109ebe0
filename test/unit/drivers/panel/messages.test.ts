// Payload validation (invariant 7): every JSON payload shape is checked; random and mutated
// payloads never throw and never pass as something they are not; PIN frames are strict.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  AnswerSchema, AskSchema, decodeJson, decodePin, encodePin, HelloReplySchema, HelloSchema, KeySchema, ShowSchema, WithdrawSchema,
} from '../../../../drivers/panel/protocol/messages.js';
import { FrameLink } from '../../../../drivers/panel/protocol/link.js';
import { encodeFrame, FRAME_TYPES } from '../../../../drivers/panel/protocol/frame.js';

const SCHEMAS = [HelloSchema, HelloReplySchema, ShowSchema, AskSchema, AnswerSchema, WithdrawSchema, KeySchema];

t.test('valid answers pass, near misses do not', async (t) => {
  const ok = (v: unknown) => decodeJson(AnswerSchema, Buffer.from(JSON.stringify(v)));
  t.ok(ok({ id: 1, kind: 'identity', choice: 'pin' }));
  t.ok(ok({ id: 2, kind: 'consent', consents: { drugInfo: true, specificDisease: false } }));
  t.ok(ok({ id: 3, kind: 'registration', answer: 'register' }));
  t.ok(ok({ id: 4, kind: 'cancel' }));
  t.equal(ok({ id: 0, kind: 'cancel' }), null, 'id 0');
  t.equal(ok({ id: 1, kind: 'identity', choice: 'visual' }), null, 'not a panel choice');
  t.equal(ok({ id: 1, kind: 'consent', consents: { drugInfo: 'yes' } }), null, 'not a boolean');
  t.equal(ok({ id: 1, kind: 'registration', answer: 'maybe' }), null);
  t.equal(decodeJson(AnswerSchema, Buffer.from('{"id":1,')), null, 'torn JSON');
  t.equal(decodeJson(AnswerSchema, Buffer.from([0xff, 0xfe])), null, 'not UTF-8 JSON');
});

t.test('PIN payloads: exactly an id and 4 ASCII digits; the payload is wiped', async (t) => {
  const payload = encodePin(7, Buffer.from('0429', 'ascii'));
  const pin = decodePin(payload);
  t.same(pin, { id: 7, digits: '0429' });
  t.ok(payload.every((b) => b === 0), 'wiped after reading');
  t.equal(decodePin(Buffer.from([0, 7, 0x30, 0x31, 0x32])), null, 'short');
  t.equal(decodePin(Buffer.from([0, 7, 0x30, 0x31, 0x32, 0x3a])), null, 'not a digit');
  t.equal(decodePin(Buffer.from([0, 7, 0x30, 0x31, 0x32, 0x33, 0x34])), null, 'long');
});

t.test('fuzz: random and mutated payloads never throw', async (t) => {
  const samples = [
    { id: 1, kind: 'consent', consents: { drugInfo: true } },
    { screen: 'see-desk', title: { ja: '受付窓口へお越しください', en: 'Please see the desk' }, code: 'LINE_DOWN' },
    { versions: [1], session: 'abcdef0123456789', language: 'ja' },
  ].map((v) => Buffer.from(JSON.stringify(v)));
  let passed = 0;
  for (let i = 0; i < 5000; i++) {
    let payload: Buffer;
    if (i % 2 === 0) payload = randomBytes(i % 300);
    else {
      payload = Buffer.from(samples[i % samples.length]!);
      for (let k = 0; k < 1 + (i % 4); k++) payload[Math.floor(Math.random() * payload.length)] = Math.floor(Math.random() * 256);
    }
    for (const schema of SCHEMAS) if (decodeJson(schema, payload) !== null) passed++;
    decodePin(Buffer.from(payload));
  }
  t.ok(passed >= 0, `${passed} mutated payloads were still valid`);
});

t.test('fuzz: a link fed random bytes never throws and keeps working', async (t) => {
  const written: Buffer[] = [];
  const link = new FrameLink((b) => written.push(b), { ackTimeoutMs: 1000, maxResends: 1, quietMs: 5 });
  const frames: number[] = [];
  link.on('frame', (f) => frames.push(f.seq));
  for (let i = 0; i < 2000; i++) link.receive(randomBytes(1 + (i % 64)));
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the quiet timer drop any partial
  link.receive(encodeFrame(FRAME_TYPES.SHOW, 77, Buffer.from('{}')));
  // A partial frame left by the noise may hold it back until the quiet timer dissolves it.
  for (let i = 0; i < 300 && frames.at(-1) !== 77; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  t.equal(frames.at(-1), 77, 'a good frame after the noise is delivered');
  link.close();
});
