// Every kind of answer goes through the real client and service over mutual TLS and comes back
// as the right result or result code.
import t from 'tap';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recheck, toPending } from '../../../../drivers/line/pending.js';
import { cardDer, codeOfRejection, startHarness } from '../../../helpers/line-harness.js';

const allConsents = { drugInfo: true, checkupInfo: true, medicalInfo: true, limitCertificate: true, specificDisease: true };

t.test('card checks', async (t) => {
  const { dir, client, service } = await startHarness(t);
  const card = (id: string, consents = allConsents) => client.checkByCard({ certificate: cardDer(dir, id), method: 'face', consents });

  const yamada = await card('yamada-taro');
  t.same([yamada.status, yamada.registered, yamada.person?.name, yamada.person?.personFamily, yamada.person?.copayRatio], ['valid', true, '山田　太郎', 'self', 30]);
  t.same(yamada.viewable, { drugInfo: true, checkupInfo: true, medicalInfo: true });
  t.same(yamada.person?.insurance, service.register.byId('yamada-taro')?.person.insurance);

  const sato = await card('sato-hanako');
  t.same(sato.person?.limitCertificate, { category: 'ウ', longTermCareDate: null }, 'limit certificate with consent');
  t.same(sato.person?.specificDisease, { diseaseName: '人工透析を要する慢性腎不全', copayLimitYen: 10000 }, 'disease certificate with consent');
  const satoNoConsent = await card('sato-hanako', { drugInfo: false } as typeof allConsents);
  t.same([satoNoConsent.person?.limitCertificate, satoNoConsent.person?.specificDisease, satoNoConsent.viewable.drugInfo], [null, null, false]);

  const suzuki = await card('suzuki-ichiro');
  t.same([suzuki.person?.elderlyCopayRatio, suzuki.person?.copayRatio], [20, 20], 'elderly recipient');

  const mei = await card('watanabe-mei');
  t.same([mei.status, mei.person?.personFamily, mei.person?.copayRatio, mei.person?.insurance.branch], ['valid', 'family', 20, '02'], 'family member, preschool');

  const tanaka = await card('tanaka-yuki');
  t.same([tanaka.status, tanaka.reason, tanaka.person?.validUntil], ['invalid', '資格喪失', '2025-09-30'], 'lost qualification is a result, not an error');

  const ito = await card('ito-sakura');
  t.same([ito.status, ito.registered, ito.person], ['unconfirmed', false, null], 'card not registered for insurance use');
  const registering = await client.checkByCard({ certificate: cardDer(dir, 'ito-sakura'), method: 'face', consents: allConsents, registerInsuranceUse: true });
  t.same([registering.status, registering.registered], ['valid', true], '保険証利用登録 at the reader: answered as registered');
  t.equal((await card('ito-sakura')).registered, true, 'and stays registered');

  await t.rejects(card('takahashi-ken'), { code: 'CERT_INVALID', message: /CERT_REVOKED/ }, 'revoked (CRL)');
  await t.rejects(card('kobayashi-jiro'), { code: 'CERT_INVALID', message: /CERT_EXPIRED/ }, 'expired certificate');
  const rogue = readFileSync(join(dir, 'rogue', 'client.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
  await t.rejects(client.checkByCard({ certificate: Buffer.from(rogue, 'base64'), method: 'face', consents: {} }), { code: 'CERT_INVALID', message: /CERT_UNTRUSTED/ }, 'not from the JPKI CA');
  await t.rejects(client.checkByCard({ certificate: Buffer.from('not a certificate'), method: 'visual', consents: {} }), { code: 'CERT_INVALID' });
});

t.test('the PIN path signs a service challenge', async (t) => {
  const { dir, client } = await startHarness(t);
  const key = (id: string) => createPrivateKey(readFileSync(join(dir, 'jpki', 'people', `${id}.key`)));
  const challenge = await client.challenge();
  t.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  const signature = sign('sha256', Buffer.from(challenge, 'utf8'), key('yamada-taro'));
  const request = { certificate: cardDer(dir, 'yamada-taro'), method: 'pin' as const, proof: { challenge, signature }, consents: {} };
  t.equal((await client.checkByCard(request)).status, 'valid');

  // The same card may present the same proof again: that is how a queued re-check works.
  const pending = JSON.parse(JSON.stringify(toPending(request))) as ReturnType<typeof toPending>;
  t.notMatch(JSON.stringify(pending), /"type":"Buffer"/, 'pending inquiries are plain JSON');
  t.equal((await recheck(client, pending)).status, 'valid', 're-check with the stored proof');

  t.equal(await codeOfRejection(client.checkByCard({ ...request, certificate: cardDer(dir, 'sato-hanako') })), 'LINE_ERROR', 'another card cannot use the challenge');
  t.equal(await codeOfRejection(client.checkByCard({ ...request, proof: { challenge: 'x'.repeat(43), signature } })), 'LINE_ERROR', 'a challenge never issued');
  const other = await client.challenge();
  const wrongKey = sign('sha256', Buffer.from(other, 'utf8'), key('sato-hanako'));
  await t.rejects(client.checkByCard({ ...request, proof: { challenge: other, signature: wrongKey } }), { code: 'LINE_ERROR', message: /PROOF_INVALID/ });
  await t.rejects(client.checkByCard({ certificate: cardDer(dir, 'yamada-taro'), method: 'pin', consents: {} }), { message: /PROOF_REQUIRED/ });
});

t.test('number checks', async (t) => {
  const { client, service } = await startHarness(t);
  const byId = (id: string) => {
    const p = service.register.byId(id)?.person;
    if (!p) throw new Error(id);
    return { ...p.insurance, birthDate: p.birthDate };
  };
  const kenta = await client.checkByNumber(byId('watanabe-kenta'));
  t.same([kenta.status, kenta.person?.nameKana, kenta.viewable.drugInfo], ['valid', 'ワタナベ　ケンタ', false]);
  const kato = await client.checkByNumber(byId('kato-akira'));
  t.same([kato.status, kato.reason], ['invalid', '有効期限切れ'], 'expired qualification');
  t.same((await client.checkByNumber(byId('tanaka-yuki'))).status, 'invalid');
  const sato = await client.checkByNumber(byId('sato-hanako'));
  t.equal(sato.person?.specificDisease, null, 'disease certificate only on card checks');
  const wrongBirth = await client.checkByNumber({ ...byId('yamada-taro'), birthDate: '1980-05-13' });
  t.same([wrongBirth.status, wrongBirth.person], ['unconfirmed', null], 'a wrong birth date reveals nothing');
  const unknown = await client.checkByNumber({ insurerNumber: '01130012', symbol: '9', number: '999999999', branch: '00', birthDate: '2000-01-01' });
  t.equal(unknown.status, 'unconfirmed');
  const generated = service.register.entries.find((e) => e.id.startsWith('p') && e.qualification === 'valid');
  if (!generated) throw new Error('no generated person');
  const g = await client.checkByNumber({ ...generated.person.insurance, birthDate: generated.person.birthDate });
  t.same(g.person?.name, generated.person.name, 'generated people round-trip');
  t.equal(await codeOfRejection(client.checkByNumber({ insurerNumber: '123', symbol: '', number: '1', branch: '00', birthDate: '2000-01-01' })), 'LINE_ERROR', 'a request the service cannot parse');
});
