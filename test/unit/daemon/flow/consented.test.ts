// The check-in event carries only what the patient consented to, item by item, even when the
// answer holds more.
import t from 'tap';
import { consentedOnly } from '../../../../daemon/flow/consented.js';
import { answerFor, japanDate } from '../../../../drivers/line/sim/service/answers.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';

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
