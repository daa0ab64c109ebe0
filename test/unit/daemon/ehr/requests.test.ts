// Request parsing without a broker: reply addresses (MQTT 5 properties, 3.1.1 payload fields),
// the replies prefix, the field-naming validator, and the insurance checks a schema cannot make.
import t from 'tap';
import type { IPublishPacket } from 'mqtt';
import { insurerCheckDigitOk, numberRequestOf } from '../../../../daemon/ehr/insurance-input.js';
import { parseRequest, replyTopicProblem } from '../../../../daemon/ehr/request.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';

const PREFIX = 'oqs/gw1/replies/';
const packet = (properties?: IPublishPacket['properties']): IPublishPacket =>
  ({ cmd: 'publish', topic: 'oqs/gw1/inquiries', payload: '', qos: 1, dup: false, retain: false, ...(properties ? { properties } : {}) });
const body = (o: object) => Buffer.from(JSON.stringify(o));

t.test('reply address: MQTT 5 properties win over payload fields', async (t) => {
  const v5 = parseRequest('inquiry', 'oqs/gw1/inquiries', body({ replyTo: `${PREFIX}a` }), packet({ responseTopic: `${PREFIX}b`, correlationData: Buffer.from('c-9') }), PREFIX);
  t.same(v5.reply, { topic: `${PREFIX}b`, correlationData: Buffer.from('c-9') });
  t.equal(v5.correlationId, 'c-9', 'readable correlation data is echoed in the payload too');
  const v311 = parseRequest('inquiry', 'oqs/gw1/inquiries', body({ replyTo: `${PREFIX}a`, correlationId: 'x', requestId: 'r' }), packet(), PREFIX);
  t.same([v311.reply?.topic, v311.correlationId, v311.requestId], [`${PREFIX}a`, 'x', 'r']);
  const binary = parseRequest('inquiry', 't', body({}), packet({ responseTopic: `${PREFIX}b`, correlationData: Buffer.from([0, 255, 1]) }), PREFIX);
  t.equal(binary.correlationId, null, 'binary correlation data is only echoed as a property');
  t.equal(parseRequest('inquiry', 't', Buffer.from('{'), packet(), PREFIX).unreadable, true);
});

t.test('reply topics stay under the gateway prefix, without wildcards', async (t) => {
  t.equal(replyTopicProblem(`${PREFIX}ehr/1`, PREFIX), null);
  t.match(replyTopicProblem('oqs/gw1/checkins', PREFIX), /must start with/);
  t.match(replyTopicProblem(PREFIX, PREFIX), /must start with/);
  t.match(replyTopicProblem(`${PREFIX}#`, PREFIX), /wildcards/);
  const bad = parseRequest('inquiry', 't', body({ replyTo: 'elsewhere' }), packet(), PREFIX);
  t.equal(bad.reply, null);
  t.same(bad.replyProblem?.field, '/replyTo');
});

t.test('the validator names every field at fault', async (t) => {
  t.equal(validatePayload('inquiry-request.v2', { schema: 'oqs.inquiry-request.v2', insurerNumber: '01130012', symbol: '', number: '1', branch: '00', birthDate: '1980-01-01' }), null);
  const errors = validatePayload('inquiry-request.v2', { schema: 'oqs.inquiry-request.v2', insurerNumber: '123', symbol: 5, number: '1', birthDate: '1980-01-01', extra: 1 });
  t.same(errors?.map((e) => e.field).sort(), ['', '/branch', '/insurerNumber', '/symbol'], 'the unknown key is counted on its object, not named (issue 17)');
  t.same(validatePayload('batch-request.v2', { schema: 'oqs.batch-request.v2', patients: [{ insurerNumber: '01130012', symbol: '', number: '1', branch: 'x', birthDate: '1980-01-01' }] })?.map((e) => e.field), ['/patients/0/branch']);
  t.same(validatePayload('patient-link.v1', { schema: 'oqs.patient-link.v1', eventId: 'nope', patientId: 'P' })?.map((e) => e.field), ['/eventId']);
});

t.test('insurer check digits and real dates', async (t) => {
  t.ok(insurerCheckDigitOk('01130012'), '協会けんぽ 東京支部');
  t.notOk(insurerCheckDigitOk('01130013'));
  t.ok(insurerCheckDigitOk('271007'), '6-digit 国保 numbers have no check digit');
  const fields = { insurerNumber: '01130012', symbol: '１０１０', number: ' 2345 ', branch: '00', birthDate: '1980-05-12' };
  t.same(numberRequestOf(fields, ''), { request: { ...fields, symbol: '1010', number: '2345' } }, 'full-width and spaces normalised');
  t.same(numberRequestOf({ ...fields, birthDate: '1980-02-30' }, '/patients/4'), { errors: [{ field: '/patients/4/birthDate', message: 'must be a real date, not in the future' }] });
  t.same(numberRequestOf({ ...fields, birthDate: '2999-01-01' }, ''), { errors: [{ field: '/birthDate', message: 'must be a real date, not in the future' }] });
});

t.test('whatever arrives, the answer is a list of named fields, never a crash', async (t) => {
  for (const junk of [null, [], 42, 'text', true, { schema: 'oqs.batch-request.v2', patients: {} }, { schema: 'oqs.batch-request.v2', patients: [null, 7] }]) {
    const request = parseRequest('batch', 'oqs/gw1/batches', Buffer.from(JSON.stringify(junk)), packet(), PREFIX);
    t.equal(request.reply, null);
    const errors = validatePayload('batch-request.v2', request.body);
    t.ok(errors && errors.length > 0 && errors.every((e) => typeof e.field === 'string' && e.message.length > 0), JSON.stringify(junk));
  }
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  t.equal(parseRequest('inquiry', 't', Buffer.from(deep), packet(), PREFIX).body !== undefined, true, 'deep nesting parses or is refused without a crash');
  t.ok(validatePayload('inquiry-request.v2', JSON.parse(deep)));
});
