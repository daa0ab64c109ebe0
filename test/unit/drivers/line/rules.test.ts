// The service's answer rules and the client's mapping of failures to result codes.
import t from 'tap';
import { answerFor, type AskContext } from '../../../../drivers/line/sim/service/answers.js';
import { answerProblems } from '../../../../drivers/line/answer-check.js';
import type { EligibilityResult } from '../../../../drivers/line/eligibility.js';
import type { Consents } from '../../../../vocabulary/consent.js';
import { parseFaults } from '../../../../drivers/line/sim/service/faults.js';
import { generateRegister } from '../../../../drivers/line/sim/service/register.js';
import { codeForServiceError, fromHttpStatus, fromNetworkError } from '../../../../drivers/line/failures.js';
import { validators } from '../../../../drivers/line/wire.js';

const register = generateRegister({ households: 0 });
const now = new Date('2026-11-25T09:00:00Z');
const entry = (id: string) => {
  const e = register.byId(id);
  if (!e) throw new Error(id);
  return e;
};
const ask = (via: 'card' | 'number', consents: Consents = {}, more: Partial<AskContext> = {}): AskContext => ({ via, now, date: '2026-11-25', consents, limitConsent: false, ...more });
const all: Consents = { limitCertificate: true, specificDisease: true, drugInfo: true, checkupInfo: true, medicalInfo: false, operationInfo: true, infectiousInfo: true, testInfo: true };
const valid = (answer: EligibilityResult) => {
  const ok = validators.inquiryResponse({ header: { processExecutionTime: now.toISOString(), referenceClassification: answer.referenceClassification, segmentOfResult: '1', errorCode: null, errorMessage: null }, result: answer });
  return ok && answerProblems(answer).length === 0;
};

t.test('certificates and viewing need consent, each kind with its own time', async (t) => {
  const sato = entry('sato-hanako');
  const none = answerFor([sato], ask('card'));
  const r0 = none.results[0];
  t.equal(r0?.limitApplicationCertificateRelatedInfo, null);
  t.same([r0?.limitApplicationCertificateRelatedConsFlg, r0?.specificDiseasesCertificateRelatedConsFlg], ['0', '0']);
  t.same(r0?.specificDiseasesCertificateList, []);
  t.same([r0?.pharmacistsInfo, r0?.operationInfo], [{ consFlg: '0', consFlgLabel: '同意なし', consTime: null, availableTime: null }, { consFlg: '0', consFlgLabel: '同意なし', consTime: null, availableTime: null }]);
  t.ok(valid(none));

  const agreed = answerFor([sato], ask('card', all));
  const r = agreed.results[0];
  t.same([r?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag, r?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlagLabel], ['A03', 'ウ']);
  t.equal(r?.limitApplicationCertificateRelatedConsTime, now.toISOString());
  t.same(r?.specificDiseasesCertificateList.map((d) => [d.specificDiseasesDiseaseCategory, d.specificDiseasesSelfPay]), [['01', '10000']]);
  for (const kind of ['specificHealthCheckupsInfo', 'pharmacistsInfo', 'operationInfo', 'infectiousInfo', 'testInfo'] as const) {
    t.same([r?.[kind].consFlg, r?.[kind].consTime, r?.[kind].availableTime], ['1', now.toISOString(), new Date(now.getTime() + 24 * 3600000).toISOString()], kind);
  }
  t.equal(r?.diagnosisInfo.consFlg, '0', 'medical information not agreed');
  t.same([r?.diagnosisName, r?.allergyInfo], [{ consFlg: '0', consFlgLabel: '同意なし', consTime: null, availableTime: null }, { consFlg: '0', consFlgLabel: '同意なし', consTime: null, availableTime: null }], 'sharing items not agreed: 0, no times');
  t.same([agreed.prescriptionIssueSelect, agreed.prescriptionIssueSelectLabel], ['2', '紙の処方箋']);
  t.ok(valid(agreed), 'answers match the wire schema and the label/consent rules');

  const byNumber = answerFor([sato], ask('number', all));
  t.same(byNumber.results[0]?.specificDiseasesCertificateList, [], 'no disease certificate without the card');
  t.equal(byNumber.results[0]?.pharmacistsInfo.consFlg, '0');
  t.equal(byNumber.results[0]?.limitApplicationCertificateRelatedInfo, null, 'a by-number request without its own 限度額 consent');
  const withFlag = answerFor([sato], ask('number', {}, { limitConsent: true }));
  t.equal(withFlag.results[0]?.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag, 'A03', 'the request\'s own LimitApplicationCertificateRelatedConsFlg');
  t.equal(withFlag.referenceClassification, '2');
});

