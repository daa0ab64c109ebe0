// FHIR output end to end on a real mosquitto: check-ins answered by the simulated eligibility
// service are committed by the gateway; each one's Bundle arrives on <base>/fhir/checkins (QoS 1),
// validates against base R4 and our JP Core rules, and names the same event; `oqsgw fhir <id>`
// prints the same Bundle; a Bundle still owed when the gateway stopped is published after restart.
import { codeOfAnswer } from '../../../../drivers/line/eligibility.js';
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckinEvent, CheckinOutcome } from '../../../../daemon/flow/checkin-event.js';
import { FEATURES } from '../../../../daemon/features.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { connectEhr } from '../../../helpers/ehr-client.js';
import { startTestGateway, testConfig } from '../../../helpers/ehr-gateway.js';
import { fhirProblems } from '../../../helpers/fhir-validate.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

const BY_NUMBER = NAMED_PEOPLE.filter((p) => p.qualification === 'valid' || p.qualification === 'lost').slice(0, 4);

async function answeredOutcome(gateway: Gateway, index: number): Promise<CheckinOutcome> {
  const entry = BY_NUMBER[index % BY_NUMBER.length]!;
  const eligibility = await gateway.devices.line.checkByNumber({ ...entry.person.insurance, birthDate: entry.person.birthDate });
  return { code: codeOfAnswer(eligibility), method: 'number', face: null, consents: {}, eligibility };
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('daemon/cli/main.ts'), ...args], { cwd: fromRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('check-ins as JP Core Bundles on <base>/fhir/checkins; oqsgw fhir prints them', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const gw = await startTestGateway(t, { url: broker.url }, { fhir: { enabled: true }, medicalInstitutionCode: '1312345670' });
  await waitFor('connected', () => gw.gateway.mqtt.connected);
  const ehr = await connectEhr(broker.url, 'oqs/ehrt', { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  await ehr.client.subscribeAsync('oqs/ehrt/fhir/checkins', { qos: 1 });

  const events: CheckinEvent[] = [];
  for (let i = 0; i < BY_NUMBER.length; i++) events.push(await gw.gateway.commitCheckin(await answeredOutcome(gw.gateway, i), Date.now() - 1000));
  // A check-in that never reached the service has nobody to describe: no Bundle.
  const removed = await gw.gateway.commitCheckin({ code: 'CARD_REMOVED', method: null, face: null, consents: {}, eligibility: null }, Date.now());

  const bundles = await waitFor('a Bundle per answered check-in', () => {
    const got = ehr.on('oqs/ehrt/fhir/checkins');
    return got.length >= events.length ? got : null;
  }, 20000);
  t.equal(bundles.length, events.length, 'one Bundle per answered check-in, none for the removed card');
  for (const event of events) {
    const bundle = bundles.find((b) => b.body.id === event.eventId);
    if (!bundle) throw new Error(`no Bundle for ${event.eventId}`);
    t.same(fhirProblems(bundle.body), [], 'validates against R4 and the JP Core rules');
    const patient = (bundle.body.entry as { resource: { resourceType: string; birthDate?: string } }[]).find((e) => e.resource.resourceType === 'Patient');
    t.equal(patient?.resource.birthDate, event.eligibility?.results[0]?.birthdate, 'the Bundle describes this check-in\'s patient');
  }
  t.notOk(bundles.some((b) => b.body.id === removed.eventId));

  const configFile = join(gw.dir, 'config.json.yaml');
  writeFileSync(configFile, JSON.stringify(gw.config));
  const printed = await cli(['fhir', events[0]!.eventId, '-c', configFile]);
  t.equal(printed.code, 0, printed.stderr);
  t.same(JSON.parse(printed.stdout), bundles.find((b) => b.body.id === events[0]!.eventId)?.body, 'oqsgw fhir prints the published Bundle');
  const missing = await cli(['fhir', removed.eventId, '-c', configFile]);
  t.equal(missing.code, 1, 'a check-in without a person: exit 1');
  t.match(missing.stderr, /no insured person/);
  const unknown = await cli(['fhir', '00000000-0000-4000-8000-000000000000', '-c', configFile]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /no check-in/);
});

t.test('a Bundle owed when the gateway stopped is published after the restart', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-fhir-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = (fhir: boolean) => testConfig(join(dir, 'data'), { url: broker.url }, { fhir: { enabled: fhir } });
  // First start with FHIR on: the feature's cursor is created.
  let gateway = await Gateway.start(config(true), silentLogger, 'test', FEATURES);
  await gateway.stop();
  // Check-ins committed while the feature could not run (here: switched off; same as a crash
  // between commit and Bundle) ...
  gateway = await Gateway.start(config(false), silentLogger, 'test', FEATURES);
  const owed = await gateway.commitCheckin(await answeredOutcome(gateway, 0), Date.now());
  await gateway.stop();
  // ... get their Bundle when it runs again.
  const ehr = await connectEhr(broker.url, 'oqs/ehrt', { protocolVersion: 5 });
  t.teardown(() => ehr.end());
  await ehr.client.subscribeAsync('oqs/ehrt/fhir/checkins', { qos: 1 });
  gateway = await Gateway.start(config(true), silentLogger, 'test', FEATURES);
  t.teardown(() => gateway.stop());
  const bundle = await ehr.waitOn('oqs/ehrt/fhir/checkins', (m) => m.body.id === owed.eventId);
  t.same(fhirProblems(bundle.body), []);
});
