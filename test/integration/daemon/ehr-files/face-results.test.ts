// Face-result files end to end: the real gateway (sim drivers, real mosquitto) commits check-ins
// answered by the simulated eligibility service; each answered one appears in face/ as
// OQSsiquc01res_face_*.xml. The test decodes each file as Shift_JIS, parses it with an XML parser
// and checks the name, the declaration, the element order of the official layout and every
// element against the check-in event. Names outside Shift_JIS are mapped as documented. A folder
// that is unavailable delays the files (status says so) but loses none, across a restart too.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckinEvent, CheckinOutcome } from '../../../../daemon/flow/checkin-event.js';
import { ehrFilesFeatureOf } from '../../../../daemon/ehr-files/ehr-files-feature.js';
import { FEATURES } from '../../../../daemon/features.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { codeOfAnswer, type QualificationResult } from '../../../../drivers/line/eligibility.js';
import { VIEWING_CONSENTS } from '../../../../drivers/line/answer.js';
import type { RegisterEntry } from '../../../../drivers/line/sim/service/register-entry.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { testConfig } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { child, inOrder, listFiles, names, readOfficialFile, type Element } from '../../../helpers/official-files.js';
import { waitFor } from '../../../helpers/ports.js';

const MIC = '1312345670';
// The official element order (YUKI-ENT/OQSDrug2 OQSDrug/QualificationFaceExporter.cs; docs/ehr-files.md).
const HEADER_ORDER = ['ProcessExecutionTime', 'QualificationConfirmationDate', 'MedicalInstitutionCode', 'ArbitraryFileIdentifier', 'ReferenceClassification', 'SegmentOfResult', 'ErrorCode', 'ErrorMessage', 'CharacterCodeIdentifier'];
const BODY_ORDER = ['PrescriptionIssueSelect', 'ProcessingResultStatus', 'ProcessingResultCode', 'ProcessingResultMessage', 'QualificationValidity', 'ResultList'];
const PERSON_ORDER = [
  'InsuredCardClassification', 'InsurerNumber', 'InsuredCardSymbol', 'InsuredIdentificationNumber', 'InsuredBranchNumber', 'PersonalFamilyClassification', 'InsuredName',
  'Name', 'NameOfOther', 'NameKana', 'NameOfOtherKana', 'Sex1', 'Sex2', 'Birthdate', 'Address', 'PostNumber', 'QualificationDate', 'DisqualificationDate',
  'InsuredCertificateIssuanceDate', 'InsuredCardValidDate', 'InsuredCardExpirationDate', 'InsuredPartialContributionRatio', 'PreschoolClassification', 'ReasonOfLoss',
  'InsurerName', 'ElderlyRecipientCertificateInfo', 'LimitApplicationCertificateRelatedConsFlg', 'LimitApplicationCertificateRelatedConsTime',
  'LimitApplicationCertificateRelatedInfo', 'SpecificDiseasesCertificateRelatedConsFlg', 'SpecificDiseasesCertificateRelatedConsTime', 'SpecificDiseasesCertificateList',
  'PublicExpenseResultList', 'SpecificHealthCheckupsInfoConsFlg', 'SpecificHealthCheckupsInfoConsTime', 'SpecificHealthCheckupsInfoAvailableTime',
  'PharmacistsInfoConsFlg', 'PharmacistsInfoConsTime', 'PharmacistsInfoAvailableTime', 'DiagnosisInfoConsFlg', 'DiagnosisInfoConsTime', 'DiagnosisInfoAvailableTime',
  'OperationInfoConsFlg', 'OperationInfoConsTime', 'OperationInfoAvailableTime',
  // 電子カルテ情報共有サービス (names: ORCA 患者基本情報 block 6-52, in its order; their place in the
  // national file is ours, not confirmed).
  ...['DiagnosisName', 'InfectiousInfo', 'AllergyInfo', 'ContraindicationInfo', 'TestInfo', 'PrescriptionInfo'].flatMap((k) => [`${k}ConsFlg`, `${k}ConsTime`, `${k}AvailableTime`]),
  'ReferenceNumber',
];

