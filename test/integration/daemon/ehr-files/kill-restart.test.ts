// 1,000 request files dropped at once into req/ of the running daemon (`oqsgw start`, a child
// process with the sim line); SIGKILL once in the middle, restart: every request is answered in
// res/, none twice. "None twice": a result written before the kill is never rewritten after it
// (its inode stays: every write is a rename of a fresh file), and every result answers its own
// request (the request's ArbitraryFileIdentifier comes back in it).
import t from 'tap';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startDaemon, writeConfig, type DaemonProcess } from '../../../helpers/daemon.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { child, readOfficialFile } from '../../../helpers/official-files.js';
import { waitFor } from '../../../helpers/ports.js';

const COUNT = 1000;
const people = NAMED_PEOPLE.filter((p) => p.qualification === 'valid' && p.person.welfare?.registered !== false); // 医療扶助 未登録 answers 6

function request(i: number): Buffer {
  const p = people[i % people.length]!.person;
  return iconv.encode(
    `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>\r\n<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345670</MedicalInstitutionCode>` +
      `<ArbitraryFileIdentifier>REQ-${i}</ArbitraryFileIdentifier></MessageHeader><MessageBody><QualificationConfirmSearchInfo>` +
      `<InsurerNumber>${p.insurance.insurerNumber}</InsurerNumber><InsuredCardSymbol>${p.insurance.symbol}</InsuredCardSymbol>` +
      `<InsuredIdentificationNumber>${p.insurance.number}</InsuredIdentificationNumber><InsuredBranchNumber>${p.insurance.branch}</InsuredBranchNumber>` +
      `<Birthdate>${p.birthDate.replaceAll('-', '')}</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>\r\n`,
    'Shift_JIS',
  );
}

const answers = (folder: string) => readdirSync(join(folder, 'res')).filter((n) => /^OQS.*\.xml$/.test(n));
const waiting = (folder: string) => readdirSync(join(folder, 'req')).filter((n) => n.endsWith('.xml'));

t.test('1,000 request files at once, SIGKILL in the middle: all answered, none twice', async (t) => {
  const broker = await startMosquitto();
  const { dir, file } = writeConfig({
    gatewayId: 'killfiles', dataDir: 'data', logLevel: 'warn', mqtt: { url: broker.url }, medicalInstitutionCode: '1312345670',
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') }, face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' }, line: { driver: 'sim', retries: 0, sim: { households: 20 } }, status: { enabled: false },
    ehrFiles: { enabled: true, folder: 'oqs', faceResults: false, pollMilliseconds: 200, settleMilliseconds: 0, concurrency: 4 },
  });
  const folder = join(dir, 'oqs');
  let daemon: DaemonProcess | null = null;
  t.teardown(async () => {
    await daemon?.stop('SIGKILL');
    await broker.stop();
    removeDir(broker.dir);
    removeDir(dir);
  });
  mkdirSync(join(folder, 'req'), { recursive: true });
  mkdirSync(join(folder, 'res'), { recursive: true });
  for (let i = 0; i < COUNT; i++) writeFileSync(join(folder, 'req', `OQSsiquc01req_${String(i).padStart(6, '0')}.xml`), request(i));

  daemon = startDaemon(['start', '--config', file], dir);
  const first = daemon;
  await waitFor('a third of the requests answered', () => answers(folder).length >= COUNT / 3, 120000).catch((e: Error) => {
    throw new Error(`${e.message}\n${first.output()}`);
  });
  t.equal(await daemon.stop('SIGKILL'), 'SIGKILL', 'killed in the middle');
  const before = new Map(answers(folder).map((n) => [n, statSync(join(folder, 'res', n)).ino]));
  t.ok(before.size < COUNT, `killed with ${before.size} of ${COUNT} answered`);
  t.ok(waiting(folder).length > 0, 'requests still waiting at the kill');

  daemon = startDaemon(['start', '--config', file], dir);
  const second = daemon;
  await waitFor('every request answered after the restart', () => waiting(folder).length === 0 && answers(folder).length === COUNT, 180000).catch((e: Error) => {
    throw new Error(`${e.message} (${answers(folder).length} answered, ${waiting(folder).length} waiting)\n${second.output()}`);
  });
  await daemon.stop('SIGTERM');

  const all = answers(folder).sort();
  t.equal(all.length, COUNT, 'one result per request');
  let rewritten = 0;
  for (const [name, ino] of before) if (statSync(join(folder, 'res', name)).ino !== ino) rewritten++;
  t.equal(rewritten, 0, 'no result written before the kill was written again');
  let wrong = 0;
  let errors = 0;
  for (const name of all) {
    const i = Number(/_(\d{6})\.xml$/.exec(name)?.[1]);
    const root = readOfficialFile(join(folder, 'res', name)).root;
    if (child(root, 'MessageHeader', 'ArbitraryFileIdentifier')?.text !== `REQ-${i}`) wrong++;
    if (child(root, 'MessageHeader', 'SegmentOfResult')?.text !== '1' || child(root, 'MessageBody', 'QualificationValidity')?.text !== '1') errors++;
  }
  t.equal(wrong, 0, 'every result answers its own request');
  t.equal(errors, 0, 'every result is a normal, valid answer');
  t.notOk(existsSync(join(folder, 'req-rejected')), 'nothing rejected');
});
