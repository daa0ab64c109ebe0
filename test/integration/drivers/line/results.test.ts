// Every kind of answer goes through the real client and service over mutual TLS and comes back
// as the right result or result code.
import t from 'tap';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recheck, toPending } from '../../../../drivers/line/pending.js';
import { codeOfAnswer, insuranceOf } from '../../../../drivers/line/eligibility.js';
import { CONSENT_ITEMS, type Consents } from '../../../../vocabulary/consent.js';
import { VIEWING_CONSENTS } from '../../../../drivers/line/answer.js';
import { cardDer, codeOfRejection, startHarness } from '../../../helpers/line-harness.js';

const allConsents: Consents = Object.fromEntries(CONSENT_ITEMS.map((item) => [item, true]));

t.test('card checks: every answer round-trips in the national model', async (t) => {
  const { dir, client, service } = await startHarness(t);
  const card = (id: string, consents: Consents = allConsents) => client.checkByCard({ certificate: cardDer(dir, id), method: 'face', consents });

  const yamada = await card('yamada-taro');
  const y = yamada.results[0];
  t.same([yamada.qualificationValidity, yamada.qualificationValidityLabel, yamada.referenceClassification, yamada.registered, codeOfAnswer(yamada)], ['1', '有効', '1', true, 'ELIGIBLE']);
  t.same([y?.name, y?.nameKana, y?.personalFamilyClassification, y?.insuredPartialContributionRatio], ['山田　太郎', 'ﾔﾏﾀﾞ ﾀﾛｳ', '1', '030']);
  t.same(insuranceOf(y ?? fail()), service.register.byId('yamada-taro')?.person.insurance);
  for (const kind of VIEWING_CONSENTS) {
    const c = y?.[kind];
    t.ok(c?.consFlg === '1' && c.consTime !== null && c.availableTime !== null && c.availableTime > c.consTime, `${kind}: agreed, with consent time and viewing deadline`);
  }
  // 電子カルテ情報共有サービス: each item on its own — agreed ones with their time, the rest 0 and no times.
  const some = (await card('yamada-taro', { drugInfo: true, testInfo: true, prescriptionInfo: true, allergyInfo: false })).results[0];
  t.same(['diagnosisName', 'infectiousInfo', 'allergyInfo', 'contraindicationInfo', 'testInfo', 'prescriptionInfo'].map((k) => {
    const c = some?.[k as (typeof VIEWING_CONSENTS)[number]];
    return `${k}:${c?.consFlg}:${c?.consTime === null ? 'no time' : 'time'}:${c?.availableTime === null ? 'no deadline' : 'deadline'}`;
  }), ['diagnosisName:0:no time:no deadline', 'infectiousInfo:0:no time:no deadline', 'allergyInfo:0:no time:no deadline', 'contraindicationInfo:0:no time:no deadline',
    'testInfo:1:time:deadline', 'prescriptionInfo:1:time:deadline'], 'each sharing consent as the patient answered it');
  t.same([yamada.prescriptionIssueSelect, yamada.prescriptionIssueSelectLabel], ['1', '電子処方箋']);

  const sato = await card('sato-hanako');
  const s0 = sato.results[0];
  t.same([s0?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag, s0?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlagLabel], ['A03', 'ウ'], '限度額 by card with consent');
  t.same(s0?.specificDiseasesCertificateList.map((d) => [d.specificDiseasesDiseaseCategory, d.specificDiseasesSelfPay]), [['01', '10000']], '特定疾病 list with consent');
  const satoNoConsent = await card('sato-hanako', { drugInfo: false });
  const n0 = satoNoConsent.results[0];
  t.same([n0?.limitApplicationCertificateRelatedInfo, n0?.specificDiseasesCertificateList, n0?.pharmacistsInfo.consFlg, n0?.limitApplicationCertificateRelatedConsFlg], [null, [], '0', '0']);

  const suzuki = await card('suzuki-ichiro');
  t.same([suzuki.qualificationValidity, suzuki.results.length, codeOfAnswer(suzuki)], ['5', 2, 'MULTIPLE_MATCHES'], 'several results in one answer (複数該当)');
  t.same(suzuki.results.map((r) => r.elderlyRecipientCertificateInfo?.elderlyRecipientContributionRatio), ['020', '020'], 'elderly recipient');
  t.equal(suzuki.results[0]?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag, 'B09', '70+: B codes');

  const mei = await card('watanabe-mei');
  t.same([mei.qualificationValidity, mei.results[0]?.personalFamilyClassification, mei.results[0]?.preschoolClassification, mei.results[0]?.insuredBranchNumber], ['1', '2', '1', '02'], 'family member, preschool');

  const tanaka = await card('tanaka-yuki');
  t.same([tanaka.qualificationValidity, codeOfAnswer(tanaka), tanaka.results[0]?.disqualificationDate, tanaka.results[0]?.reasonOfLoss], ['3', 'NEWER_INSURANCE', '2025-10-01', '03'], 'lost with a newer insurance: an answer, not an error');
  const dated = await client.checkByCard({ certificate: cardDer(dir, 'tanaka-yuki'), method: 'face', consents: {}, qualificationConfirmationDate: '2025-09-01' });
  t.same([dated.qualificationValidity, dated.qualificationConfirmationDate], ['1', '2025-09-01'], 'a dated card check answers for that day');

  const ito = await card('ito-sakura');
  t.same([ito.qualificationValidity, ito.registered, ito.results, codeOfAnswer(ito)], ['4', false, [], 'NOT_REGISTERED'], 'card not registered for insurance use');
  const registering = await client.checkByCard({ certificate: cardDer(dir, 'ito-sakura'), method: 'face', consents: allConsents, registerInsuranceUse: true });
  t.same([registering.qualificationValidity, registering.registered], ['1', true], '保険証利用登録 at the reader: answered as registered');
  t.equal((await card('ito-sakura')).registered, true, 'and stays registered');

  await t.rejects(card('takahashi-ken'), { code: 'CERT_INVALID', message: /CERT_REVOKED/ }, 'revoked (CRL)');
  await t.rejects(card('kobayashi-jiro'), { code: 'CERT_INVALID', message: /CERT_EXPIRED/ }, 'expired certificate');
  const rogue = readFileSync(join(dir, 'rogue', 'client.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
  await t.rejects(client.checkByCard({ certificate: Buffer.from(rogue, 'base64'), method: 'face', consents: {} }), { code: 'CERT_INVALID', message: /CERT_UNTRUSTED/ }, 'not from the JPKI CA');
  await t.rejects(client.checkByCard({ certificate: Buffer.from('not a certificate'), method: 'visual', consents: {} }), { code: 'CERT_INVALID' });
});

function fail(): never {
  throw new Error('missing result');
}

t.test('the PIN path signs a service challenge', async (t) => {
  const { dir, client } = await startHarness(t);
  const key = (id: string) => createPrivateKey(readFileSync(join(dir, 'jpki', 'people', `${id}.key`)));
  const challenge = await client.challenge();
  t.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  const signature = sign('sha256', Buffer.from(challenge, 'utf8'), key('yamada-taro'));
  const request = { certificate: cardDer(dir, 'yamada-taro'), method: 'pin' as const, proof: { challenge, signature }, consents: {} };
  t.equal((await client.checkByCard(request)).qualificationValidity, '1');

  // The same card may present the same proof again: that is how a queued re-check works.
  const pending = JSON.parse(JSON.stringify(toPending(request))) as ReturnType<typeof toPending>;
  t.notMatch(JSON.stringify(pending), /"type":"Buffer"/, 'pending inquiries are plain JSON');
  t.equal((await recheck(client, pending)).qualificationValidity, '1', 're-check with the stored proof');

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
  t.same([kenta.qualificationValidity, kenta.referenceClassification, kenta.results[0]?.nameKana, kenta.results[0]?.pharmacistsInfo.consFlg], ['1', '2', 'ﾜﾀﾅﾍﾞ ｹﾝﾀ', '0']);
  const kato = await client.checkByNumber(byId('kato-akira'));
  t.same([kato.qualificationValidity, codeOfAnswer(kato), kato.results[0]?.insuredCardExpirationDate], ['2', 'NOT_ELIGIBLE', '2025-07-31'], 'expired qualification');
  t.same((await client.checkByNumber(byId('tanaka-yuki'))).qualificationValidity, '3');
  t.same((await client.checkByNumber({ ...byId('tanaka-yuki'), qualificationConfirmationDate: '2025-09-30' })).qualificationValidity, '1', 'a dated check (資格確認日) reaches the service');
  const sato = await client.checkByNumber(byId('sato-hanako'));
  t.same([sato.results[0]?.specificDiseasesCertificateList, sato.results[0]?.limitApplicationCertificateRelatedInfo], [[], null], 'no 特定疾病 by number; no 限度額 without the request\'s consent');
  const satoLimit = await client.checkByNumber({ ...byId('sato-hanako'), limitConsent: true });
  t.same([satoLimit.results[0]?.limitApplicationCertificateRelatedConsFlg, satoLimit.results[0]?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag], ['1', 'A03'], '限度額 by number with its own consent flag');
  const aid = await client.checkByNumber(byId('nakamura-fumiko'));
  t.same([aid.qualificationValidity, aid.results[0]?.insuredCardClassification, aid.results[0]?.publicExpenseResultList.length], ['1', 'A1', 2], '医療扶助 recipient with 医療券 and 調剤券');
  const unregisteredAid = await client.checkByNumber(byId('kimura-shiro'));
  t.same([unregisteredAid.qualificationValidity, codeOfAnswer(unregisteredAid)], ['6', 'WELFARE_NOT_REGISTERED']);
  const wrongBirth = await client.checkByNumber({ ...byId('yamada-taro'), birthDate: '1980-05-13' });
  t.same([wrongBirth.qualificationValidity, wrongBirth.results], ['4', []], 'a wrong birth date reveals nothing');
  const unknown = await client.checkByNumber({ insurerNumber: '01130012', symbol: '9', number: '999999999', branch: '00', birthDate: '2000-01-01' });
  t.equal(unknown.qualificationValidity, '4');
  const generated = service.register.entries.find((e) => e.id.startsWith('p') && e.qualification === 'valid');
  if (!generated) throw new Error('no generated person');
  const g = await client.checkByNumber({ ...generated.person.insurance, birthDate: generated.person.birthDate });
  t.same(g.results[0]?.name, generated.person.name, 'generated people round-trip');
  t.equal(await codeOfRejection(client.checkByNumber({ insurerNumber: '123', symbol: '', number: '1', branch: '00', birthDate: '2000-01-01' })), 'LINE_ERROR', 'a request the service cannot parse');
  t.equal(await codeOfRejection(client.checkByNumber({ ...byId('yamada-taro'), qualificationConfirmationDate: '2026/11/01' })), 'LINE_ERROR', 'a malformed 資格確認日 is refused (BAD_REQUEST)');
});
