// 照会番号 through the real client and the reference service over mutual TLS: registered by one
// terminal, returned in every answer about that person to every terminal of the same clinic (and
// to no other clinic), a check by the number alone, and each way of getting it wrong refused by
// name with nothing changed.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../../../drivers/line/https-client.js';
import type { EligibilityService } from '../../../../drivers/line/sim/service/server.js';
import { cardDer, serviceRefusal, startHarness } from '../../../helpers/line-harness.js';

/** A client certificate from the clinic CA for another terminal or another clinic (real TLS). */
function clientFor(t: Test, dir: string, service: EligibilityService, subject: string): HttpsEligibilityClient {
  const tmp = mkdtempSync(join(tmpdir(), 'oqs-ref-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const key = join(tmp, 'client.key');
  const csr = join(tmp, 'client.csr');
  const cert = join(tmp, 'client.pem');
  const ext = join(tmp, 'ext.cnf');
  writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(dir, 'clinic', 'ca.pem'), '-CAkey', join(dir, 'clinic', 'ca.key'), '-CAcreateserial', '-CAserial', join(tmp, 'ca.srl'),
    '-days', '2', '-extfile', ext, '-out', cert], { stdio: 'ignore' });
  const client = new HttpsEligibilityClient({
    url: `https://localhost:${service.port}`,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(cert), key: readFileSync(key) },
    timeoutMs: 5000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 10,
    breakerThreshold: 100, breakerCooldownMs: 60000, batchChunk: 200, batchConcurrency: 4, probeIntervalMs: 0,
  }, silentLogger);
  t.teardown(() => client.stop());
  return client;
}

t.test('照会番号: registered once, returned to every terminal of the clinic, asked by, refused by name', async (t) => {
  const { dir, client, service } = await startHarness(t);
  const person = (id: string) => {
    const p = service.register.byId(id)?.person;
    if (!p) throw new Error(`no ${id}`);
    return { ...p.insurance, birthDate: p.birthDate };
  };
  const yamada = person('yamada-taro');

  t.equal((await client.checkByNumber(yamada)).referenceNumber, null, 'no number before registration');
  t.same(await client.registerReferenceNumber({ ...yamada, referenceNumber: 'P-000123' }), { referenceNumber: 'P-000123', previousReferenceNumber: null });
  t.equal((await client.checkByNumber(yamada)).referenceNumber, 'P-000123', 'by-number answers carry it');
  t.equal((await client.checkByCard({ certificate: cardDer(dir, 'yamada-taro'), method: 'face', consents: {} })).referenceNumber, 'P-000123', 'card answers carry it');
  const [item] = await client.checkBatch([yamada]);
  t.equal(item?.ok ? item.result.referenceNumber : 'failed', 'P-000123', 'batch answers carry it');

  const byNumber = await client.checkByReference('P-000123');
  t.same([byNumber.qualificationValidity, byNumber.results[0]?.insuredIdentificationNumber, byNumber.referenceNumber], ['1', yamada.number, 'P-000123'], 'a check by the number alone');
  const dated = await client.checkByReference('P-000123', '2025-01-06');
  t.equal(dated.qualificationConfirmationDate, '2025-01-06', 'a dated check by the number');

  // Another terminal of the same clinic (same O=, its own certificate) sees it; another clinic does not.
  const terminal2 = clientFor(t, dir, service, '/C=JP/O=Test Clinic/CN=gateway-0002');
  await terminal2.start();
  t.equal((await terminal2.checkByNumber(yamada)).referenceNumber, 'P-000123', 'shared by every terminal of the institution');
  const other = clientFor(t, dir, service, '/C=JP/O=Other Clinic/CN=gateway-0001');
  await other.start();
  t.equal((await other.checkByNumber(yamada)).referenceNumber, null, 'another institution does not see it');
  t.equal(await serviceRefusal(other.checkByReference('P-000123')), 'LINE_ERROR/REFERENCE_UNKNOWN', 'nor can it ask by it');
  t.same(await other.registerReferenceNumber({ ...yamada, referenceNumber: 'P-000123' }), { referenceNumber: 'P-000123', previousReferenceNumber: null }, 'its own numbering is its own');

  // Refusals: a number held by another person, an unknown person, an unknown number, a bad number.
  const sato = person('sato-hanako');
  t.equal(await serviceRefusal(client.registerReferenceNumber({ ...sato, referenceNumber: 'P-000123' })), 'LINE_ERROR/REFERENCE_IN_USE');
  t.equal((await client.checkByNumber(sato)).referenceNumber, null, 'the refused registration changed nothing for her');
  t.equal((await client.checkByReference('P-000123')).results[0]?.insuredIdentificationNumber, yamada.number, '… nor for him');
  t.equal(await serviceRefusal(client.registerReferenceNumber({ ...sato, birthDate: '1900-01-01', referenceNumber: 'P-9' })), 'LINE_ERROR/PERSON_UNKNOWN', 'a wrong birth date names nobody');
  t.equal(await serviceRefusal(client.checkByReference('P-404')), 'LINE_ERROR/REFERENCE_UNKNOWN');
  t.equal(await serviceRefusal(client.registerReferenceNumber({ ...sato, referenceNumber: 'has space' })), 'LINE_ERROR/BAD_REQUEST', 'not printable ASCII');
  t.equal(await serviceRefusal(client.registerReferenceNumber({ ...sato, referenceNumber: 'x'.repeat(21) })), 'LINE_ERROR/BAD_REQUEST', 'longer than 20');

  // A new number replaces the old one; null removes it.
  t.same(await client.registerReferenceNumber({ ...yamada, referenceNumber: 'P-000124' }), { referenceNumber: 'P-000124', previousReferenceNumber: 'P-000123' });
  t.equal(await serviceRefusal(client.checkByReference('P-000123')), 'LINE_ERROR/REFERENCE_UNKNOWN', 'the old number is free again');
  t.same(await client.registerReferenceNumber({ ...yamada, referenceNumber: null }), { referenceNumber: null, previousReferenceNumber: 'P-000124' });
  t.equal((await client.checkByNumber(yamada)).referenceNumber, null, 'removed');
});

t.test('照会番号 names the person, not one insurance: it stays when the insurance changes', async (t) => {
  const { dir, client, service } = await startHarness(t);
  const entry = (id: string) => {
    const found = service.register.byId(id);
    if (!found) throw new Error(`no ${id} in the register`);
    return found;
  };
  const kumiai = entry('suzuki-ichiro');
  const kokuho = entry('suzuki-ichiro-kokuho');
  await client.registerReferenceNumber({ ...kumiai.person.insurance, birthDate: kumiai.person.birthDate, referenceNumber: 'S-1' });
  t.equal((await client.checkByNumber({ ...kokuho.person.insurance, birthDate: kokuho.person.birthDate })).referenceNumber, 'S-1', 'asked by his other insurance');
  const both = await client.checkByReference('S-1');
  t.same([both.qualificationValidity, both.results.length], ['5', 2], 'a check by the number finds all of his qualifications (複数該当)');
  const card = await client.checkByCard({ certificate: cardDer(dir, 'suzuki-ichiro'), method: 'face', consents: {} });
  t.equal(card.referenceNumber, 'S-1');

  const tanaka = entry('tanaka-yuki');
  await client.registerReferenceNumber({ ...tanaka.person.insurance, birthDate: tanaka.person.birthDate, referenceNumber: 'T-7' });
  const lost = await client.checkByReference('T-7');
  t.same([lost.qualificationValidity, lost.referenceNumber], ['3', 'T-7'], 'an insurance lost for a newer one still answers with the number');
});
