// The MQTT contract v2 end to end: a listener subscribed to everything under the gateway's base
// validates every payload that goes over the broker (the EHR's requests and the gateway's answers,
// check-ins and statuses) against the JSON Schema its `schema` field names. The demo's patients are
// checked in by card (every validity code a card can give, 限度額 and 特定疾病 with their consents,
// several results) and asked by number (dated, 限度額 by number with its own consent, 医療扶助).
import t from 'tap';
import mqtt from 'mqtt';
import type { SimCardReader } from '../../../drivers/card/sim/sim-card-reader.js';
import { NAMED_PEOPLE } from '../../../drivers/line/sim/service/named-people.js';
import type { SimReaderPanel } from '../../../drivers/panel/sim/sim-reader-panel.js';
import { CONSENT_ITEMS, EHR_SHARING_ITEMS } from '../../../vocabulary/consent.js';
import { validatePayload, type SchemaName } from '../../../daemon/mqtt/schemas.js';
import { connectEhr } from '../../helpers/ehr-client.js';
import { startTestGateway } from '../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../../helpers/ports.js';

const BASE = 'oqs/ehrt';
const numberOf = (id: string) => {
  const e = NAMED_PEOPLE.find((p) => p.id === id);
  if (!e) throw new Error(id);
  return { ...e.person.insurance, birthDate: e.person.birthDate };
};

interface Seen { readonly topic: string; readonly text: string }

