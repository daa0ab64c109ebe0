// Issue 17 item 8: the code does what docs/mqtt.md says. MQTT 5 Correlation Data beats a
// correlationId in the payload; a batch over the limit is BATCH_TOO_LARGE whatever its size; the
// same requestId with another body is refused instead of answered as a duplicate with the wrong
// count. (The retained request is in requests.test.ts.)
import t from 'tap';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { connectEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };
const TANAKA = { insurerNumber: '01230010', symbol: '5201', number: '77', branch: '00', birthDate: '1990-02-14' };

t.test('contract vs docs over MQTT 5', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const gw = await startTestGateway(t, { url: broker.url });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  await waitFor('the gateway subscribed to the request topics', () => gw.gateway.mqtt.connected && gw.ehr.subscribed);

  t.test('MQTT 5 Correlation Data wins over a correlationId in the payload', async (t) => {
    const answer = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA, correlationId: 'from-payload' }, { correlation: 'from-property' });
    t.equal(answer.correlationData?.toString(), 'from-property');
    t.equal(answer.body.correlationId, 'from-property', 'the payload echoes the property, as documented');
  });

  t.test('too many patients is BATCH_TOO_LARGE, at 1,001 and at 10,000', async (t) => {
    for (const size of [1001, 10000]) {
      const patients = Array.from({ length: size }, (_, i) => ({ ref: `p${i}`, ...YAMADA }));
      const answer = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', requestId: `big-${size}`, patients });
      t.equal(validatePayload('error.v1', answer.body), null);
      t.match(answer.body, { code: 'BATCH_TOO_LARGE', errors: [{ field: '/patients', message: new RegExp(`has ${size} entries; at most 1000`) }] }, `${size} patients`);
    }
  });

  t.test('the same requestId with another body is refused; with the same body it is the same batch', async (t) => {
    const first = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', requestId: 'day-1', patients: [{ ...YAMADA }, { ...TANAKA }] });
    t.match(first.body, { schema: 'oqs.batch-accepted.v1', count: 2, duplicate: false });
    const same = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', requestId: 'day-1', patients: [{ ...YAMADA }, { ...TANAKA }] });
    t.match(same.body, { batchId: first.body.batchId, count: 2, duplicate: true }, 'a redelivery is the same batch');
    const other = await ehr.ask(`${BASE}/batches`, { schema: 'oqs.batch-request.v2', requestId: 'day-1', patients: [{ ...TANAKA }] });
    t.equal(validatePayload('error.v1', other.body), null);
    t.match(other.body, { code: 'INVALID_REQUEST', errors: [{ field: '/requestId' }] }, 'another body under a used requestId is refused, not a wrong duplicate');
    await gw.ehr.batches.idle();
  });
});
