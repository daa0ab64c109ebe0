// `oqsgw face compare`: a card-like JPEG 2000 against a JPEG camera still (match, JSON on stdout
// and nothing else), and a file that is not an image (exit 2 with the reason). The pictures are
// made from the face-api package's sample photos into a temporary folder removed afterwards.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { loadOpenCv, rgbToMat } from '../../../../drivers/face/opencv-image.js';
import { peopleFrom, type Person } from '../../../helpers/face-images.js';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', fromRoot('daemon/cli/main.ts'), 'face', ...args], { cwd: fromRoot(), timeout: 100_000 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));

const dir = mkdtempSync(join(tmpdir(), 'oqs-face-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const [alice] = await peopleFrom(2, 1) as [Person];
const cv = await loadOpenCv();
writeFileSync(join(dir, 'card.jp2'), alice.card);
writeFileSync(join(dir, 'still.jpg'), cv.imencode('.jpg', rgbToMat(cv, alice.frame)));
writeFileSync(join(dir, 'notes.txt'), 'not a picture');

t.test('card JPEG 2000 against a camera still: match, as JSON', async (t) => {
  const { code, stdout } = await cli('compare', join(dir, 'card.jp2'), join(dir, 'still.jpg'), '--json', '--threshold', '0.47');
  t.equal(code, 0);
  const result = JSON.parse(stdout) as { decision: string; similarity: number; faces: number[]; threshold: number };
  t.equal(result.decision, 'match');
  t.equal(result.threshold, 0.47);
  t.same(result.faces, [1, 1]);
  t.ok(result.similarity > 0.6, `similarity ${result.similarity}`);
});

t.test('a file that is not a picture: exit 2 and the reason', async (t) => {
  const { code, stderr } = await cli('compare', join(dir, 'notes.txt'), join(dir, 'still.jpg'));
  t.equal(code, 2);
  t.match(stderr, /FACE_TIMEOUT: The image is not JPEG, PNG or JPEG 2000/);
});
