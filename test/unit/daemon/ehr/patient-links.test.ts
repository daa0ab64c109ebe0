// The patient link key: derived from the insurance identity with a per-gateway secret, stable
// across notations, different on another gateway, and never stored next to a readable number.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseInsurance, PatientLinks } from '../../../../daemon/ehr/patient-links.js';
import { Database } from '../../../../daemon/store/database.js';
import { Outbox } from '../../../../daemon/store/outbox.js';

const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00' };

async function open(t: Test, name = 'gw.sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-ehr-links-'));
  const db = await Database.open(join(dir, name));
  t.teardown(async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); });
  return { db, links: new PatientLinks(db), outbox: new Outbox(db), file: join(dir, name) };
}

t.test('one insured person, one key, whatever the notation', async (t) => {
  const { links } = await open(t);
  const key = await links.keyFor(YAMADA);
  t.match(key, /^[0-9a-f]{64}$/);
  t.equal(await links.keyFor({ ...YAMADA, symbol: '１０１０' }), key, 'full-width digits fold');
  t.equal(await links.keyFor({ ...YAMADA, symbol: ' 1010 ' }), key, 'spaces drop');
  t.not(await links.keyFor({ ...YAMADA, branch: '01' }), key, 'a family member (other branch) is another person');
  t.not(await links.keyFor({ ...YAMADA, number: '2346' }), key);
  t.equal(normaliseInsurance({ ...YAMADA, symbol: '北１２' }), '01130012\u001f北12\u001f2345\u001f00');
});

t.test('the secret is per gateway and kept in its database', async (t) => {
  const a = await open(t);
  const b = await open(t);
  t.not(await a.links.keyFor(YAMADA), await b.links.keyFor(YAMADA), 'another gateway, another key');
  const again = new PatientLinks(a.db);
  t.equal(await again.keyFor(YAMADA), await a.links.keyFor(YAMADA), 'the same gateway keeps its key across restarts');
});

t.test('link, relink, unlink; unknown and unlinkable check-ins', async (t) => {
  const { db, links, outbox, file } = await open(t);
  const key = await links.keyFor(YAMADA);
  await links.remember('e-1', key);
  t.same(await links.link('e-1', 'P-100'), { kind: 'linked', previousPatientId: null, linkKey: key });
  t.equal(await links.patientIdOf(YAMADA), 'P-100');
  t.same(await links.link('e-1', 'P-200'), { kind: 'linked', previousPatientId: 'P-100', linkKey: key }, 'the EHR may correct a link');
  t.same(await links.link('e-1', null), { kind: 'unlinked', previousPatientId: 'P-200', linkKey: key });
  t.equal(await links.patientIdOf(YAMADA), null);
  t.same(await links.link('e-unknown', 'P-1'), { kind: 'unknown-event' });
  await outbox.commit('e-failed', 'oqs/gw/checkins', { result: { code: 'FACE_MISMATCH' } });
  t.same(await links.link('e-failed', 'P-1'), { kind: 'not-linkable' }, 'a check-in without an insurance identity');

  await links.link('e-1', 'P-300');
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const bytes = readFileSync(file).toString('latin1');
  t.notOk(bytes.includes('2345'), 'the insurance number is not in the database');
  t.ok(bytes.includes('P-300'), '(the file was read)');
});

t.test('link keys of check-ins are purged with retention; links stay', async (t) => {
  let now = 1_000_000;
  const { db } = await open(t);
  const links = new PatientLinks(db, () => now);
  const key = await links.keyFor(YAMADA);
  await links.remember('old', key);
  await links.link('old', 'P-1');
  now += 10 * 3600_000;
  await links.remember('new', key);
  t.equal(await links.purge(5 * 3600_000), 1);
  t.same(await links.link('old', 'P-2'), { kind: 'unknown-event' }, 'past retention a check-in cannot be linked');
  t.equal(await links.patientIdOf(YAMADA), 'P-1', 'the link itself outlives the check-in');
});
