// The PIN path end to end: the simulated card (drivers/card, the real JPKI commands) reads its
// certificate, verifies the PIN and signs the service's challenge; the reference service accepts
// the proof over mutual TLS. Proves the two areas agree on what is signed.
import t from 'tap';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { silentLogger } from '../../../../vocabulary/log.js';
import { SimCardReader } from '../../../../drivers/card/sim/sim-card-reader.js';
import type { CardSession } from '../../../../drivers/card/card-reader.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { TEST_PIN } from '../../../../drivers/card/sim/profiles.js';
import { startHarness } from '../../../helpers/line-harness.js';

t.test('a card-signed challenge verifies at the service', async (t) => {
  const { dir, client } = await startHarness(t);
  const reader = new SimCardReader({ pkiDir: dir, timeoutMs: 5000, logger: silentLogger });
  await reader.start();
  t.teardown(() => reader.stop());
  const inserted = once(reader, 'inserted') as Promise<[CardSession]>;
  reader.insert('sato-hanako');
  const [session] = await inserted;
  const certificate = await session.readUserAuthCertificate();
  t.same(await session.verifyPin(new PinDigits(TEST_PIN)), { ok: true });
  const challenge = await client.challenge();
  const signature = await session.signDigest(createHash('sha256').update(challenge, 'utf8').digest());
  const result = await client.checkByCard({ certificate, method: 'pin', proof: { challenge, signature }, consents: { specificDisease: true } });
  t.equal(result.qualificationValidity, '1');
  t.equal(result.results[0]?.name, '佐藤　花子');
  t.equal(result.results[0]?.specificDiseasesCertificateList[0]?.specificDiseasesSelfPay, '10000');
  const forged = Buffer.from(signature);
  forged[10] = (forged[10] ?? 0) ^ 0xff;
  const other = await client.challenge();
  await t.rejects(client.checkByCard({ certificate, method: 'pin', proof: { challenge: other, signature: forged }, consents: {} }), { message: /PROOF_INVALID/ });
});