t.test('every validity code, by date', async (t) => {
  const code = (ids: string[], via: 'card' | 'number' = 'number', date = '2026-11-25') => answerFor(ids.map(entry), ask(via, {}, { date })).qualificationValidity;
  t.equal(code(['yamada-taro']), '1');
  t.equal(code(['kato-akira']), '2', 'card expired');
  t.equal(code(['tanaka-yuki']), '3', 'lost, newer insurance exists');
  const tanaka = answerFor([entry('tanaka-yuki')], ask('number')).results[0];
  t.same([tanaka?.disqualificationDate, tanaka?.reasonOfLoss, tanaka?.reasonOfLossLabel], ['2025-10-01', '03', '医療保険等の資格取得']);
  t.equal(code(['tanaka-yuki'], 'number', '2025-09-15'), '1', 'a check dated before the loss answers valid');
  t.equal(code(['kato-akira'], 'number', '2025-07-31'), '1', 'the last valid day');
  t.equal(code(['yamada-taro'], 'number', '2010-01-01'), '4', 'before the qualification began');
  t.equal(answerFor([], ask('number')).qualificationValidity, '4');
  const multi = answerFor(register.byHolder('suzuki-ichiro'), ask('card'));
  t.same([multi.qualificationValidity, multi.qualificationValidityLabel, multi.results.length], ['5', '複数該当', 2]);
  t.ok(valid(multi));
  t.equal(code(['kimura-shiro']), '6', '医療扶助, not registered by the welfare office');
  const unregistered = answerFor([entry('ito-sakura')], ask('card'));
  t.same([unregistered.qualificationValidity, unregistered.registered, unregistered.results], ['4', false, []]);
  t.equal(code(['ito-sakura']), '1', 'the number path does not need the card registration');
  for (const id of ['yamada-taro', 'kato-akira', 'tanaka-yuki', 'kimura-shiro', 'nakamura-fumiko']) t.ok(valid(answerFor([entry(id)], ask('number'))), id);
});

t.test('the national way of writing a person', async (t) => {
  const yamada = answerFor([entry('yamada-taro')], ask('card')).results[0];
  t.same([yamada?.nameKana, yamada?.sex1, yamada?.sex1Label, yamada?.insuredPartialContributionRatio, yamada?.personalFamilyClassification, yamada?.insurerName],
    ['ﾔﾏﾀﾞ ﾀﾛｳ', '1', '男', '030', '1', '全国健康保険協会東京支部']);
  const mei = answerFor([entry('watanabe-mei')], ask('card', {}, { date: '2026-11-25' })).results[0];
  t.same([mei?.personalFamilyClassification, mei?.preschoolClassification, mei?.insuredPartialContributionRatio], ['2', '1', '020'], 'family member, preschool');
  const suzuki = answerFor([entry('suzuki-ichiro')], ask('card')).results[0];
  t.same(suzuki?.elderlyRecipientCertificateInfo, { elderlyRecipientCertificateDate: null, elderlyRecipientValidStartDate: '2023-09-01', elderlyRecipientValidEndDate: null, elderlyRecipientContributionRatio: '020' });
  const kato = answerFor([entry('kato-akira')], ask('number')).results[0];
  t.same([kato?.personalFamilyClassification, kato?.insuredCardExpirationDate], [null, '2025-07-31'], '後期高齢者: no 本人/家族');
});

