// The JPKI operations against the virtual card, in process: certificate, PIN, signature, photo,
// and the T=0 paths (61xx GET RESPONSE, 6Cxx re-issue).
import t from 'tap';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { summariseCertificate } from '../../../../drivers/card/certificate.js';
import { directSession, ensurePki, virtualCard } from '../../../helpers/card-fixtures.js';

const pki = ensurePki();

for (const protocol of ['t1', 't0'] as const) {
  t.test(`${protocol}: the certificate is read without a PIN, whole, and parses`, async (t) => {
    const { session, card } = directSession(virtualCard('sato-hanako', { protocol }));
    const der = await session.readUserAuthCertificate();
    t.ok(der.equals(readFileSync(join(pki, 'jpki', 'people', 'sato-hanako.der'))), 'same bytes as the issued certificate');
    const summary = summariseCertificate(der);
    const manifest = JSON.parse(readFileSync(join(pki, 'manifest.json'), 'utf8')) as { people: { id: string; serial: string }[] };
    t.equal(summary.serial, manifest.people.find((p) => p.id === 'sato-hanako')?.serial);
    t.match(summary.issuer, /Test JPKI User Authentication CA/);
    t.equal(summary.keyBits, 2048);
    t.ok(Date.parse(summary.notAfter) > Date.parse(summary.notBefore));
    t.equal(card.pinTriesLeft, 3, 'reading the certificate used no PIN try');
    // 2 SELECTs + 4-byte header + ceil((len-4)/chunk) reads (+ one 6Cxx re-issue per read on T=0).
    let expected = 3; // SELECT AP, SELECT EF, READ BINARY of the 4-byte header
    for (let offset = 4; offset < der.length;) {
      const remaining = der.length - offset;
      const reissue = protocol === 't0' && remaining > 240; // 6C F0, then the same READ with Le F0
      expected += reissue ? 2 : 1;
      offset += reissue ? 240 : Math.min(256, remaining);
    }
    t.equal(session.apduCount, expected, 'APDU count');
  });

  t.test(`${protocol}: PIN right, wrong, locked, with tries counting down and no retries`, async (t) => {
    const { session, sent } = directSession(virtualCard('suzuki-ichiro', { protocol }));
    t.equal(await session.pinTriesLeft(), 3);
    t.same(await session.verifyPin(new PinDigits('1111')), { ok: false, triesLeft: 2 });
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: true }, 'right PIN resets the counter');
    t.equal(await session.pinTriesLeft(), 3);
    const verifies = () => sent.filter((a) => a[1] === 0x20 && a.length > 5).length;
    const before = verifies();
    t.same(await session.verifyPin(new PinDigits('0000')), { ok: false, triesLeft: 2 });
    t.equal(verifies() - before, 1, 'exactly one VERIFY with data per call');
    t.same(await session.verifyPin(new PinDigits('0001')), { ok: false, triesLeft: 1 });
    t.same(await session.verifyPin(new PinDigits('0002')), { ok: false, triesLeft: 0 });
    t.equal(await session.pinTriesLeft(), 0);
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: false, triesLeft: 0 }, 'locked: even the right PIN is refused');
    await t.rejects(session.signDigest(createHash('sha256').digest()), { code: 'CARD_ERROR' }, 'no signing without VERIFY');
  });

  t.test(`${protocol}: the signature verifies with the certificate's public key`, async (t) => {
    const { session } = directSession(virtualCard('tanaka-yuki', { protocol }));
    const der = await session.readUserAuthCertificate();
    const challenge = Buffer.from('nonce-' + protocol);
    await t.rejects(session.signDigest(createHash('sha256').update(challenge).digest()), { code: 'CARD_ERROR', details: { sw: '6982' } });
    t.same(await session.verifyPin(new PinDigits('1234')), { ok: true });
    const signature = await session.signDigest(createHash('sha256').update(challenge).digest());
    t.equal(signature.length, 256);
    t.ok(verify('sha256', challenge, new X509Certificate(der).publicKey, signature));
    t.notOk(verify('sha256', Buffer.from('other'), new X509Certificate(der).publicKey, signature));
    await t.rejects(session.signDigest(Buffer.alloc(20)), RangeError);
  });
}

t.test('the face photo is read with 照合番号B, and is JPEG 2000', async (t) => {
  const { session } = directSession(virtualCard('ito-sakura'));
  const photo = await session.readFacePhoto();
  t.ok(photo, 'photo read');
  t.ok(photo?.subarray(0, 12).equals(Buffer.from('0000000c6a5020200d0a870a', 'hex')), 'JP2 signature');
  const der = await session.readUserAuthCertificate();
  t.ok(der.length > 500, 'JPKI still readable after the card-surface AP');
  t.ok((await directSession(virtualCard('ito-sakura')).session.readFacePhoto())?.equals(photo!), 'deterministic');
  t.equal(await directSession(virtualCard('ito-sakura'), { surfaceKey: false }).session.readFacePhoto(), null, 'no key: no photo');
  t.equal(await directSession(virtualCard('ito-sakura', { withPhoto: false })).session.readFacePhoto(), null, 'no card-surface AP: no photo');
});

t.test('a wrong 照合番号B gives no photo and is not retried', async (t) => {
  const card = virtualCard('yamada-taro');
  const { session, sent } = directSession(card, { surfaceKey: false });
  // Swap in a wrong key through a session built by hand.
  const { ChannelCardSession } = await import('../../../../drivers/card/card-session.js');
  const wrong = new ChannelCardSession({ transmit: async (a) => { sent.push(Buffer.from(a)); return card.process(a); } }, {
    atr: card.atr, kind: 'mynumber', removed: new AbortController().signal, timeoutMs: 1000, surfaceKey: () => Buffer.from('00000000000000'),
  });
  t.equal(await wrong.readFacePhoto(), null);
  t.equal(sent.filter((a) => a[1] === 0x20).length, 1, 'one VERIFY only');
  t.ok(session);
});

t.test('operations on a removed card end with CARD_REMOVED', async (t) => {
  const { session, removal } = directSession(virtualCard());
  removal.abort();
  await t.rejects(session.readUserAuthCertificate(), { code: 'CARD_REMOVED' });
  await t.rejects(session.pinTriesLeft(), { code: 'CARD_REMOVED' });
});

t.test('PIN digits never show in logs or JSON, and are used once', async (t) => {
  const pin = new PinDigits('1234');
  t.equal(JSON.stringify({ pin }), '{"pin":"[PIN]"}');
  t.equal(String(pin), '[PIN]');
  const { session } = directSession(virtualCard('watanabe-mei'));
  await session.verifyPin(pin);
  t.throws(() => pin.consume(), /already used/);
});
