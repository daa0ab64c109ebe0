// The published JSON Schemas agree with the code: every result code is in the check-in schema,
// and events the flow builds (with and without patient data) validate.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildCheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import { validatePayload, schemaFile } from '../../../../daemon/mqtt/schemas.js';
import { RESULT_CODE_LIST } from '../../../../vocabulary/result-codes.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';
import { eligibilityJsonSchemaText } from '../../../../drivers/line/answer-json-schema.js';

const ctx = { eventId: '3b241101-e2bb-4255-8caf-4136c566a962', gatewayId: 'gw', readerId: 'r', startedAt: 0, now: 1000 };

t.test('the check-in schema lists exactly the result codes', async (t) => {
  const schema = JSON.parse(readFileSync(schemaFile('checkin.v2'), 'utf8')) as { properties: { result: { properties: { code: { enum: string[] } } } } };
  t.same([...schema.properties.result.properties.code.enum].sort(), [...RESULT_CODE_LIST].sort());
});

t.test('an eligible check-in with patient data validates', async (t) => {
  const event = buildCheckinEvent(
    { code: 'ELIGIBLE', method: 'face', face: { decision: 'match', score: 0.8, threshold: 0.5 }, consents: { drugInfo: true }, eligibility: fakeResult('valid') },
    ctx,
  );
  t.equal(validatePayload('checkin.v2', event), null);
});

t.test('every failure code validates without patient data', async (t) => {
  for (const code of RESULT_CODE_LIST) {
    const event = buildCheckinEvent({ code, method: null, face: null, consents: {}, eligibility: null, ...(code === 'PIN_WRONG' ? { triesLeft: 2 } : {}) }, ctx);
    t.equal(validatePayload('checkin.v2', event), null, code);
  }
});

t.test('the schema rejects what an EHR must not accept', async (t) => {
  const good = buildCheckinEvent({ code: 'ELIGIBLE', method: 'pin', face: null, consents: {}, eligibility: fakeResult('valid') }, ctx);
  t.ok(validatePayload('checkin.v2', { ...good, eventId: 'not-a-uuid' }));
  t.ok(validatePayload('checkin.v2', { ...good, result: { ...good.result, code: 'MADE_UP' } }));
  t.ok(validatePayload('checkin.v2', { ...good, method: 'telepathy' }));
  const { eventId: _drop, ...noId } = good;
  t.ok(validatePayload('checkin.v2', noId));
});

t.test('schemas/eligibility.v2.schema.json is the answer model (npm run gen:schemas)', async (t) => {
  const committed = readFileSync(schemaFile('eligibility.v2'), 'utf8');
  t.equal(committed, eligibilityJsonSchemaText(), 'regenerate with npm run gen:schemas after changing drivers/line/answer.ts');
});

t.test('an answer from the reference service validates as eligibility.v2; a made-up code does not', async (t) => {
  const answer = fakeResult('valid');
  t.equal(validatePayload('eligibility.v2', answer), null);
  t.ok(validatePayload('eligibility.v2', { ...answer, qualificationValidity: '9' }));
  t.ok(validatePayload('eligibility.v2', { ...answer, results: [{ ...answer.results[0], sex1: 'M' }] }));
});
