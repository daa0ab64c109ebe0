// The card driver through a real PC/SC stack: a private pcscd with vsmartcard's vpcd reader, the
// virtual My Number card plugged in over TCP. Brought up from cold and taken down here.
import t from 'tap';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { summariseCertificate } from '../../../../drivers/card/certificate.js';
import { FaultInjector, type CardFault } from '../../../../drivers/card/sim/faults.js';
import { ensurePki, foreignCard, seeded, virtualCard } from '../../../helpers/card-fixtures.js';
import { pcscUnavailable } from '../../../helpers/pcsc-daemon.js';
import { PcscCardRig } from '../../../helpers/pcsc-card-rig.js';

const why = pcscUnavailable();
if (why) {
  t.plan(0, `skipped: ${why}`);
} else {
  const pki = ensurePki();
  const rig = new PcscCardRig();
  t.before(() => rig.start(1000));
  t.teardown(() => rig.stop());

  t.test('insert: the certificate is read through pcscd and parsed', async (t) => {
    const card = virtualCard('sato-hanako');
    const session = await rig.insert(card);
    t.equal(session.kind, 'mynumber');
    t.equal(session.atr.toString('hex'), '3be000ff8131fe4514');
    const der = await session.readUserAuthCertificate();
    t.ok(der.equals(readFileSync(join(pki, 'jpki', 'people', 'sato-hanako.der'))));
    const manifest = JSON.parse(readFileSync(join(pki, 'manifest.json'), 'utf8')) as { people: { id: string; serial: string }[] };
    t.equal(summariseCertificate(der).serial, manifest.people.find((p) => p.id === 'sato-hanako')?.serial);
    t.equal(card.pinTriesLeft, 3);
    t.same(card.forbiddenSelects, []);
    await rig.remove();
    t.ok(session.removed.aborted, 'removal seen');
    await t.rejects(session.readUserAuthCertificate(), { code: 'CARD_REMOVED' });
  });

  t.test('PIN right / wrong / locked, tries counting down', async (t) => {
    const card = virtualCard('suzuki-ichiro');
    const session = await rig.insert(card);
    t.equal(await session.pinTriesLeft(), 3);
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: true });
    t.same(await session.verifyPin(new PinDigits('4321')), { ok: false, triesLeft: 2 });
    t.equal(await session.pinTriesLeft(), 2);
    t.same(await session.verifyPin(new PinDigits('4321')), { ok: false, triesLeft: 1 });
    t.same(await session.verifyPin(new PinDigits('4321')), { ok: false, triesLeft: 0 });
    t.equal(await session.pinTriesLeft(), 0);
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: false, triesLeft: 0 }, 'locked');
    await rig.remove();
    const again = await rig.insert(card);
    t.equal(await again.pinTriesLeft(), 0, 'still locked after re-insertion');
    await rig.remove();
  });

  t.test('the signature verifies with the certificate public key; the photo is read', async (t) => {
    const card = virtualCard('tanaka-yuki');
    const session = await rig.insert(card);
    const der = await session.readUserAuthCertificate();
    const photo = await session.readFacePhoto();
    t.ok(photo && photo.length > 100, 'photo read through pcscd');
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: true });
    const challenge = Buffer.from('challenge over pcscd');
    const signature = await session.signDigest(createHash('sha256').update(challenge).digest());
    t.ok(verify('sha256', challenge, new X509Certificate(der).publicKey, signature));
    t.same(card.forbiddenSelects, []);
    await rig.remove();
  });

  t.test('VERIFY + sign is one exclusive operation; the verified state does not outlive it', async (t) => {
    const card = virtualCard('yamada-taro');
    const session = await rig.insert(card);
    const der = await session.readUserAuthCertificate();
    const digest = createHash('sha256').update('one operation').digest();
    const r = await session.verifyPinAndSign(new PinDigits('1234'), digest);
    if (!r.ok) throw new Error('refused');
    t.ok(verify('sha256', Buffer.from('one operation'), new X509Certificate(der).publicKey, r.signature));
    // The card was unpowered when the operation let go: signing again needs the PIN again.
    await t.rejects(session.signDigest(digest), { code: 'CARD_ERROR', details: { sw: '6982' } });
    t.notOk(session.removed.aborted, 'an unpowered card is still on the reader');
    t.ok((await session.readUserAuthCertificate()).equals(der), 'and answers the next operation');
    await rig.remove();
  });

  t.test('a smartphone: a contactless ATR, EF 0006 says JPKIAPGPSETOKEN, no chip photo', async (t) => {
    const card = virtualCard('kimura-sumaho');
    const session = await rig.insert(card);
    t.equal(session.kind, 'mynumber');
    t.equal(session.token, 'smartphone');
    t.not(session.atr.toString('hex'), '3be000ff8131fe4514');
    t.ok((await session.readUserAuthCertificate()).equals(readFileSync(join(pki, 'jpki', 'people', 'kimura-sumaho.der'))));
    t.equal(await session.readFacePhoto(), null);
    t.same(card.forbiddenSelects, []);
    await rig.remove();
  });

  t.test('T=0 style card: GET RESPONSE and 6Cxx through pcscd', async (t) => {
    const card = virtualCard('ito-sakura', { protocol: 't0' });
    const session = await rig.insert(card);
    const der = await session.readUserAuthCertificate();
    t.ok(der.equals(readFileSync(join(pki, 'jpki', 'people', 'ito-sakura.der'))));
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: true });
    const sig = await session.signDigest(createHash('sha256').update('x').digest());
    t.ok(verify('sha256', Buffer.from('x'), new X509Certificate(der).publicKey, sig));
    await rig.remove();
  });

  t.test('card removed mid-read ends with CARD_REMOVED', async (t) => {
    const session = await rig.insert(virtualCard('yamada-taro'), new FaultInjector('remove-mid-read'));
    await t.rejects(session.readUserAuthCertificate(), { code: 'CARD_REMOVED' });
    await rig.remove();
    // And pulled by hand while a slow card is answering.
    const slow = await rig.insert(virtualCard('yamada-taro'), new FaultInjector('slow', { slowMs: 100 }));
    const reading = slow.readUserAuthCertificate();
    setTimeout(() => rig.host?.remove(), 250);
    await t.rejects(reading, { code: 'CARD_REMOVED' });
    await rig.remove();
  });

  const faults: CardFault[] = ['garbage', 'truncated', 'wrong-sw', 'mute', 'slow'];
  for (const fault of faults) {
    t.test(`fault ${fault}: an error or a result, never a crash`, async (t) => {
      const card = virtualCard('watanabe-mei');
      const session = await rig.insert(card, new FaultInjector(fault, { random: seeded(7), slowMs: 50 }));
      const outcomes: string[] = [];
      for (const op of [() => session.readUserAuthCertificate(), () => session.pinTriesLeft(), () => session.readFacePhoto()]) {
        try { await op(); outcomes.push('ok'); } catch (error) {
          t.type(error, GatewayError);
          outcomes.push((error as GatewayError).code);
        }
      }
      if (fault === 'slow') t.same(outcomes, ['ok', 'ok', 'ok']);
      else if (fault === 'mute') t.same(outcomes, ['CARD_TIMEOUT', 'CARD_TIMEOUT', 'CARD_TIMEOUT']);
      else t.ok(outcomes.some((o) => o !== 'ok'), outcomes.join(','));
      t.same(card.forbiddenSelects, []);
      await rig.remove();
    });
  }

  t.test('a card that is not a My Number card is CARD_UNSUPPORTED', async (t) => {
    const session = await rig.insert(foreignCard());
    t.equal(session.kind, 'unknown');
    await t.rejects(session.readUserAuthCertificate(), { code: 'CARD_UNSUPPORTED' });
    await rig.remove();
  });

  t.test('the driver is healthy with a reader, and says so without one', async (t) => {
    t.equal(rig.reader?.health().ok, true);
    t.match(rig.reader?.health().detail ?? '', /Virtual PCD/);
  });
}
