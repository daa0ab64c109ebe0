// Every fault of the virtual card ends in a GatewayError with a card result code: never another
// exception, never a hang, never a crash.
import t from 'tap';
import { createHash } from 'node:crypto';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { CARD_FAULTS, type CardFault } from '../../../../drivers/card/sim/faults.js';
import { directSession, virtualCard } from '../../../helpers/card-fixtures.js';

const CARD_CODES = new Set(['CARD_ERROR', 'CARD_TIMEOUT', 'CARD_REMOVED', 'PIN_LOCKED']);

/** What each fault may end in when reading the certificate. */
const EXPECTED: Record<CardFault, string[]> = {
  none: [],
  slow: [],
  mute: ['CARD_TIMEOUT'],
  'remove-mid-read': ['CARD_REMOVED'],
  garbage: ['CARD_ERROR', 'PIN_LOCKED'],
  truncated: ['CARD_ERROR'],
  'wrong-sw': ['CARD_ERROR', 'PIN_LOCKED'],
};

for (const fault of CARD_FAULTS) {
  t.test(`fault ${fault}`, async (t) => {
    for (let seed = 1; seed <= 12; seed++) {
      // Timeouts are short here: the mute card costs one timeout per operation.
      const { session, removal } = directSession(virtualCard('sato-hanako'), { fault, seed, timeoutMs: fault === 'mute' ? 30 : 500, slowMs: 2 });
      let outcome = 'ok';
      try {
        const der = await session.readUserAuthCertificate();
        t.ok(der.length > 500);
      } catch (error) {
        t.type(error, GatewayError, `${fault}/${seed}: a GatewayError`);
        outcome = (error as GatewayError).code;
      }
      if (EXPECTED[fault].length === 0) t.equal(outcome, 'ok', `${fault}/${seed}: reads fine`);
      else t.ok(EXPECTED[fault].includes(outcome), `${fault}/${seed}: ${outcome}`);
      if (fault === 'remove-mid-read') t.ok(removal.signal.aborted, 'the session knows the card is gone');
      // The rest of the operations end cleanly too.
      for (const op of [() => session.pinTriesLeft(), () => session.verifyPin(new PinDigits('1234')), () => session.signDigest(createHash('sha256').digest()), () => session.readFacePhoto()]) {
        try { await op(); } catch (error) {
          t.ok(error instanceof GatewayError && CARD_CODES.has(error.code), `${fault}/${seed}: ${String(error)}`);
        }
      }
    }
  });
}

t.test('a slow card within the timeout is just slow', async (t) => {
  const { session } = directSession(virtualCard(), { fault: 'slow', slowMs: 30, timeoutMs: 1000 });
  const start = Date.now();
  await session.readUserAuthCertificate();
  t.ok(Date.now() - start >= 30 * 6, 'each APDU was delayed');
});

t.test('a slow card beyond the timeout is CARD_TIMEOUT', async (t) => {
  const { session } = directSession(virtualCard(), { fault: 'slow', slowMs: 300, timeoutMs: 100 });
  await t.rejects(session.readUserAuthCertificate(), { code: 'CARD_TIMEOUT' });
});

t.test("the caller's abort ends a command", async (t) => {
  const { session } = directSession(virtualCard(), { fault: 'mute', timeoutMs: 60000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(new GatewayError('SHUTTING_DOWN', 'stop')), 20);
  await t.rejects(session.readUserAuthCertificate(ac.signal), { code: 'SHUTTING_DOWN' });
});
