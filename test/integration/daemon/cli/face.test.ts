// `oqsgw face compare`: a card-like JPEG 2000 against a JPEG camera still (match, JSON on stdout
// and nothing else), and a file that is not an image (exit 2 with the reason). The pictures are
// made from the face-api package's sample photos into a temporary folder removed afterwards.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { loadOpenCv, rgbToMat } from '../../../../drivers/face/opencv-image.js';
import { peopleFrom, type Person } from '../../../helpers/face-images.js';
import { MODEL_THRESHOLDS } from '../../../../drivers/face/model-thresholds.js';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', fromRoot('daemon/cli/main.ts'), 'face', ...args], { cwd: fromRoot(), timeout: 100_000 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));

const dir = mkdtempSync(join(tmpdir(), 'oqs-face-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const [alice] = await peopleFrom(3, 1) as [Person];
const [bob] = await peopleFrom(5, 1) as [Person];
const cv = await loadOpenCv();
writeFileSync(join(dir, 'card.jp2'), alice.card);
const still = rgbToMat(cv, alice.frame);
writeFileSync(join(dir, 'still.jpg'), cv.imencode('.jpg', still));
// The face filling a tight 150x150 picture (a close camera, a cropped chip photo): the middle of
// the still, where the face is, cut to about the face's own size.
const cut = Math.round(still.cols * 0.5);
const tight = still.getRegion(new cv.Rect(Math.round((still.cols - cut) / 2), Math.round((still.rows - cut) / 2), cut, cut)).resize(150, 150, 0, 0, cv.INTER_AREA);
writeFileSync(join(dir, 'tight.png'), cv.imencode('.png', tight));
// The face small in the middle of a 640x480 frame (patient standing back): the still shrunk to
// 200 px and centred on a grey background.
const small = still.resize(200, 200, 0, 0, cv.INTER_AREA).copyMakeBorder(140, 140, 220, 220, cv.BORDER_CONSTANT, new cv.Vec3(128, 128, 128));
writeFileSync(join(dir, 'small.jpg'), cv.imencode('.jpg', small));
writeFileSync(join(dir, 'bob.jpg'), cv.imencode('.jpg', rgbToMat(cv, bob.frame)));
writeFileSync(join(dir, 'notes.txt'), 'not a picture');

t.test('card JPEG 2000 against a camera still: match, as JSON', async (t) => {
  const { code, stdout } = await cli('compare', join(dir, 'card.jp2'), join(dir, 'still.jpg'), '--json', '--threshold', '0.47');
  t.equal(code, 0);
  const result = JSON.parse(stdout) as Compared;
  t.equal(result.decision, 'match');
  t.equal(result.threshold, 0.47);
  t.same(result.faces, [1, 1]);
  t.ok(result.similarity > 0.55, `similarity ${result.similarity}`);
});

interface Compared { decision: string; similarity: number; faces: number[]; threshold: number; model: string }

t.test('framing does not matter: the card against a tight 150x150 crop and against a face small in a 640x480 frame', async (t) => {
  for (const live of ['tight.png', 'small.jpg']) {
    const { code, stdout } = await cli('compare', join(dir, 'card.jp2'), join(dir, live), '--json');
    const result = JSON.parse(stdout) as Compared;
    t.same(result.faces, [1, 1], `${live}: one face found on each side`);
    // No --threshold: the model's measured threshold decides, as in the live driver.
    t.equal(result.model, 'fused');
    t.equal(result.threshold, MODEL_THRESHOLDS.fused);
    t.equal(result.decision, 'match', `${live}: similarity ${result.similarity}`);
    t.equal(code, 0);
  }
  const { code, stdout } = await cli('compare', join(dir, 'card.jp2'), join(dir, 'bob.jpg'), '--json');
  const other = JSON.parse(stdout) as Compared;
  t.equal(other.decision, 'mismatch', `someone else: similarity ${other.similarity}`);
  t.equal(code, 1);
});

t.test('calibrate on any folder with pairs.csv: a top-level production object with rates as fractions', async (t) => {
  // Four people, two pictures each (the still and its mirror image), in a folder of our own.
  const set = join(dir, 'set');
  mkdirSync(set);
  const people = [alice, bob, ...(await peopleFrom(3, 3)).slice(1)];
  t.ok(people.length >= 3, `${people.length} people`);
  const rows = ['file_x,file_y,Decision'];
  people.forEach((p, i) => {
    const mat = rgbToMat(cv, p.frame);
    writeFileSync(join(set, `p${i}_1.jpg`), cv.imencode('.jpg', mat));
    writeFileSync(join(set, `p${i}_2.jpg`), cv.imencode('.jpg', mat.flip(1)));
    rows.push(`p${i}_1.jpg,p${i}_2.jpg,Yes`);
    if (i > 0) rows.push(`p${i}_1.jpg,p${i - 1}_2.jpg,No`);
  });
  writeFileSync(join(set, 'pairs.csv'), rows.join('\n') + '\n');
  const { code, stdout } = await cli('calibrate', '--data', set, '--json');
  t.equal(code, 0);
  const report = JSON.parse(stdout) as { model: string; production: Record<string, number>; forms: Array<{ form: string; pairSource: string }> };
  const n = people.length * 2;
  t.equal(report.model, 'fused');
  t.same(Object.keys(report.production).slice(0, 5), ['threshold', 'far', 'frr', 'noFace', 'pairs']);
  t.equal(report.production.threshold, MODEL_THRESHOLDS.fused);
  t.equal(report.production.pairs, n * (n - 1), 'all-vs-all ordered pairs');
  t.equal(report.production.genuine, people.length * 2, 'same person: linked by the Yes pairs');
  for (const key of ['far', 'frr', 'noFace'] as const) t.ok(report.production[key]! >= 0 && report.production[key]! <= 1, `${key} is a fraction`);
  t.same(report.forms.map((f) => `${f.form}/${f.pairSource}`), ['production/all-vs-all', 'production/pairs.csv', 'tight/all-vs-all', 'tight/pairs.csv']);
});

t.test('a file that is not a picture: exit 2 and the reason', async (t) => {
  const { code, stderr } = await cli('compare', join(dir, 'notes.txt'), join(dir, 'still.jpg'));
  t.equal(code, 2);
  t.match(stderr, /FACE_TIMEOUT: The image is not JPEG, PNG or JPEG 2000/);
});
