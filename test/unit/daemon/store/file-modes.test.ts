// Issue 17 item 6: the SQLite files hold patient data. They were created 0644 under a 0022 umask,
// and a pre-existing 0755 data folder left them world-readable without a word.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { validateConfig } from '../../../../config/load.js';
import { checkDisk } from '../../../../daemon/ops/doctor/host-checks.js';
import { startupProblems } from '../../../../daemon/startup-checks.js';
import { Database } from '../../../../daemon/store/database.js';
import { dataDirRefusal, secureDataDir } from '../../../../daemon/store/file-modes.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

t.test('under a 0022 umask, in a 0755 folder: folder 0700, database and WAL files 0600', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oqs-modes-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const before = process.umask(0o022);
  t.teardown(() => void process.umask(before));

  const doctorBefore = checkDisk(validateConfig({ version: 2, dataDir: dir }, 'test', () => {}));
  t.equal(doctorBefore.level, 'WARN', `doctor warns on the loose folder: ${doctorBefore.detail}`);
  t.match(doctorBefore.detail, /open to group or others/);

  t.match(secureDataDir(dir), /set to 0700/, 'the gateway says it tightened the folder');
  t.equal(modeOf(dir), 0o700);
  const file = join(dir, 'gateway.sqlite');
  const db = await Database.open(file);
  await db.run('CREATE TABLE IF NOT EXISTS probe (x INTEGER)');
  await db.run('INSERT INTO probe (x) VALUES (1)');
  for (const path of [file, `${file}-wal`, `${file}-shm`]) t.equal(modeOf(path).toString(8), '600', `${path} is 0600`);
  await db.close();
  t.equal(checkDisk(validateConfig({ version: 2, dataDir: dir }, 'test', () => {})).level, 'OK', 'doctor is content afterwards');
});

t.test('an existing 0644 database is tightened at open', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-modes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'gateway.sqlite');
  writeFileSync(file, '');
  chmodSync(file, 0o644);
  const db = await Database.open(file);
  await db.close();
  t.equal(modeOf(file), 0o600);
});

t.test('a shared folder (sticky bit) is refused by start and by config check alike, and doctor fails', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-modes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o1777);
  t.match(dataDirRefusal(dir), /sticky bit/);
  t.throws(() => secureDataDir(dir), /sticky bit/);
  const config = validateConfig({ version: 2, dataDir: dir }, 'test', () => {});
  t.match(startupProblems(config).join('\n'), /dataDir: .*sticky bit/);
  t.equal(checkDisk(config).level, 'FAIL');
});
