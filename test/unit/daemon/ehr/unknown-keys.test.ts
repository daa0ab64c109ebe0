// Issue 17 item 7: a requester's JSON key names were logged verbatim and echoed on the shared
// <base>/errors topic, so a client could write a name, a birth date or a 12-digit number into the
// journal and to every subscriber. Unknown keys are now counted and placed, never named.
import { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import t from 'tap';
import { parseRequest } from '../../../../daemon/ehr/request.js';
import { Responder } from '../../../../daemon/ehr/responder.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { createLogger } from '../../../../vocabulary/log.js';

const SECRETS = ['山田太郎', '123456789012', '1980-05-12T'];
const hostile = {
  schema: 'oqs.inquiry-request.v2', requestId: 'r-7',
  insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12',
  山田太郎: 1, '123456789012': 'x', '1980-05-12T': true, ['k'.repeat(5000)]: 0,
};

t.test('schema errors: unknown keys counted and placed, not named', async (t) => {
  const errors = validatePayload('inquiry-request.v2', hostile);
  t.ok(errors && errors.length > 0, 'refused');
  const text = JSON.stringify(errors);
  for (const secret of [...SECRETS, 'kkkkkkkkkk']) t.notOk(text.includes(secret), `does not echo ${secret.slice(0, 12)}`);
  t.match(errors, [{ field: '', message: /4 fields not in the schema/ }]);
  for (const e of errors ?? []) t.ok(e.field.length <= 128, 'field pointers are capped');
});

t.test('nested unknown keys (a batch patient) name the patient, not the key', async (t) => {
  const errors = validatePayload('batch-request.v2', {
    schema: 'oqs.batch-request.v2', requestId: 'b', visitDate: '2026-11-26',
    patients: [{ insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12', 山田太郎: 'x' }],
  });
  t.notOk(JSON.stringify(errors).includes('山田'));
  t.match(errors, [{ field: '/patients/0', message: /1 field not in the schema/ }]);
});

t.test('the refusal on <base>/errors and in the log carries none of them', async (t) => {
  const lines: string[] = [];
  const logger = createLogger('debug', new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
  const published: string[] = [];
  const client = { options: { protocolVersion: 5 }, publish: (_topic: string, payload: string, _o: unknown, cb: (e?: Error) => void) => { published.push(payload); cb(); } } as unknown as MqttClient;
  const responder = new Responder(client, 'gw1', 'oqs/gw1/errors', logger);
  const request = parseRequest('inquiry', 'oqs/gw1/inquiries', Buffer.from(JSON.stringify(hostile)), { properties: {} } as never, 'oqs/gw1/replies/');
  await responder.error(request, 'INVALID_REQUEST', 'does not match', validatePayload('inquiry-request.v2', hostile) ?? []);
  t.equal(published.length, 1, 'published on the errors topic');
  for (const secret of SECRETS) {
    t.notOk(published[0]!.includes(secret), `errors payload does not carry ${secret}`);
    t.notOk(lines.join('').includes(secret), `log does not carry ${secret}`);
  }
  t.ok(lines.join('').length < 2000, 'the log line stays short');
});