t.test('every payload on the broker matches the v2 schema it names', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const listener = await mqtt.connectAsync(broker.url, { clientId: 'contract-listener', protocolVersion: 5 });
  t.teardown(() => listener.endAsync(true));
  const seen: Seen[] = [];
  listener.on('message', (topic, payload) => seen.push({ topic, text: payload.toString('utf8') }));
  await listener.subscribeAsync(`${BASE}/#`, { qos: 1 });

  // Every consent question, the 電子カルテ情報共有サービス items included (the demo's config asks them too).
  const gw = await startTestGateway(t, { url: broker.url }, { flow: { identityMethods: ['face'], consentItems: [...CONSENT_ITEMS] } });
  const ehr = await connectEhr(broker.url, BASE, { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);

  // Card check-ins of the demo's card holders.
  const card = gw.gateway.devices.card as unknown as SimCardReader;
  const panel = gw.gateway.devices.panel as unknown as SimReaderPanel;
  const codes: Record<string, unknown> = {};
  for (const id of ['yamada-taro', 'sato-hanako', 'suzuki-ichiro', 'tanaka-yuki', 'watanabe-mei', 'takahashi-ken']) {
    const before = ehr.on(`${BASE}/checkins`).length;
    await waitFor('the reader idle', () => gw.gateway.readerState === 'idle', 30000);
    // yamada answers the sharing questions item by item (yes to three, no to three); the others yes to all.
    panel.script(id === 'yamada-taro' ? { consent: { ...Object.fromEntries(CONSENT_ITEMS.map((i) => [i, true])), infectiousInfo: false, allergyInfo: false, prescriptionInfo: false } } : {});
    card.insert(id);
    const event = await ehr.waitOn(`${BASE}/checkins`, () => ehr.on(`${BASE}/checkins`).length > before, 30000);
    card.remove();
    const body = ehr.on(`${BASE}/checkins`)[before]?.body ?? event.body;
    codes[id] = (body.result as { code: string }).code;
    if (id === 'sato-hanako') {
      const r = (body.eligibility as { results: { limitApplicationCertificateRelatedInfo: unknown; specificDiseasesCertificateList: unknown[] }[] }).results[0];
      t.ok(r?.limitApplicationCertificateRelatedInfo && r.specificDiseasesCertificateList.length === 1, 'sato: 限度額 and 特定疾病 on the check-in (consented on the reader)');
    }
    if (id === 'yamada-taro') {
      const r = (body.eligibility as { results: Record<string, { consFlg: string; consTime: string | null }>[] }).results[0];
      const consents = body.consents as Record<string, boolean>;
      t.same(EHR_SHARING_ITEMS.map((k) => `${k}:${String(consents[k])}:${r?.[k]?.consFlg}:${r?.[k]?.consTime ? 'time' : 'no time'}`), [
        'diagnosisName:true:1:time', 'infectiousInfo:false:0:no time', 'allergyInfo:false:0:no time',
        'contraindicationInfo:true:1:time', 'testInfo:true:1:time', 'prescriptionInfo:false:0:no time',
      ], 'yamada: each 電子カルテ情報共有サービス consent on the check-in as answered, with its time when given');
    }
    if (id === 'suzuki-ichiro') t.equal((body.eligibility as { results: unknown[] }).results.length, 2, 'suzuki: several results');
  }
  t.same(codes, {
    'yamada-taro': 'ELIGIBLE', 'sato-hanako': 'ELIGIBLE', 'suzuki-ichiro': 'MULTIPLE_MATCHES', 'tanaka-yuki': 'NEWER_INSURANCE',
    'watanabe-mei': 'ELIGIBLE', 'takahashi-ken': 'CERT_INVALID',
  }, 'the demo\'s card holders');

  // Inquiries by number: dated, 限度額 with the request's own consent, 医療扶助, unknown, invalid.
  const ask = (body: object) => ehr.ask(`${BASE}/inquiries`, { schema: 'oqs.inquiry-request.v2', ...body });
  t.equal((await ask({ ...numberOf('tanaka-yuki'), visitDate: '2025-09-01' })).body.code, 'ELIGIBLE', 'dated check');
  t.equal((await ask({ ...numberOf('sato-hanako'), limitConsent: true })).body.code, 'ELIGIBLE');
  t.equal((await ask(numberOf('nakamura-fumiko'))).body.code, 'ELIGIBLE', '医療扶助 recipient');
  t.equal((await ask(numberOf('kimura-shiro'))).body.code, 'WELFARE_NOT_REGISTERED');
  t.equal((await ask(numberOf('kato-akira'))).body.code, 'NOT_ELIGIBLE');
  t.equal((await ask({ ...numberOf('yamada-taro'), birthDate: '1980-01-01' })).body.code, 'NOT_ELIGIBLE');
  // The one payload that must not validate: an EHR's mistake, answered with a named error.
  const mistake = await ask({ ...numberOf('yamada-taro'), visitDate: 'yesterday', requestId: 'deliberately-invalid' });
  t.match(mistake.body, { code: 'INVALID_REQUEST', errors: [{ field: '/visitDate' }] });

  // A batch with a dated patient, and its items and summary.
  const accepted = await ehr.ask(`${BASE}/batches`, {
    schema: 'oqs.batch-request.v2', visitDate: '2026-11-02',
    patients: [numberOf('yamada-taro'), { ...numberOf('tanaka-yuki'), visitDate: '2025-09-01' }, numberOf('kimura-shiro'), { ...numberOf('sato-hanako'), limitConsent: true }],
  });
  await ehr.waitOn(ehr.replyTopic, (m) => m.body.schema === 'oqs.batch-summary.v1' && m.body.batchId === accepted.body.batchId);
  const items = ehr.on(ehr.replyTopic).filter((m) => m.body.batchId === accepted.body.batchId && m.body.schema === 'oqs.batch-item.v2');
  t.same(items.map((m) => [m.body.index, m.body.code]).sort(), [[0, 'ELIGIBLE'], [1, 'ELIGIBLE'], [2, 'WELFARE_NOT_REGISTERED'], [3, 'ELIGIBLE']]);

  // Let the listener catch up, then check everything it saw.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const problems: string[] = [];
  const bySchema = new Map<string, number>();
  for (const m of seen) {
    if (m.text === '') continue; // a cleared retained message
    let body: { schema?: unknown; requestId?: unknown };
    try {
      body = JSON.parse(m.text) as { schema?: unknown; requestId?: unknown };
    } catch {
      problems.push(`${m.topic}: not JSON`);
      continue;
    }
    if (body.requestId === 'deliberately-invalid' && m.topic === `${BASE}/inquiries`) continue;
    const name = typeof body.schema === 'string' ? body.schema.replace(/^oqs\./, '') : '';
    bySchema.set(name, (bySchema.get(name) ?? 0) + 1);
    let errors: unknown;
    try {
      errors = validatePayload(name as SchemaName, body);
    } catch {
      errors = `no schema file for ${JSON.stringify(body.schema)}`;
    }
    if (errors) problems.push(`${m.topic} ${String(body.schema)}: ${JSON.stringify(errors)}`);
  }
  t.same(problems, [], 'every payload validates');
  for (const name of ['checkin.v2', 'inquiry-request.v2', 'inquiry-response.v2', 'batch-request.v2', 'batch-item.v2', 'batch-accepted.v1', 'batch-summary.v1', 'error.v1', 'status.v1', 'reader-state.v1']) {
    t.ok((bySchema.get(name) ?? 0) > 0, `saw ${name} (${bySchema.get(name) ?? 0})`);
  }
});
