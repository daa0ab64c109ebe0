// Returning patients end to end over MQTT 5 against mosquitto: a card check-in that met a line
// that was down is re-checked and answered on <base>/inquiries/rechecks; the EHR links that
// check-in to its patient id; the next check-in of the same insured person (by card) and an
// inquiry by the same insurance number carry the id. Unknown and unlinkable check-ins are refused.
import t from 'tap';
import type { SimCardReader } from '../../../../drivers/card/sim/sim-card-reader.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { connectEhr, type TestEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway, type TestGateway } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BASE = 'oqs/ehrt';
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

/** Places yamada-taro's simulated card and waits for the check-in on MQTT; the card is then taken back. */
async function cardCheckin(gw: TestGateway, ehr: TestEhr): Promise<Record<string, unknown>> {
  const card = gw.gateway.devices.card as unknown as SimCardReader;
  const before = new Set(ehr.on(`${BASE}/checkins`).map((m) => m.body.eventId));
  await waitFor('the reader idle', () => gw.gateway.readerState === 'idle');
  card.insert('yamada-taro');
  const event = await ehr.waitOn(`${BASE}/checkins`, (m) => !before.has(m.body.eventId), 30000);
  card.remove();
  return event.body;
}

t.test('a check-in re-checked, linked, and recognised the next time', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const gw = await startTestGateway(t, { url: broker.url }, { flow: { identityMethods: ['face'] } });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);

  gw.lineFault('503');
  const down = await cardCheckin(gw, ehr);
  t.match(down, { result: { code: 'LINE_DOWN' }, eligibility: null });
  t.notOk('patientId' in down);
  const refused = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: down.eventId, patientId: 'P-0001' });
  t.match(refused.body, { code: 'NOT_LINKABLE', errors: [{ field: '/eventId' }] }, 'no insurance identity yet: not linkable');

  gw.lineFault(null);
  const rechecked = await ehr.waitOn(`${BASE}/inquiries/rechecks`, (m) => m.body.checkinEventId === down.eventId);
  t.equal(validatePayload('inquiry-response.v2', rechecked.body), null, 'the re-check matches its schema');
  t.match(rechecked.body, { status: 'rechecked', code: 'ELIGIBLE', requestId: null, result: { results: [{ name: '山田　太郎' }] } });

  const linked = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', requestId: 'l-1', eventId: down.eventId, patientId: 'P-0001' });
  t.equal(validatePayload('patient-link-result.v1', linked.body), null);
  t.match(linked.body, { linked: true, patientId: 'P-0001', previousPatientId: null, requestId: 'l-1' });
  // The person comes from the re-check's answer (the check-in itself had none): registered as 照会番号.
  await waitFor('the link registered as 照会番号', async () =>
    (await gw.gateway.db.get<{ reference_state: string | null }>('SELECT reference_state FROM patient_links'))?.reference_state === 'registered');

  const next = await cardCheckin(gw, ehr);
  t.match(next, { result: { code: 'ELIGIBLE' }, patientId: 'P-0001' }, 'the next check-in of the same insured person carries the patient id');
  t.equal(validatePayload('checkin.v2', next), null, 'and still matches the check-in schema');

  const asked = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA });
  t.match(asked.body, { code: 'ELIGIBLE', patientId: 'P-0001' }, 'an inquiry by the same insurance number carries it too');
  const guessed = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...YAMADA, birthDate: '1980-05-13' });
  t.match(guessed.body, { code: 'NOT_ELIGIBLE', patientId: null }, 'a wrong birth date does not reveal the link');
  const family = await ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', insurerNumber: '06271233', symbol: '88', number: '2048', branch: '02', birthDate: '2021-06-01' });
  t.match(family.body, { patientId: null }, 'another insured person is not linked');

  const unlinked = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: next.eventId, patientId: null });
  t.match(unlinked.body, { linked: false, previousPatientId: 'P-0001' });
  const unknown = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: '6f1c7a4e-0000-4000-8000-000000000000', patientId: 'P-9' });
  t.match(unknown.body, { code: 'UNKNOWN_EVENT', errors: [{ field: '/eventId' }] });
  const bad = await ehr.ask(`${BASE}/patients/link`, { schema: 'oqs.patient-link.v1', eventId: next.eventId });
  t.match(bad.body, { code: 'INVALID_REQUEST', errors: [{ field: '/patientId', message: 'is required' }] });
});
