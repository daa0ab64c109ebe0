// The service's answer rules and the client's mapping of failures to result codes.
import t from 'tap';
import { answerFor, REASONS } from '../../../../drivers/line/sim/service/answers.js';
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

t.test('certificates and viewing need consent and a card', async (t) => {
  const sato = entry('sato-hanako');
  const none = answerFor(sato, 'card', {}, now);
  t.equal(none.person?.limitCertificate, null);
  t.equal(none.person?.specificDisease, null);
  t.same(none.viewable, { drugInfo: false, checkupInfo: false, medicalInfo: false });
  const all = answerFor(sato, 'card', { limitCertificate: true, specificDisease: true, drugInfo: true, checkupInfo: true, medicalInfo: false }, now);
  t.same(all.person?.limitCertificate, { category: 'ウ', longTermCareDate: null });
  t.equal(all.person?.specificDisease?.copayLimitYen, 10000);
  t.same(all.viewable, { drugInfo: true, checkupInfo: true, medicalInfo: false });
  const byNumber = answerFor(sato, 'number', { limitCertificate: true, specificDisease: true, drugInfo: true }, now);
  t.equal(byNumber.person?.specificDisease, null, 'no disease certificate without the card');
  t.equal(byNumber.viewable.drugInfo, false);
  t.ok(validators.inquiryResponse({ header: { processExecutionTime: now.toISOString(), referenceClassification: 'card', segmentOfResult: 'normal', errorCode: null, errorMessage: null }, result: all }), 'answers match the wire schema');
});

t.test('validity by date and qualification', async (t) => {
  t.equal(answerFor(entry('yamada-taro'), 'number', {}, now).status, 'valid');
  const lost = answerFor(entry('tanaka-yuki'), 'number', {}, now);
  t.same([lost.status, lost.reason], ['invalid', '資格喪失']);
  const expired = answerFor(entry('kato-akira'), 'number', {}, now);
  t.same([expired.status, expired.reason], ['invalid', REASONS.expired]);
  const early = answerFor(entry('yamada-taro'), 'number', {}, new Date('2010-01-01T00:00:00Z'));
  t.same([early.status, early.reason], ['invalid', REASONS.notYet]);
  const unregistered = answerFor(entry('ito-sakura'), 'card', {}, now);
  t.same([unregistered.status, unregistered.registered, unregistered.person], ['unconfirmed', false, null]);
  t.equal(answerFor(entry('ito-sakura'), 'number', {}, now).status, 'valid', 'the number path does not need the card registration');
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
