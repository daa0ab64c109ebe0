// Fuzz-style: thousands of random and mutated card responses into the response parser and through
// the JPKI operations. Everything must end in a result or a GatewayError: no other exception, no
// hang, and no more data accepted than asked for.
import t from 'tap';
import { createHash } from 'node:crypto';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { parseResponse } from '../../../../drivers/card/apdu/apdu.js';
import { ChannelCardSession } from '../../../../drivers/card/card-session.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { faceKeyOf, seeded, virtualCard } from '../../../helpers/card-fixtures.js';

const SEED = Number(process.env.CARD_FUZZ_SEED ?? 20261125);

function mutate(random: () => number, good: Buffer): Buffer {
  const b = Buffer.from(good);
  switch (Math.floor(random() * 7)) {
    case 0: return b.subarray(0, Math.floor(random() * b.length)); // truncated
    case 1: { for (let i = 0; i < 1 + random() * 4; i++) if (b.length) b[Math.floor(random() * b.length)] = Math.floor(random() * 256); return b; }
    case 2: return Buffer.concat([b, Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)))]);
    case 3: { if (b.length >= 2) b.writeUInt16BE([0x6100, 0x61ff, 0x6c00, 0x6c04, 0x6cff, 0x6282, 0x63c0, 0x6983, 0x6f00][Math.floor(random() * 9)]!, b.length - 2); return b; }
    case 4: return Buffer.from(Array.from({ length: Math.floor(random() * 260) }, () => Math.floor(random() * 256)));
    case 5: { if (b.length > 6) b[Math.floor(random() * 4)] = Math.floor(random() * 256); return b; } // DER header bytes
    default: return b;
  }
}

t.test('parseResponse takes any bytes and answers data + SW or CARD_ERROR', async (t) => {
  const random = seeded(SEED);
  let errors = 0;
  for (let i = 0; i < 20000; i++) {
    const raw = Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
    try {
      const r = parseResponse(raw);
      if (r.data.length !== raw.length - 2 || r.sw !== raw.readUInt16BE(raw.length - 2)) t.fail('bad split');
    } catch (error) {
      errors++;
      if (!(error instanceof GatewayError) || error.code !== 'CARD_ERROR') t.fail(`unexpected ${String(error)}`);
    }
  }
  t.ok(errors > 0, `${errors} rejected of 20000`);
});

t.test('the JPKI operations survive mutated responses of a real card', async (t) => {
  const random = seeded(SEED + 1);
  const outcomes = new Map<string, number>();
  const runs = 3000;
  for (let i = 0; i < runs; i++) {
    const card = virtualCard(i % 2 ? 'yamada-taro' : 'ito-sakura', { protocol: i % 3 ? 't1' : 't0' });
    const rate = random() * 0.3; // share of responses mutated in this run
    const session = new ChannelCardSession({
      transmit: async (apdu) => { const good = card.process(apdu); return random() < rate ? mutate(random, good) : good; },
    }, { atr: card.atr, kind: 'mynumber', removed: new AbortController().signal, timeoutMs: 1000, surfaceKey: () => faceKeyOf(card.surfaceKey) });
    const op = i % 5;
    try {
      if (op === 0) { const der = await session.readUserAuthCertificate(); if (der.length > 64 * 1024) t.fail('oversized'); }
      else if (op === 1) await session.readFacePhoto();
      else if (op === 2) await session.pinTriesLeft();
      else if (op === 3) await session.verifyPin(new PinDigits('1234'));
      else { await session.verifyPin(new PinDigits('1234')); await session.signDigest(createHash('sha256').update(String(i)).digest()); }
      outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
    } catch (error) {
      if (!(error instanceof GatewayError)) { t.fail(`run ${i} op ${op}: ${String(error)}`); continue; }
      outcomes.set(error.code, (outcomes.get(error.code) ?? 0) + 1);
    }
  }
  t.ok((outcomes.get('ok') ?? 0) > 0 && (outcomes.get('CARD_ERROR') ?? 0) > 0, JSON.stringify(Object.fromEntries(outcomes)));
  t.notOk(outcomes.has('INTERNAL_ERROR'), 'no allowlist refusals or internal errors');
});