/** Japan time as the terminal writes it, computed here independently of the writer. */
function jstDigits(iso: string, length: 8 | 14): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}${get('hour')}${get('minute')}${get('second')}`.slice(0, length);
}

/** The expected XML text of one answer value: dates yyyyMMdd, times Japan time, the rest as is. */
function xmlValue(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value.replaceAll('-', '');
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return jstDigits(value, 14);
  if (/^\d{4}-\d{2}$/.test(value)) return value.replace('-', '');
  return value;
}

/** The expected elements of one result, derived generically from the v2 answer's keys (the writer
 * lists them one by one): key → UpperCamelCase, labels and empty values left out. */
function expectedElements(result: QualificationResult, nameAs: string, referenceNumber: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(result)) {
    if (key.endsWith('Label') || typeof value !== 'string' || value === '') continue;
    out[key.charAt(0).toUpperCase() + key.slice(1)] = xmlValue(value);
  }
  for (const kind of VIEWING_CONSENTS) {
    const c = result[kind];
    const prefix = kind.charAt(0).toUpperCase() + kind.slice(1);
    out[`${prefix}ConsFlg`] = c.consFlg;
    if (c.consTime) out[`${prefix}ConsTime`] = xmlValue(c.consTime);
    if (c.availableTime) out[`${prefix}AvailableTime`] = xmlValue(c.availableTime);
  }
  out.Name = nameAs;
  if (referenceNumber) out.ReferenceNumber = referenceNumber;
  return out;
}

function checkFile(t: Test, root: Element, event: CheckinEvent, expectedName: string): void {
  const answer = event.eligibility;
  if (!answer) throw new Error('a face result without an answer');
  const header = child(root, 'MessageHeader');
  const body = child(root, 'MessageBody');
  const result = child(root, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation');
  t.equal(root.name, 'XmlMsg');
  t.same(names(root), ['MessageHeader', 'MessageBody']);
  t.ok(inOrder(names(header), HEADER_ORDER), 'header elements in the official order');
  t.ok(inOrder(names(body), BODY_ORDER), 'body elements in the official order');
  t.ok(inOrder(names(result), PERSON_ORDER), 'person elements in the official order');
  const v = (el: Element | undefined, name: string) => child(el as Element, name)?.text ?? null;
  const expectHeader: Record<string, string> = {
    ProcessExecutionTime: jstDigits(answer.processExecutionTime, 14),
    QualificationConfirmationDate: answer.qualificationConfirmationDate.replaceAll('-', ''),
    MedicalInstitutionCode: MIC,
    ArbitraryFileIdentifier: event.eventId,
    ReferenceClassification: event.method === 'number' ? '2' : '1',
    SegmentOfResult: '1',
    CharacterCodeIdentifier: '1',
  };
  t.same(Object.fromEntries(names(header).map((n) => [n, v(header, n)])), expectHeader, 'every header element');
  t.same(Object.fromEntries(names(body).filter((n) => n !== 'ResultList').map((n) => [n, v(body, n)])),
    { ...(answer.prescriptionIssueSelect ? { PrescriptionIssueSelect: answer.prescriptionIssueSelect } : {}), ProcessingResultStatus: '1', QualificationValidity: answer.qualificationValidity });
  const person = answer.results[0];
  if (!person) throw new Error('no result');
  const groups = ['ElderlyRecipientCertificateInfo', 'LimitApplicationCertificateRelatedInfo', 'SpecificDiseasesCertificateList', 'PublicExpenseResultList'];
  const leaves = names(result).filter((n) => !groups.includes(n));
  t.same(Object.fromEntries(leaves.map((n) => [n, v(result, n)])), expectedElements(person, expectedName, event.patientId), 'every person element');
  // The groups.
  t.equal(child(result as Element, 'ElderlyRecipientCertificateInfo', 'ElderlyRecipientContributionRatio')?.text, person.elderlyRecipientCertificateInfo?.elderlyRecipientContributionRatio, 'elderly copay');
  t.equal(child(result as Element, 'LimitApplicationCertificateRelatedInfo', 'LimitApplicationCertificateClassificationFlag')?.text, person.limitApplicationCertificateRelatedInfo?.limitApplicationCertificateClassificationFlag, 'limit certificate category');
  t.equal(child(result as Element, 'SpecificDiseasesCertificateList', 'SpecificDiseasesCertificateInfo', 'SpecificDiseasesSelfPay')?.text, person.specificDiseasesCertificateList[0]?.specificDiseasesSelfPay, 'specific disease self pay');
}

async function outcomeFor(gateway: Gateway, entry: RegisterEntry, method: CheckinOutcome['method'], consents: CheckinOutcome['consents']): Promise<CheckinOutcome> {
  const eligibility = await gateway.devices.line.checkByNumber({ ...entry.person.insurance, birthDate: entry.person.birthDate, limitConsent: consents.limitCertificate === true });
  return { code: codeOfAnswer(eligibility), method, face: null, consents, eligibility };
}

t.test('every answered check-in as the official face-result file, element by element', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-face-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'oqs');
  const config = testConfig(join(dir, 'data'), { url: broker.url }, { medicalInstitutionCode: MIC, ehrFiles: { enabled: true, folder, requests: false } });
  const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(() => gateway.stop());
  const files = ehrFilesFeatureOf(gateway);
  if (!files) throw new Error('ehr-files feature not running');

  const people = NAMED_PEOPLE.filter((p) => p.qualification === 'valid' || p.qualification === 'lost').slice(0, 5);
  const events: { event: CheckinEvent; name: string }[] = [];
  for (const [i, entry] of people.entries()) {
    const consents = i % 2 === 0 ? { drugInfo: true, checkupInfo: false, medicalInfo: true, limitCertificate: true, specificDisease: true } : {};
    const event = await gateway.commitCheckin(await outcomeFor(gateway, entry, i === 0 ? 'number' : 'face', consents), Date.now() - 2000);
    events.push({ event, name: entry.person.name });
  }
  // A name outside Shift_JIS (𠮷 and an emoji): mapped as docs/ehr-files.md says.
  const answered = await outcomeFor(gateway, people[0]!, 'face', {});
  const odd = { ...answered, eligibility: answered.eligibility && { ...answered.eligibility, results: answered.eligibility.results.map((r) => ({ ...r, name: '𠮷田　花子😀' })) } };
  events.push({ event: await gateway.commitCheckin(odd, Date.now()), name: '吉田　花子〓' });
  // Never reached the service: no file.
  await gateway.commitCheckin({ code: 'CARD_REMOVED', method: null, face: null, consents: {}, eligibility: null }, Date.now());

  await files.settled();
  const written = listFiles(join(folder, 'face'), /\.xml$/);
  t.equal(written.length, events.length, 'one file per answered check-in, none for the card removed half-way');
  t.same(listFiles(join(folder, 'face'), /^\./), [], 'no temp file left behind');
  for (const path of written) {
    t.match(path, /\/OQSsiquc01res_face_13123456700\d{17}_\d{14}\.xml$/, 'official file name');
    const { declaration, root, crlf } = readOfficialFile(path);
    t.equal(declaration, '<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>');
    t.ok(crlf, 'CRLF line ends');
    const id = child(root, 'MessageHeader', 'ArbitraryFileIdentifier')?.text;
    const match = events.find((e) => e.event.eventId === id);
    if (!match) throw new Error(`a file for an unknown event ${id}`);
    t.equal(/_(\d{14})\.xml$/.exec(path)?.[1], jstDigits(match.event.time, 14), 'the name carries the check-in time (Japan time)');
    checkFile(t, root, match.event, match.name);
  }
  const status = await files.faces?.status();
  t.match(status, { queued: 0, written: events.length, lastError: null });
});

t.test('an unavailable folder delays face results, loses none, across a restart; status says so', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-face-down-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'share');
  writeFileSync(folder, 'not a folder: the share is not mounted'); // mkdir face/ fails (ENOTDIR)
  const config = testConfig(join(dir, 'data'), { url: broker.url }, { medicalInstitutionCode: MIC, status: { port: 0 }, ehrFiles: { enabled: true, folder, requests: false, retrySeconds: 1 } });
  let gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  const person = NAMED_PEOPLE[0]!;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await gateway.commitCheckin(await outcomeFor(gateway, person, 'face', {}), Date.now())).eventId);
  const feature = ehrFilesFeatureOf(gateway);
  const down = await waitFor('the status to show the folder error', async () => {
    const s = await feature?.faces?.status();
    return s?.lastError && s.queued === 3 ? s : null;
  });
  t.equal(down.queued, 3, 'three results waiting');
  t.match(down.lastError, /ENOTDIR|EEXIST/);
  // The operator sees it on /status.
  const statusPort = (gateway.features.find((f) => f.name === 'status') as unknown as { port: number }).port;
  const doc = (await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as { features: { ehrFiles: unknown } };
  t.match(doc.features.ehrFiles, { folder, faceResults: { queued: 3, lastError: /ENOTDIR|EEXIST/ } }, '/status shows the waiting results and the folder error');
  await gateway.stop();

  // The share comes back; the gateway restarts; one more check-in.
  rmSync(folder);
  gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(() => gateway.stop());
  ids.push((await gateway.commitCheckin(await outcomeFor(gateway, person, 'face', {}), Date.now())).eventId);
  await ehrFilesFeatureOf(gateway)?.settled();
  const written = listFiles(join(folder, 'face'), /\.xml$/).map((p) => child(readOfficialFile(p).root, 'MessageHeader', 'ArbitraryFileIdentifier')?.text);
  t.same(written.sort(), [...ids].sort(), 'every result written once, in the end');
  t.match(await ehrFilesFeatureOf(gateway)?.faces?.status(), { queued: 0, lastError: null });
});
