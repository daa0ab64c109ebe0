// The demo with its own config (config/demo.yaml; only the folders moved to a scratch dir and the
// status port freed): each answered check-in appears as an official face-result file, decoded
// and parsed back and checked against the check-in event published on MQTT; each check-in's FHIR
// Bundle validates; a request file dropped into req/ is answered in res/.
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import mqtt from 'mqtt';
import { parse } from 'yaml';
import type { CheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../../helpers/daemon.js';
import { fhirProblems } from '../../../helpers/fhir-validate.js';
import { removeDir } from '../../../helpers/mosquitto.js';
import { child, listFiles, readOfficialFile } from '../../../helpers/official-files.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

t.test('oqsgw demo writes face results, publishes valid FHIR bundles and answers a request file', async (t) => {
  const [statusPort, brokerPort] = [await freePort(), await freePort()];
  const demo = parse(readFileSync(fromRoot('config/demo.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  t.match(demo, { ehrFiles: { enabled: true }, fhir: { enabled: true } }, 'the demo config switches both on');
  const { dir, file } = writeConfig({
    ...demo,
    dataDir: 'data',
    card: { ...demo.card, pkiDir: fromRoot('var/pki') },
    panel: { driver: 'sim' }, // the pty panel needs socat; the file exchange does not care
    status: { port: statusPort },
    ehrFiles: { ...demo.ehrFiles, folder: 'oqs', pollMilliseconds: 200 },
  });
  const daemon = startDaemon(['demo', '--config', file, '--interval', '1', '--port', String(brokerPort)], dir);
  let ehr: mqtt.MqttClient | null = null;
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await ehr?.endAsync(true);
    removeDir(dir);
  });
  const fail = (e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); };
  await waitFor('the demo broker', async () => (ehr = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'files-ehr', reconnectPeriod: 0 }).catch(() => null)), 60000).catch(fail);
  const client = ehr as unknown as mqtt.MqttClient;
  const events: CheckinEvent[] = [];
  const bundles: Record<string, unknown>[] = [];
  client.on('message', (topic, payload) => {
    if (topic === 'oqs/demo/checkins') events.push(JSON.parse(payload.toString()) as CheckinEvent);
    if (topic === 'oqs/demo/fhir/checkins') bundles.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  await client.subscribeAsync(['oqs/demo/checkins', 'oqs/demo/fhir/checkins'], { qos: 1 });

  const folder = join(dir, 'oqs');
  const answered = () => events.filter((e) => (e.eligibility?.results.length ?? 0) > 0);
  await waitFor('three answered check-ins with their files and bundles', () => {
    const ids = new Set(listFiles(join(folder, 'face'), /\.xml$/).map((p) => child(readOfficialFile(p).root, 'MessageHeader', 'ArbitraryFileIdentifier')?.text));
    const done = answered().filter((e) => ids.has(e.eventId) && bundles.some((b) => b.id === e.eventId));
    return done.length >= 3;
  }, 90000).catch(fail);

  for (const path of listFiles(join(folder, 'face'), /\.xml$/)) {
    const { root, declaration } = readOfficialFile(path);
    t.match(declaration, /encoding="Shift_JIS"/);
    const event = events.find((e) => e.eventId === child(root, 'MessageHeader', 'ArbitraryFileIdentifier')?.text);
    if (!event) continue; // committed before the subscription
    const person = event.eligibility?.results[0];
    if (!person) throw new Error('a face result for a check-in without a person');
    const result = child(root, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation');
    t.equal(child(root, 'MessageHeader', 'MedicalInstitutionCode')?.text, '1312345670');
    t.equal(child(result!, 'InsurerNumber')?.text, person.insurerNumber);
    t.equal(child(result!, 'InsuredIdentificationNumber')?.text, person.insuredIdentificationNumber);
    t.equal(child(result!, 'Name')?.text, person.name);
    t.equal(child(result!, 'Birthdate')?.text, person.birthdate.replaceAll('-', ''));
    t.equal(child(result!, 'InsuredPartialContributionRatio')?.text, person.insuredPartialContributionRatio ?? undefined);
  }
  t.equal(bundles.length > 0, true);
  for (const bundle of bundles) t.same(fhirProblems(bundle), [], `Bundle ${String(bundle.id)} validates`);

  const yamada = NAMED_PEOPLE.find((p) => p.id === 'yamada-taro')!.person;
  mkdirSync(join(folder, 'req'), { recursive: true });
  writeFileSync(join(folder, 'req', 'OQSsiquc01req_demo0001.xml'), iconv.encode(
    `<?xml version="1.0" encoding="Shift_JIS"?>\r\n<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345670</MedicalInstitutionCode></MessageHeader><MessageBody>` +
      `<QualificationConfirmSearchInfo><InsurerNumber>${yamada.insurance.insurerNumber}</InsurerNumber><InsuredCardSymbol>${yamada.insurance.symbol}</InsuredCardSymbol>` +
      `<InsuredIdentificationNumber>${yamada.insurance.number}</InsuredIdentificationNumber><InsuredBranchNumber>${yamada.insurance.branch}</InsuredBranchNumber>` +
      `<Birthdate>${yamada.birthDate.replaceAll('-', '')}</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>\r\n`, 'Shift_JIS'));
  const res = join(folder, 'res', 'OQSsiquc01res_demo0001.xml');
  await waitFor('the request answered', () => existsSync(res), 30000).catch(fail);
  const root = readOfficialFile(res).root;
  t.equal(child(root, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation', 'Name')?.text, yamada.name);
});
