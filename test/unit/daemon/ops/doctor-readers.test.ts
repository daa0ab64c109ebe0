// `oqsgw doctor` with several readers checks each reader's card reader, camera, card-front source
// and panel, each line named by the reader's id; a broken part of one reader fails that reader's
// line only. With one reader the checks and their names are those of before.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../../config/load.js';
import { deviceChecks } from '../../../../daemon/ops/doctor/run.js';

const quiet = () => {};

t.test('one line per reader and part, the broken reader named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-doctor-readers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = validateConfig({
    dataDir: dir,
    face: { driver: 'camera', source: 'files', simFrames: ['x.png'] },
    readers: [
      { id: 'entrance-1' },
      { id: 'entrance-2', panel: { driver: 'serial', path: join(dir, 'no-such-tty') }, face: { source: 'v4l2', device: join(dir, 'no-such-video') } },
    ],
  }, 'test.yaml', quiet);
  const results = await deviceChecks(config);
  const level = Object.fromEntries(results.map((r) => [r.check, r.level]));
  t.same(Object.keys(level), [
    'card (entrance-1)', 'camera (entrance-1)', 'face match (entrance-1)', 'panel (entrance-1)',
    'card (entrance-2)', 'camera (entrance-2)', 'face match (entrance-2)', 'panel (entrance-2)',
  ]);
  t.equal(level['panel (entrance-1)'], 'OK');
  t.equal(level['camera (entrance-1)'], 'OK', 'frames from files');
  t.equal(level['panel (entrance-2)'], 'FAIL', "entrance-2's serial port is missing");
  t.equal(level['camera (entrance-2)'], 'FAIL', "entrance-2's camera is missing");
  t.match(results.find((r) => r.check === 'panel (entrance-2)')!.detail, /no-such-tty not found/);
  t.equal(level['card (entrance-2)'], 'OK');
});

t.test('a refused readers list is one FAIL line naming the problem', async (t) => {
  const config = validateConfig({ readers: [{ id: 'a' }, { id: 'a' }] }, 'test.yaml', quiet);
  const results = await deviceChecks(config);
  t.equal(results[0]!.check, 'readers');
  t.equal(results[0]!.level, 'FAIL');
  t.match(results[0]!.detail, /readers\[1\]\.id: "a" is already the id of readers\[0\]/);
});

t.test('one reader: the four checks of before, unnamed', async (t) => {
  const results = await deviceChecks(validateConfig({}, 'test.yaml', quiet));
  t.same(results.map((r) => r.check), ['card', 'camera', 'face match', 'panel']);
});
