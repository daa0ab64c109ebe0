// The request folder against hostile or unlucky files (RequestFolder directly, a fake line): a
// DOCTYPE (entity expansion) and an oversized file are refused unread with an error result; a
// request whose result cannot be written now stays in req/ and does not hold up the others, even
// with one worker; the scan throws only when the folder itself is unavailable.
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_REQUEST_BYTES, RequestFolder } from '../../../../daemon/ehr-files/requests.js';
import type { EligibilityClient } from '../../../../drivers/line/eligibility.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { child, readOfficialFile } from '../../../helpers/official-files.js';

const unusedLine = {
  checkByNumber: async () => { throw new Error('no line in this test'); },
  checkBatch: async () => { throw new Error('no line in this test'); },
} as unknown as EligibilityClient;

function folderWith(t: Test) {
  const folder = mkdtempSync(join(tmpdir(), 'oqs-reqf-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'req'), { recursive: true });
  mkdirSync(join(folder, 'res'), { recursive: true });
  const requests = new RequestFolder({
    folder, line: unusedLine, medicalInstitutionCode: '1312345670', maxBatchPatients: 10, settleMs: 0, concurrency: 1,
    checkinById: async () => null, logger: silentLogger, signal: new AbortController().signal,
  });
  return { folder, requests };
}

t.test('a DOCTYPE and an oversized file are refused unread, with an error result', async (t) => {
  const { folder, requests } = folderWith(t);
  writeFileSync(join(folder, 'req', 'OQSsiquc01req_a.xml'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><XmlMsg>&b;</XmlMsg>');
  writeFileSync(join(folder, 'req', 'OQSsiquc01req_b.xml'), Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20));
  await requests.scan();
  for (const [name, problem] of [['a', /DOCTYPE/], ['b', /larger than/]] as const) {
    const root = readOfficialFile(join(folder, 'res', `OQSsiquc01res_${name}.xml`)).root;
    t.equal(child(root, 'MessageHeader', 'ErrorCode')?.text, 'INVALID_REQUEST');
    t.match(child(root, 'MessageHeader', 'ErrorMessage')?.text, problem);
  }
  t.same(readdirSync(join(folder, 'req-rejected')).sort(), ['OQSsiquc01req_a.xml', 'OQSsiquc01req_b.xml']);
});

t.test('a request whose result cannot be written stays, and does not hold up the next one', async (t) => {
  const { folder, requests } = folderWith(t);
  writeFileSync(join(folder, 'req', 'OQSsiquc01req_1.xml'), 'garbage');
  writeFileSync(join(folder, 'req', 'OQSsiquc01req_2.xml'), 'garbage');
  mkdirSync(join(folder, 'res', 'OQSsiquc01res_1.xml')); // a folder where the result must go: rename fails
  await requests.scan();
  t.ok(existsSync(join(folder, 'req', 'OQSsiquc01req_1.xml')), 'the first stays for the next scan');
  t.ok(existsSync(join(folder, 'res', 'OQSsiquc01res_2.xml')), 'the second was answered (one worker)');
  t.equal(requests.counts.retried, 1);
  rmSync(join(folder, 'res', 'OQSsiquc01res_1.xml'), { recursive: true });
  await requests.scan();
  t.ok(existsSync(join(folder, 'res', 'OQSsiquc01res_1.xml')), 'answered once the result can be written');
  t.same(readdirSync(join(folder, 'req')), []);
});

t.test('an unavailable folder makes the scan throw (the feature retries and /status shows it)', async (t) => {
  const { folder, requests } = folderWith(t);
  rmSync(folder, { recursive: true });
  writeFileSync(folder, 'the share is not mounted');
  await t.rejects(requests.scan(), /ENOTDIR|EEXIST/);
});
