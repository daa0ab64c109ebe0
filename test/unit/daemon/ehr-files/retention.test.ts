// Retention of the exchange folder: the gateway's own old files go, recent ones, waiting requests
// and foreign files stay.
import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeOldFiles } from '../../../../daemon/ehr-files/retention.js';

t.test('old files in face/, res/ and req-rejected/ are deleted; nothing else', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'oqs-ret-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const old = new Date(Date.now() - 8 * 86400 * 1000);
  const put = (sub: string, name: string, aged: boolean) => {
    mkdirSync(join(folder, sub), { recursive: true });
    writeFileSync(join(folder, sub, name), 'x');
    if (aged) utimesSync(join(folder, sub, name), old, old);
  };
  put('face', 'OQSsiquc01res_face_1.xml', true);
  put('face', 'OQSsiquc01res_face_2.xml', false);
  put('res', 'OQSsiquc01res_a.xml', true);
  put('res', 'clinic-notes.txt', true);
  put('res', '.OQSsiquc01res_c.xml.0a1b2c3d.tmp', true); // left by a killed process
  put('res', '.OQSsiquc01res_d.xml.0a1b2c3e.tmp', false); // being written right now
  put('req', 'OQSsiquc01req_b.xml', true);
  put('req-rejected', 'garbage.xml', true);
  t.equal(await purgeOldFiles(folder, 7 * 86400 * 1000), 4);
  t.same(readdirSync(join(folder, 'face')), ['OQSsiquc01res_face_2.xml']);
  t.same(readdirSync(join(folder, 'res')).sort(), ['.OQSsiquc01res_d.xml.0a1b2c3e.tmp', 'clinic-notes.txt']);
  t.same(readdirSync(join(folder, 'req')), ['OQSsiquc01req_b.xml'], 'a waiting request is never purged');
  t.same(readdirSync(join(folder, 'req-rejected')), []);
});
