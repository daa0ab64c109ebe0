// Request files end to end: a receipt computer drops official request files (Shift_JIS XML) into
// req/; the real gateway (sim line, real mosquitto) answers each in res/ under the result name and
// removes the request. By insurance number, by card-reader result (the face result's identifier)
// and batch; a malformed file is answered with an error result and moved to req-rejected/ without
// holding up the files after it; a file still being written is left alone until it settles.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ehrFilesFeatureOf } from '../../../../daemon/ehr-files/ehr-files-feature.js';
import { FEATURES } from '../../../../daemon/features.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { testConfig } from '../../../helpers/ehr-gateway.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { child, names, readOfficialFile } from '../../../helpers/official-files.js';
import { waitFor } from '../../../helpers/ports.js';
import { eligibilityFor } from '../../../helpers/checkin-events.js';

const MIC = '1312345670';
const yamada = NAMED_PEOPLE.find((p) => p.id === 'yamada-taro')!.person;
const sato = NAMED_PEOPLE.find((p) => p.id === 'sato-hanako')!.person;

const info = (p: typeof yamada, more = '') =>
  `<QualificationConfirmSearchInfo><InsurerNumber>${p.insurance.insurerNumber}</InsurerNumber><InsuredCardSymbol>${p.insurance.symbol}</InsuredCardSymbol>` +
  `<InsuredIdentificationNumber>${p.insurance.number}</InsuredIdentificationNumber><InsuredBranchNumber>${p.insurance.branch}</InsuredBranchNumber>` +
  `<Birthdate>${p.birthDate.replaceAll('-', '')}</Birthdate>${more}</QualificationConfirmSearchInfo>`;
/** A request as a receipt computer writes it: Shift_JIS, CRLF. */
export const requestXml = (body: string, id = 'RC-0001') =>
  iconv.encode(
    `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>\r\n<XmlMsg><MessageHeader><QualificationConfirmationDate>20261129</QualificationConfirmationDate>` +
      `<MedicalInstitutionCode>${MIC}</MedicalInstitutionCode><ArbitraryFileIdentifier>${id}</ArbitraryFileIdentifier></MessageHeader><MessageBody>${body}</MessageBody></XmlMsg>\r\n`,
    'Shift_JIS',
  );

