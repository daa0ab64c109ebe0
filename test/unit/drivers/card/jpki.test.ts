// The JPKI operations against the virtual card, in process: certificate, PIN, signature, photo,
// and the T=0 paths (61xx GET RESPONSE, 6Cxx re-issue).
import t from 'tap';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { summariseCertificate } from '../../../../drivers/card/certificate.js';
import { directSession, ensurePki, faceKeyOf, virtualCard } from '../../../helpers/card-fixtures.js';

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

t.test('a wrong 照合番号B: one VERIFY, a named refusal with tries left, never presented again', async (t) => {
  const card = virtualCard('yamada-taro');
  const { session, sent } = directSession(card, { surfaceKey: false });
  // A Gregorian YYMMDD instead of the era year: the mistake issue 12 warns about.
  const right = card.surfaceKey;
  const gregorian = faceKeyOf(`${String(Number(right.slice(0, 2)) + 25).padStart(2, '0').slice(-2)}${right.slice(2)}`);
  const first = await session.readFacePhotoWith(gregorian);
  t.same(first, { ok: false, reason: 'KEY_REFUSED', triesLeft: 9 });
  t.equal(card.faceKeyTriesLeft, 9, 'one try burnt on the card');
  t.same(await session.readFacePhotoWith(gregorian), { ok: false, reason: 'KEY_REFUSED' }, 'the same wrong key is not presented twice');
  t.equal(sent.filter((a) => a[1] === 0x20).length, 1, 'one VERIFY only');
  const ok = await session.readFacePhotoWith(faceKeyOf(right));
  t.ok(ok.ok, 'the right key still opens it');
  t.equal(card.faceKeyTriesLeft, 10, 'and resets the counter');
});

t.test('the card face is read as cards store it: FF20, offset table, the photo in DF27', async (t) => {
  const card = virtualCard('ito-sakura');
  const { session, sent } = directSession(card);
  const result = await session.readFacePhotoWith(faceKeyOf(card.surfaceKey));
  if (!result.ok) throw new Error(result.reason);
  t.equal(result.format, 'jp2');
  t.ok(result.photo.subarray(0, 12).equals(Buffer.from('0000000c6a5020200d0a870a', 'hex')), 'JP2 signature box');
  const reads = sent.filter((a) => a[1] === 0xb0);
  t.same([...reads[0]!], [0x00, 0xb0, 0x00, 0x00, 0x00], 'the first READ asks for 256 bytes');
  t.ok(result.bytesRead > result.photo.length + 700, `the whole template (${result.bytesRead} bytes) was read, not just the photo`);
  t.same(card.forbiddenSelects, []);
});

t.test('EF 0006 names the token; a phone has no card face and no Number AP', async (t) => {
  const { readTokenName, tokenNameOf } = await import('../../../../drivers/card/jpki.js');
  const card = directSession(virtualCard('yamada-taro'));
  t.equal(await readTokenName(card.session.channel), 'card');
  const phone = directSession(virtualCard('kimura-sumaho'));
  t.equal(await readTokenName(phone.session.channel), 'android');
  t.equal(phone.session.token, 'smartphone');
  t.ok((await phone.session.readUserAuthCertificate()).length > 500, 'the phone gives its certificate');
  t.equal(await phone.session.readFacePhoto(), null, 'no chip photo on a phone');
  t.same(await phone.session.readFacePhotoWith(faceKeyOf(phone.card.surfaceKey)), { ok: false, reason: 'NO_CARD_FACE' });
  t.equal(tokenNameOf(Buffer.from('JPKIAPIOSTOKEN'.padEnd(32, ' '))), 'iphone');
  t.equal(tokenNameOf(Buffer.from('JPKIAPICCTOKEN'.padEnd(32, ' '))), 'juki');
  t.equal(tokenNameOf(Buffer.concat([Buffer.from('JPKIAPGPSETOKEN'), Buffer.alloc(17)])), 'android', 'NUL padding (jpki/myna src/jpki.rs)');
  t.equal(tokenNameOf(Buffer.from('JPKIAPICCTOKEN3'.padEnd(32, ' '))), 'unknown');
  t.equal(tokenNameOf(Buffer.from('JPKI')), 'unknown');
});

t.test('a 顔認証マイナンバーカード has no PIN: the status says so, no VERIFY can succeed', async (t) => {
  const { session, card } = directSession(virtualCard('nakamura-kao'));
  t.same(await session.pinStatus(), { state: 'none' });
  await t.rejects(session.pinTriesLeft(), { code: 'IDENTITY_UNAVAILABLE', details: { reason: 'NO_PIN' } });
  await t.rejects(session.verifyPin(new PinDigits('1234')), { code: 'CARD_ERROR' });
  t.ok(await session.readFacePhoto(), 'the face route works');
  t.same(card.forbiddenSelects, []);
});

t.test('a locked PIN: 63 C0 to the query, 69 84 to every VERIFY', async (t) => {
  const card = virtualCard('suzuki-ichiro');
  const { session, sent } = directSession(card);
  for (const pin of ['0000', '0001', '0002']) await session.verifyPin(new PinDigits(pin));
  const answers: string[] = [];
  const raw = (hex: string) => { const r = card.process(Buffer.from(hex, 'hex')); answers.push(r.toString('hex')); };
  raw('00a4040c0ad392f000260100000001');
  raw('00a4020c020018');
  raw('0020008000');
  raw('002000800431323334');
  t.same(answers.slice(2), ['63c0', '6984']);
  t.same(await session.pinStatus(), { state: 'set', triesLeft: 0 });
  t.same(await session.verifyPinAndSign(new PinDigits('1234'), createHash('sha256').digest()), { ok: false, triesLeft: 0 });
  t.ok(sent.length > 0);
});

t.test('VERIFY and sign as one operation', async (t) => {
  const { session } = directSession(virtualCard('tanaka-yuki'));
  const der = await session.readUserAuthCertificate();
  const digest = createHash('sha256').update('challenge').digest();
  t.same(await session.verifyPinAndSign(new PinDigits('9999'), digest), { ok: false, triesLeft: 2 });
  const r = await session.verifyPinAndSign(new PinDigits('1234'), digest);
  if (!r.ok) throw new Error('refused');
  t.ok(verify('sha256', Buffer.from('challenge'), new X509Certificate(der).publicKey, r.signature));
  await t.rejects(session.verifyPinAndSign(new PinDigits('1234'), Buffer.alloc(20)), RangeError);
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
