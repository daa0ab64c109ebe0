// MQTT 3.1.1 clients (the demo's embedded aedes broker speaks nothing else): the reply topic and
// correlation id travel inside the payload, and every request kind is served the same way.
import t from 'tap';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { connectEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway } from '../../../helpers/ehr-gateway.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

t.test('inquiry, batch, link and errors over MQTT 3.1.1 on the embedded broker', async (t) => {
  const gw = await startTestGateway(t, { url: '', embeddedPort: 0, embeddedBroker: 'aedes' });
  const url = gw.gateway.broker?.url;
  if (!url) throw new Error('no embedded broker');
  t.equal(gw.gateway.mqtt.options.protocolVersion, 4, 'the gateway speaks 3.1.1 to aedes');
  const ehr = await connectEhr(url, BASE, { protocolVersion: 4 });
  t.teardown(() => ehr.end());
  await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);

  const answer = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', requestId: 'q-1', ...YAMADA }, { correlation: 'k-1' });
  t.equal(validatePayload('inquiry-response.v2', answer.body), null);
  t.match(answer.body, { status: 'answered', code: 'ELIGIBLE', requestId: 'q-1', correlationId: 'k-1' }, 'correlation id echoed in the payload');
  t.equal(answer.correlationData, null, 'no MQTT 5 properties on a 3.1.1 connection');

  const accepted = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', patients: [YAMADA, YAMADA] }, { correlation: 'k-2' });
  t.match(accepted.body, { schema: 'oqs.batch-accepted.v1', count: 2, correlationId: 'k-2' });
  const summary = await ehr.waitOn(ehr.replyTopic, (m) => m.body.schema === 'oqs.batch-summary.v1' && m.body.batchId === accepted.body.batchId);
  t.match(summary.body, { count: 2, byCode: { ELIGIBLE: 2 }, correlationId: 'k-2' });

  const bad = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA, branch: 'AB' }, { correlation: 'k-3' });
  t.match(bad.body, { code: 'INVALID_REQUEST', correlationId: 'k-3', errors: [{ field: '/branch' }] });

  // A 3.1.1 client that forgets replyTo still hears why, on <base>/errors.
  await ehr.client.publishAsync(`${BASE}/inquiries`, JSON.stringify({ schema: 'oqs.inquiry-request.v2', requestId: 'forgot', ...YAMADA }), { qos: 1 });
  const forgot = await ehr.waitOn(`${BASE}/errors`, (m) => m.body.requestId === 'forgot');
  t.match(forgot.body, { code: 'INVALID_REQUEST', errors: [{ field: '/replyTo' }] });

  const link = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: '6f1c7a4e-0000-4000-8000-000000000000', patientId: 'P-1' });
  t.match(link.body, { code: 'UNKNOWN_EVENT' });
});
