// Invariant 6: patient data in a log call is redacted wherever it sits in the object, and a PIN
// object prints as [PIN] even when logged or serialised by mistake.
import t from 'tap';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createLogger } from '../../../vocabulary/log.js';
import { PinDigits } from '../../../vocabulary/pin-digits.js';
import { fakeResult } from '../../helpers/flow-fakes.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
  return { logger: createLogger('debug', stream), lines };
}

t.test('patient fields are redacted at any depth', async (t) => {
  const { logger, lines } = capture();
  const result = fakeResult('valid');
  logger.info({ result, eventId: 'e1' }, 'eligibility answered');
  logger.info({ person: result.results[0] }, 'person');
  logger.info({ first: result.results[0] }, 'a result under another key');
  logger.info({ outer: { inner: { address: '東京都千代田区千代田1-1', name: '山田 太郎' } } }, 'nested');
  const text = lines.join('');
  for (const secret of ['山田', 'ﾔﾏﾀﾞ', '千代田', '01130012', '1980-05-12', '100-0005', '2345']) t.notOk(text.includes(secret), `no ${secret}`);
  t.ok(text.includes('"eventId":"e1"'), 'non-patient fields stay');
  t.ok(text.includes('[redacted]'));
});

t.test('a PIN never prints its digits', async (t) => {
  const { logger, lines } = capture();
  const pin = new PinDigits('4321');
  logger.info({ entry: { digits: pin }, other: pin }, 'pin entered');
  t.notOk(lines.join('').includes('4321'));
  t.equal(JSON.stringify({ pin }), '{"pin":"[PIN]"}');
  t.equal(String(pin), '[PIN]');
  t.notOk(inspect(pin).includes('4321'));
  t.equal(pin.consume().toString('ascii'), '4321', 'the card driver still gets the digits, once');
  t.throws(() => pin.consume(), /already used/);
  t.throws(() => new PinDigits('12a4'), RangeError);
});
