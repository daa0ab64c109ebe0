// APDU encoding, response parsing and the one status-word table.
import t from 'tap';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { decodeCommand, encodeCommand, encodeResponse, parseResponse } from '../../../../drivers/card/apdu/apdu.js';
import { readDerHeader, sequenceElements, derTlv } from '../../../../drivers/card/apdu/der.js';
import { statusError, swName, triesLeftOf } from '../../../../drivers/card/apdu/status-words.js';

t.test('command APDUs encode and decode in all four cases', async (t) => {
  const cases = [
    { cla: 0, ins: 0x20, p1: 0, p2: 0x80 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 4, le: 256 },
    { cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Buffer.from([0, 0x0a]) },
    { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: Buffer.alloc(51, 7), le: 256 },
  ];
  for (const c of cases) t.same(decodeCommand(encodeCommand(c)), c);
  t.equal(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }).toString('hex'), '00b0000000');
  t.equal(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 }).toString('hex'), '00b0000004');
  t.throws(() => encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 257 }), RangeError);
  t.throws(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0 }), RangeError);
  t.equal(decodeCommand(Buffer.from('00a4', 'hex')), null);
  t.equal(decodeCommand(Buffer.from('00a4040c05d392', 'hex')), null, 'Lc longer than the data');
});

t.test('responses split into data and status word, and bad ones are CARD_ERROR', async (t) => {
  t.same(parseResponse(Buffer.from('01029000', 'hex')), { data: Buffer.from('0102', 'hex'), sw: 0x9000 });
  t.same(parseResponse(encodeResponse(Buffer.alloc(0), 0x63c2)), { data: Buffer.alloc(0), sw: 0x63c2 });
  for (const bad of [Buffer.alloc(0), Buffer.from([0x90]), Buffer.alloc(259), 'x', null]) {
    t.throws(() => parseResponse(bad), { name: 'GatewayError', code: 'CARD_ERROR' });
  }
});

t.test('status words have names and one mapping to result codes', async (t) => {
  t.equal(swName(0x6a82), 'fileNotFound');
  t.equal(swName(0x63c1), 'verifyFailed(1 left)');
  t.equal(triesLeftOf(0x63c2), 2);
  t.equal(triesLeftOf(0x6300), null);
  t.equal(statusError(0x6983, 'VERIFY').code, 'PIN_LOCKED');
  t.equal(statusError(0x6984, 'VERIFY').code, 'PIN_LOCKED');
  const e = statusError(0x6982, 'SIGN');
  t.equal(e.code, 'CARD_ERROR');
  t.same(e.details, { sw: '6982', swName: 'securityNotSatisfied', operation: 'SIGN' });
});

t.test('DER headers size files; sequences split into elements', async (t) => {
  t.same(readDerHeader(Buffer.from('308204d2', 'hex')), { tag: 0x30, headerLength: 4, contentLength: 0x4d2 });
  t.same(readDerHeader(Buffer.from('30819f', 'hex')), { tag: 0x30, headerLength: 3, contentLength: 0x9f });
  t.same(readDerHeader(Buffer.from('df2105', 'hex')), { tag: 0xdf21, headerLength: 3, contentLength: 5 });
  t.throws(() => readDerHeader(Buffer.from('3080', 'hex')), GatewayError, 'indefinite length refused');
  t.throws(() => readDerHeader(Buffer.from('3082', 'hex')), GatewayError);
  const seq = derTlv(0x30, Buffer.concat([derTlv(0x04, Buffer.from('ab')), derTlv(0xdf27, Buffer.alloc(300, 1))]));
  const els = sequenceElements(seq);
  t.equal(els.length, 2);
  t.equal(els[1]?.length, 300);
  t.throws(() => sequenceElements(seq.subarray(0, seq.length - 1)), GatewayError);
});
