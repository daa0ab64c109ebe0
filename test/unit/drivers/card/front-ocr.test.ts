// The card front's OCR in this process (drivers/card/front/front-ocr.ts over Debian's libtesseract5,
// tesseract-lib.ts): a generated front's fields read right, one call at a time on the handle, the
// model freed on close, and clear errors for a missing model, a broken model and a missing
// library. That nothing reaches the disk is front-no-trace.test.ts (the whole reader, in a child
// with its own cwd, HOME and TMPDIR). Needs OpenCV, libtesseract5, tesseract-ocr-jpn, fonts-noto-cjk.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cutField, FIELD_SCALES, findCard } from '../../../../drivers/card/front/card-finder.js';
import { parseFront } from '../../../../drivers/card/front/front-fields.js';
import { FRONT_REGIONS } from '../../../../drivers/card/front/front-layout.js';
import { createFrontOcr } from '../../../../drivers/card/front/front-ocr.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { loadTesseractLib, openMpThreadLimit, type TesseractLib } from '../../../../drivers/card/front/tesseract-lib.js';
import { generateFrontFrames } from '../../../../drivers/card/sim/front-generator.js';

const MILD = { angle: 6, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } as const;
// Seed 21 (a 昭和 holder), as in front-reader.test.ts: mild damage, so the test is about the OCR
// plumbing, not OCR luck.
const SEED = 21;

/** The real library, with the calls on the handle counted and overlap between them detected. */
function watched(): { tess: TesseractLib; ends: number; deletes: number; recognitions: number; overlapped: boolean } {
  const real = loadTesseractLib();
  let busy = false;
  const seen = { ends: 0, deletes: 0, recognitions: 0, overlapped: false };
  const tess: TesseractLib = {
    ...real,
    async recognize(h) {
      if (busy) seen.overlapped = true;
      busy = true;
      try {
        seen.recognitions++;
        return await real.recognize(h);
      } finally {
        busy = false;
      }
    },
    end(h) {
      seen.ends++;
      real.end(h);
    },
    destroy(h) {
      seen.deletes++;
      real.destroy(h);
    },
  };
  return Object.assign(seen, { tess });
}

async function frontLines(scale: number) {
  const cv = await loadFrontOpenCv();
  const front = generateFrontFrames(cv, SEED, 1, { damage: MILD });
  const found = findCard(cv, cv.imdecode(front.shots[0]!.jpeg));
  if (!found.found) throw new Error(`seed ${SEED}: no card found`);
  const lines = (['birth', 'expiry', 'code'] as const).map((line) => cutField(cv, found.card, FRONT_REGIONS[line], scale));
  return { cv, front, lines };
}

t.test('reads a generated front in this process, calls serialised, model freed on close', async (t) => {
  const { cv, front, lines } = await frontLines(FIELD_SCALES[0] ?? 1.5);
  const w = watched();
  const ocr = createFrontOcr(cv, undefined, w.tess);
  t.teardown(() => ocr.close());
  // Three frames asked at once, as a caller that does not wait could: the handle sees one at a time.
  const answers = await Promise.all([ocr.readLines(lines), ocr.readLines(lines), ocr.readLines(lines)]);
  t.equal(w.recognitions, 3);
  t.equal(w.overlapped, false, 'no recognition started while another ran on the same handle');
  for (const [i, read] of answers.entries()) {
    t.equal(read.length, 3, `frame ${i}: one answer per line`);
    const fields = parseFront(read[0]!.text, read[1]!.text, read[2]!.text);
    t.equal(fields.code, front.spec.code, `frame ${i}: the security code printed on the front`);
    t.ok(read.every((l) => l.confidence > 0 && l.confidence <= 100), `frame ${i}: a confidence per line`);
  }
  t.same(answers[1], answers[0], 'the same picture reads the same each time (no state left from the frame before)');
  t.equal(w.ends + w.deletes, 0, 'the model stays loaded between frames');
  await ocr.close();
  t.equal(w.ends, 1, 'close() ends the engine (frees the model)');
  t.equal(w.deletes, 1, 'and deletes the handle');
  await ocr.close();
  t.equal(w.deletes, 1, 'a second close() frees nothing twice');
  await t.rejects(ocr.readLines(lines), { code: 'CAMERA_DOWN' }, 'a closed OCR refuses to read');
});

t.test('a frame being read when the OCR is closed finishes first, then the model is freed', async (t) => {
  const { cv, lines } = await frontLines(FIELD_SCALES[1] ?? 2);
  const w = watched();
  const ocr = createFrontOcr(cv, undefined, w.tess);
  const reading = ocr.readLines(lines);
  const closing = ocr.close();
  const read = await reading;
  await closing;
  t.equal(read.length, 3, 'the frame was read');
  t.equal(w.deletes, 1, 'the handle was freed after it');
});

t.test('never closed before the first frame: nothing was loaded, nothing to free', async (t) => {
  const cv = await loadFrontOpenCv();
  const w = watched();
  await createFrontOcr(cv, undefined, w.tess).close();
  t.equal(w.ends + w.deletes, 0);
});

t.test('OpenMP is held to one thread in a process that loaded OpenCV (vocabulary/opencv-loader.ts)', async (t) => {
  await loadFrontOpenCv();
  t.equal(openMpThreadLimit(), 1);
});

t.test('clear errors: no model, a broken model, no library', async (t) => {
  const cv = await loadFrontOpenCv();
  const dir = mkdtempSync(join(tmpdir(), 'oqs-tessdata-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => createFrontOcr(cv, dir), { code: 'CAMERA_DOWN', message: /tesseract-ocr-jpn/ }, 'no jpn.traineddata: named at once');
  // Not a model (a truncated download, a full disk): Tesseract's init refuses it on the first frame.
  writeFileSync(join(dir, 'jpn.traineddata'), Buffer.from('not a traineddata file'));
  const w = watched();
  const broken = createFrontOcr(cv, dir, w.tess);
  const { lines } = await frontLines(FIELD_SCALES[0] ?? 1.5);
  await t.rejects(broken.readLines(lines), { code: 'CAMERA_DOWN', message: /Japanese model/ });
  await t.rejects(broken.readLines(lines), { code: 'CAMERA_DOWN' }, 'and on every frame after, without a crash');
  t.equal(w.recognitions, 0, 'nothing recognised with no model');
  await broken.close();
  t.throws(() => loadTesseractLib('libtesseract-not-installed.so.5'), { code: 'CAMERA_DOWN', message: /libtesseract5/ });
});