t.test('医療扶助: the month\'s 医療券 and 調剤券', async (t) => {
  const nakamura = answerFor([entry('nakamura-fumiko')], ask('number')).results[0];
  t.same([nakamura?.insuredCardClassification, nakamura?.insurerName, nakamura?.insuredPartialContributionRatio], ['A1', '大阪市北区保健福祉センター', null]);
  t.same(nakamura?.publicExpenseResultList.map((m) => [m.ticketType, m.ticketTypeLabel, m.medicalTreatmentMonth, m.medicalTicketExpirationDate]), [['1', '医療券', '2026-11', '2026-11-30'], ['2', '調剤券', '2026-11', '2026-11-30']]);
  const september = answerFor([entry('nakamura-fumiko')], ask('number', {}, { date: '2026-09-10' }));
  t.same([september.qualificationValidity, september.results[0]?.publicExpenseResultList], ['1', []], 'no ticket issued for that month');
});

t.test('the checks a schema cannot make', async (t) => {
  const good = answerFor([entry('sato-hanako')], ask('card', all));
  const first = good.results[0];
  if (!first) throw new Error('no result');
  const bad = (answer: EligibilityResult) => answerProblems(answer).map((p) => p.field);
  t.same(bad({ ...good, qualificationValidityLabel: '無効' }), ['/qualificationValidityLabel'], 'a label that does not match its code');
  t.same(bad({ ...good, results: [{ ...first, sex1: '1' }] }), ['/results/0/sex1Label'], 'sato is 2 女: code 1 with label 女');
  t.same(bad({ ...good, results: [first, first] }), ['/results'], 'several results where one is expected');
  t.same(bad({ ...good, qualificationValidity: '4', qualificationValidityLabel: '該当資格なし' }), ['/results'], '4 with a result');
  t.same(bad({ ...good, results: [{ ...first, limitApplicationCertificateRelatedConsFlg: '0' }] }), ['/results/0/limitApplicationCertificateRelatedInfo'], '限度額 without consent');
  t.same(bad({ ...good, results: [{ ...first, specificDiseasesCertificateRelatedConsFlg: '0' }] }), ['/results/0/specificDiseasesCertificateList'], '特定疾病 without consent');
  t.notOk(validators.inquiryResponse({ header: { processExecutionTime: 'x', referenceClassification: '1', segmentOfResult: '1', errorCode: null, errorMessage: null }, result: { ...good, qualificationValidity: '7' } }), 'an unknown validity code');
  t.notOk(validators.inquiryResponse({ header: { processExecutionTime: 'x', referenceClassification: '1', segmentOfResult: '1', errorCode: null, errorMessage: null }, result: { ...good, surprise: 1 } }), 'an unknown element');
});

t.test('failures map to result codes', async (t) => {
  t.equal(fromNetworkError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false).code, 'LINE_DOWN');
  t.ok(fromNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), false).notSent);
  t.ok(fromNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), true).notSent, 'a reset on a reused socket never reached the service');
  t.notOk(fromNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), false).notSent);
  t.equal(fromNetworkError(Object.assign(new Error('late'), { code: 'ELINE_TIMEOUT' }), false).code, 'LINE_TIMEOUT');
  const untrusted = fromNetworkError(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), false);
  t.same([untrusted.code, untrusted.transient], ['LINE_DOWN', false], 'an untrusted server is not retried');
  t.equal(fromHttpStatus(503).code, 'LINE_DOWN');
  t.equal(fromHttpStatus(500).code, 'LINE_ERROR');
  t.equal(fromHttpStatus(404).lineFault, false);
  for (const e of ['CERT_UNTRUSTED', 'CERT_EXPIRED', 'CERT_REVOKED']) t.equal(codeForServiceError(e), 'CERT_INVALID', e);
  for (const e of ['PROOF_INVALID', 'PROOF_REQUIRED', 'CHALLENGE_UNKNOWN', 'BAD_REQUEST', 'SOMETHING_NEW', null]) t.equal(codeForServiceError(e), 'LINE_ERROR', String(e));
});

t.test('fault specs', async (t) => {
  t.same(parseFaults(''), []);
  t.same(parseFaults('5xx:0.25, timeout'), [{ kind: '5xx', rate: 0.25 }, { kind: 'timeout', rate: 1 }]);
  t.throws(() => parseFaults('boom'), /unknown fault 'boom'/);
  t.throws(() => parseFaults('5xx:2'), /between 0 and 1/);
});
