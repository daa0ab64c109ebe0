// The check-in event carries only what the patient consented to, item by item, even when the
// answer holds more.
import t from 'tap';
import { consentedOnly } from '../../../../daemon/flow/consented.js';
import { answerFor, japanDate } from '../../../../drivers/line/sim/service/answers.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { VIEWING_CONSENTS, VIEWING_NOT_GIVEN } from '../../../../drivers/line/eligibility.js';

const sato = NAMED_PEOPLE.find((e) => e.id === 'sato-hanako');
if (!sato) throw new Error('sato-hanako missing');
const now = new Date();
const full = answerFor([sato], { via: 'card', now, date: japanDate(now), consents: { limitCertificate: true, specificDisease: true }, limitConsent: false });

t.test('an answer with 限度額 and 特定疾病 keeps them only with their consents', async (t) => {
  t.ok(full.results[0]?.limitApplicationCertificateRelatedInfo, 'the service gave 限度額');
  t.equal(full.results[0]?.specificDiseasesCertificateList.length, 1, 'and 特定疾病');
  const both = consentedOnly(full, { limitCertificate: true, specificDisease: true });
  t.same(both, full, 'nothing removed when both were agreed to');
  const noLimit = consentedOnly(full, { limitCertificate: false, specificDisease: true });
  t.same([noLimit.results[0]?.limitApplicationCertificateRelatedInfo, noLimit.results[0]?.specificDiseasesCertificateList.length], [null, 1]);
  const noDisease = consentedOnly(full, { limitCertificate: true });
  t.same([Boolean(noDisease.results[0]?.limitApplicationCertificateRelatedInfo), noDisease.results[0]?.specificDiseasesCertificateList], [true, []]);
  t.ok(full.results[0]?.limitApplicationCertificateRelatedInfo, 'the answer itself is not changed');
});

t.test('a viewing consent the answer gives but the patient did not is shown as not given, item by item', async (t) => {
  const all = { drugInfo: true, checkupInfo: true, medicalInfo: true, operationInfo: true, diagnosisName: true, infectiousInfo: true, allergyInfo: true, contraindicationInfo: true, testInfo: true, prescriptionInfo: true };
  const given = answerFor([sato], { via: 'card', now, date: japanDate(now), consents: all, limitConsent: false });
  t.same(VIEWING_CONSENTS.map((k) => given.results[0]?.[k].consFlg), Array(10).fill('1'), 'the service recorded all ten');
  t.same(consentedOnly(given, all), given, 'nothing changed when every item was agreed to');
  const some = consentedOnly(given, { ...all, drugInfo: false, testInfo: false, allergyInfo: undefined });
  const r = some.results[0];
  t.same([r?.pharmacistsInfo, r?.testInfo, r?.allergyInfo], [VIEWING_NOT_GIVEN, VIEWING_NOT_GIVEN, VIEWING_NOT_GIVEN], 'refused or not asked: 0, no times');
  t.same(VIEWING_CONSENTS.filter((k) => r?.[k].consFlg === '1'), ['specificHealthCheckupsInfo', 'diagnosisInfo', 'operationInfo', 'diagnosisName', 'infectiousInfo', 'contraindicationInfo', 'prescriptionInfo'], 'the others as given, with their times');
  t.equal(r?.prescriptionInfo.consTime, given.results[0]?.prescriptionInfo.consTime);
});
