// `oqsgw demo` with its own flow, face and line settings (config/demo.yaml; only the folders moved
// to a scratch dir, the status port freed, the panel in-process): its card holders, placed in turn,
// must publish check-ins that show the national answer — validity 3 and 5 and 6, several results,
// 限度額 codes, 特定疾病, a 医療扶助 recipient with tickets, and every consent item, the six
// 電子カルテ情報共有サービス items included, each with its time — and print what a technician reads.
import t from 'tap';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { parse } from 'yaml';
import type { CheckinEvent } from '../../../daemon/flow/checkin-event.js';
import { validatePayload } from '../../../daemon/mqtt/schemas.js';
import { EHR_SHARING_ITEMS } from '../../../vocabulary/consent.js';
import { fromRoot } from '../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../helpers/daemon.js';
import { removeDir } from '../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../helpers/ports.js';

type Check = readonly [what: string, seen: (events: readonly CheckinEvent[]) => boolean];

const results = (events: readonly CheckinEvent[]) => events.flatMap((e) => e.eligibility?.results ?? []);
const CHECKS: readonly Check[] = [
  ['validity 3 無効（新しい資格あり） → NEWER_INSURANCE', (es) => es.some((e) => e.eligibility?.qualificationValidity === '3' && e.result.code === 'NEWER_INSURANCE')],
  ['validity 5 複数該当 with several results → MULTIPLE_MATCHES', (es) => es.some((e) => e.eligibility?.qualificationValidity === '5' && e.eligibility.results.length >= 2 && e.result.code === 'MULTIPLE_MATCHES')],
  ['validity 6 有効（未登録） → WELFARE_NOT_REGISTERED', (es) => es.some((e) => e.eligibility?.qualificationValidity === '6' && e.result.code === 'WELFARE_NOT_REGISTERED')],
  ['限度額 A03 (under 70)', (es) => results(es).some((r) => r.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag === 'A03')],
  ['限度額 B09 (70+)', (es) => results(es).some((r) => r.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag === 'B09')],
  ['特定疾病', (es) => results(es).some((r) => r.specificDiseasesCertificateList.length > 0)],
  ['医療扶助 with 医療券 and 調剤券', (es) => results(es).some((r) => r.insuredCardClassification === 'A1' && r.publicExpenseResultList.length === 2)],
  ['the six sharing consents, each with its time', (es) => es.some((e) => EHR_SHARING_ITEMS.every((k) =>
    e.consents[k] === true && e.eligibility?.results[0]?.[k].consFlg === '1' && e.eligibility.results[0][k].consTime !== null))],
];

t.test('the demo\'s patients show the national answer', { timeout: 300_000 }, async (t) => {
  const [statusPort, brokerPort] = [await freePort(), await freePort()];
  const demo = parse(readFileSync(fromRoot('config/demo.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const { dir, file } = writeConfig({
    ...demo,
    dataDir: 'data',
    card: { ...demo.card, pkiDir: fromRoot('var/pki') },
    panel: { driver: 'sim' }, // the pty panel needs socat; what the patient answers is the same
    status: { port: statusPort },
    ehrFiles: { enabled: false },
    fhir: { enabled: false },
  });
  const daemon = startDaemon(['demo', '--config', file, '--interval', '1', '--port', String(brokerPort)], dir);
  let ehr: mqtt.MqttClient | null = null;
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await ehr?.endAsync(true);
    removeDir(dir);
  });
  const fail = (e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); };
  await waitFor('the demo broker', async () => (ehr = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'demo-answers', reconnectPeriod: 0 }).catch(() => null)), 60000).catch(fail);
  const client = ehr as unknown as mqtt.MqttClient;
  const events: CheckinEvent[] = [];
  const invalid: string[] = [];
  client.on('message', (_topic, payload) => {
    const body = JSON.parse(payload.toString()) as CheckinEvent;
    const errors = validatePayload('checkin.v2', body);
    if (errors) invalid.push(JSON.stringify(errors));
    events.push(body);
  });
  await client.subscribeAsync('oqs/demo/checkins', { qos: 1 });

  const missing = () => CHECKS.filter(([, seen]) => !seen(events)).map(([what]) => what);
  await waitFor('every kind of answer among the demo\'s check-ins', () => missing().length === 0, 240000)
    .catch((e: Error) => fail(new Error(`${e.message}; missing: ${missing().join('; ')} (${events.length} check-ins: ${events.map((c) => c.result.code).join(', ')})`)));
  for (const [what] of CHECKS) t.pass(what);
  t.same(invalid, [], 'every check-in matches schemas/checkin.v2.schema.json');
  // What the technician sees on the console (daemon/demo-summary.ts).
  const out = daemon.output();
  t.match(out, /MULTIPLE_MATCHES by \w+ .*\n {4}資格有効性 5 複数該当 · 2 results/, 'several results on the console');
  t.match(out, /資格有効性 1 有効 · 医療扶助 医療券 \d{4}-\d{2}, 調剤券 \d{4}-\d{2} · 閲覧同意 10\/10/, '医療扶助 tickets and the consents on the console');
  t.comment(`${events.length} check-ins until every kind was seen`);
});