t.test('requests by number, by card-reader result and batch; bad files answered and moved aside', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const dir = mkdtempSync(join(tmpdir(), 'oqs-req-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'oqs');
  mkdirSync(join(folder, 'req'), { recursive: true });
  const config = testConfig(join(dir, 'data'), { url: broker.url }, {
    medicalInstitutionCode: MIC, ehrFiles: { enabled: true, folder, pollMilliseconds: 100, settleMilliseconds: 300 },
  });
  const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(() => gateway.stop());
  const feature = ehrFilesFeatureOf(gateway);
  // A card check-in (its answer as the reference service gives it, drug information agreed) to ask about by its face-result identifier.
  const eligibility = eligibilityFor(NAMED_PEOPLE.find((p) => p.id === 'sato-hanako')!);
  const checkin = await gateway.commitCheckin({ code: 'ELIGIBLE', method: 'face', face: null, consents: { drugInfo: true }, eligibility }, Date.now());

  const req = (name: string, bytes: Buffer | string) => writeFileSync(join(folder, 'req', name), bytes);
  req('OQSsiquc01req_20261129000001.xml', requestXml(info(yamada, '<LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>')));
  req('OQSsiquc01req_20261129000002.xml', requestXml(`<FaceResultIdentifier>${checkin.eventId}</FaceResultIdentifier>`, 'RC-0002'));
  req('OQSmuquc01req_202611290001.xml', requestXml(info(yamada, '<ReferenceNumber>K-1</ReferenceNumber>') + info({ ...sato, insurance: { ...sato.insurance, insurerNumber: '12' } }, '<ReferenceNumber>K-2</ReferenceNumber>') + info({ ...yamada, birthDate: '1901-01-01' }, '<ReferenceNumber>K-3</ReferenceNumber>'), 'RC-B1'));
  req('OQSsiquc01req_20261129000003.xml', 'this is not XML at all <<<');
  req('OQSsiquc01req_20261129000004.xml', requestXml(info({ ...yamada, insurance: { ...yamada.insurance, branch: '7' } })));
  req('OQSsiquc01req_20261129000005.xml', requestXml(info(sato)));
  req('.OQSsiquc01req_copying.xml.part', 'half a file'); // a copy in progress: never read

  const res = (name: string) => join(folder, 'res', name);
  await waitFor('every request answered', () => readdirSync(join(folder, 'req')).filter((n) => n.endsWith('.xml')).length === 0 && readdirSync(join(folder, 'res')).length === 6, 20000);
  t.same(readdirSync(join(folder, 'req')), ['.OQSsiquc01req_copying.xml.part'], 'served requests are removed; the partial copy is untouched');

  // 1. By insurance number.
  const one = readOfficialFile(res('OQSsiquc01res_20261129000001.xml')).root;
  t.equal(child(one, 'MessageHeader', 'SegmentOfResult')?.text, '1');
  t.equal(child(one, 'MessageHeader', 'ReferenceClassification')?.text, '2', 'by insurance number');
  t.equal(child(one, 'MessageHeader', 'ArbitraryFileIdentifier')?.text, 'RC-0001', 'the request\'s identifier echoed');
  t.equal(child(one, 'MessageHeader', 'QualificationConfirmationDate')?.text, '20261129');
  t.equal(child(one, 'MessageBody', 'QualificationConfirmSearchInfo', 'InsurerNumber')?.text, yamada.insurance.insurerNumber, 'the search echoed');
  t.equal(child(one, 'MessageBody', 'QualificationValidity')?.text, '1');
  const person = child(one, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation');
  t.equal(child(person!, 'Name')?.text, yamada.name);
  t.equal(child(person!, 'Birthdate')?.text, '19800512');
  t.equal(child(person!, 'LimitApplicationCertificateRelatedConsFlg')?.text, '1', 'the request\'s own limit consent');

  // 2. By card-reader result.
  const two = readOfficialFile(res('OQSsiquc01res_20261129000002.xml')).root;
  t.equal(child(two, 'MessageHeader', 'ReferenceClassification')?.text, '1', 'a card check-in');
  t.equal(child(two, 'MessageHeader', 'ArbitraryFileIdentifier')?.text, 'RC-0002');
  t.equal(child(two, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation', 'Name')?.text, sato.name);
  t.equal(child(two, 'MessageBody', 'ResultList', 'ResultOfQualificationConfirmation', 'PharmacistsInfoConsFlg')?.text, '1', 'the check-in\'s consents');

  // 3. Batch: one unit per patient, in order; a bad patient is an error unit, not a failed file.
  const batch = readOfficialFile(res('OQSmuquc01res_202611290001.xml')).root;
  const units = child(batch, 'MessageBody')?.children.filter((c) => c.name === 'BulkConfirmUnit') ?? [];
  t.same(units.map((u) => child(u, 'ReferenceNumber')?.text), ['K-1', 'K-2', 'K-3']);
  t.same(units.map((u) => child(u, 'ProcessingResultStatus')?.text), ['1', '2', '1']);
  t.equal(child(units[0]!, 'ResultOfQualificationConfirmation', 'Name')?.text, yamada.name);
  t.equal(child(units[1]!, 'ProcessingResultCode')?.text, 'INVALID_REQUEST');
  t.match(child(units[1]!, 'ProcessingResultMessage')?.text, /InsurerNumber/);
  t.equal(child(units[2]!, 'QualificationValidity')?.text, '4', 'wrong birth date: no such insured person');
  t.same(names(units[2]).includes('ResultOfQualificationConfirmation'), false);

  // 4. Malformed files: error results, moved aside; the files after them were served (5 above).
  for (const [name, problem] of [['OQSsiquc01res_20261129000003.xml', /not well-formed/], ['OQSsiquc01res_20261129000004.xml', /InsuredBranchNumber/]] as const) {
    const bad = readOfficialFile(res(name)).root;
    t.equal(child(bad, 'MessageHeader', 'SegmentOfResult')?.text, '3', `${name}: error result`);
    t.equal(child(bad, 'MessageHeader', 'ErrorCode')?.text, 'INVALID_REQUEST');
    t.match(child(bad, 'MessageHeader', 'ErrorMessage')?.text, problem);
    t.equal(child(bad, 'MessageBody', 'ProcessingResultStatus')?.text, '2');
  }
  t.same(readdirSync(join(folder, 'req-rejected')).sort(), ['OQSsiquc01req_20261129000003.xml', 'OQSsiquc01req_20261129000004.xml']);
  t.equal(child(readOfficialFile(res('OQSsiquc01res_20261129000005.xml')).root, 'MessageBody', 'QualificationValidity')?.text, '1', 'a good file after bad ones is answered');
  t.match(feature?.requests?.counts, { answered: 4, rejected: 2 });

  // 5. A file still being written (changed within settleMilliseconds) waits; then it is answered.
  const late = 'OQSsiquc01req_20261129000009.xml';
  req(late, requestXml(info(yamada)));
  const future = new Date(Date.now() + 1500);
  utimesSync(join(folder, 'req', late), future, future); // "just written" for another 1.5 s + settle
  await new Promise((r) => setTimeout(r, 800));
  t.notOk(existsSync(res('OQSsiquc01res_20261129000009.xml')), 'not read while it may still be growing');
  await waitFor('the settled file answered', () => existsSync(res('OQSsiquc01res_20261129000009.xml')), 10000);
});
