// The card-front reader end to end on synthetic fronts (drivers/card/sim/front-generator.ts,
// seeds kept here): the key read equals the generator's truth, nothing is handed out without two
// agreeing frames, a picture with no card names why, and a key the card refused is never handed
// out again for that card. Needs OpenCV, libtesseract5 and tesseract-ocr-jpn, fonts-noto-cjk.
import t from 'tap';
import { CardFrontReader } from '../../../../drivers/card/front/front-reader.js';
import { createFrontOcr } from '../../../../drivers/card/front/front-ocr.js';
import { ImagesFrontSource } from '../../../../drivers/card/front/front-sources.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { generateFrontFrames } from '../../../../drivers/card/sim/front-generator.js';

const today = () => new Date('2026-11-29T00:00:00Z');
const MILD = { angle: 6, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } as const;

// Seed 21: a 昭和 holder; mild damage so that the test is about the rules, not about OCR luck
// (the bench measures accuracy under full damage).
const SEED = 21;

t.test('reads the generated key, only after two frames agree', async (t) => {
  const cv = await loadFrontOpenCv();
  const reader = new CardFrontReader(cv, createFrontOcr(cv));
  t.teardown(() => reader.close());
  for (const seed of [SEED]) {
    const front = generateFrontFrames(cv, seed, 3, { damage: MILD });
    const fresh = async (): Promise<ImagesFrontSource> => {
      const source = new ImagesFrontSource(front.shots.map((s) => s.jpeg));
      await source.open();
      return source;
    };
    const result = await reader.readKey(await fresh(), { timeLimitMs: 60_000, maxFrames: 3, now: today, cardId: 'card-a' });
    t.ok(result.ok, `seed ${seed}: a key`);
    if (!result.ok) continue;
    t.equal(result.key.bytes().toString('ascii'), front.key, `seed ${seed}: the key printed on the front`);
    t.ok(result.frames >= 2, 'at least two frames were read');
    t.equal(String(result.key), '[照合番号B]', 'the key never prints itself');
    // The card refuses it (say the front was tampered with): never handed out again for that card.
    reader.refused('card-a', result.key);
    const again = await reader.readKey(await fresh(), { timeLimitMs: 60_000, maxFrames: 3, now: today, cardId: 'card-a' });
    t.match(again, { ok: false, why: 'FRONT_KEY_REFUSED_BEFORE' }, 'a refused key is not tried again');
    const otherCard = await reader.readKey(await fresh(), { timeLimitMs: 60_000, maxFrames: 3, now: today, cardId: 'card-b' });
    t.ok(otherCard.ok, 'the memory is per card');
  }
});

t.test('one frame is never enough', async (t) => {
  const cv = await loadFrontOpenCv();
  const reader = new CardFrontReader(cv, createFrontOcr(cv));
  t.teardown(() => reader.close());
  const front = generateFrontFrames(cv, SEED, 1, { damage: MILD });
  const single = await reader.readFrame(cv.imdecode(front.shots[0]!.jpeg), today());
  t.equal(single.key?.bytes().toString('ascii'), front.key, 'the frame itself reads right');
  const source = new ImagesFrontSource([front.shots[0]!.jpeg]);
  await source.open();
  t.match(await reader.readKey(source, { timeLimitMs: 60_000, maxFrames: 1, now: today }), { ok: false, why: 'FRONT_UNREADABLE', frames: 1 });
});

t.test('no card in the picture, or the card cut off, is named', async (t) => {
  const cv = await loadFrontOpenCv();
  const reader = new CardFrontReader(cv, createFrontOcr(cv));
  t.teardown(() => reader.close());
  const empty = cv.imencode('.png', new cv.Mat(720, 1280, cv.CV_8UC3, [60, 60, 60]));
  const source = new ImagesFrontSource([empty]);
  await source.open();
  const guidance: string[] = [];
  const r = await reader.readKey(source, { timeLimitMs: 60_000, maxFrames: 2, now: today, onGuidance: (g) => guidance.push(g) });
  t.match(r, { ok: false, why: 'FRONT_NOT_FOUND', lastFrame: 'NO_CARD' });
  t.same(guidance, ['place-flat', 'place-flat'], 'the panel is asked to show "place the card flat"');
  const cut = generateFrontFrames(cv, 9, 1, { damage: { ...MILD, offFrame: true } });
  t.equal(cut.shots[0]!.fullyInView, false);
  // Part of the card is outside the picture: either it is refused as cut off, or (when the
  // fields are all inside) what it reads is the printed key, never another one.
  const reading = await reader.readFrame(cv.imdecode(cut.shots[0]!.jpeg), today());
  if (reading.key) t.equal(reading.key.bytes().toString('ascii'), cut.key);
  else t.match(reading.why, /CARD_CUT_OFF|NO_CARD|_NOT_READ|INVALID|BIRTHDAY|RANGE/);
});

t.test('a source with no pictures or a bad picture fails with CAMERA_DOWN', async (t) => {
  await t.rejects(new ImagesFrontSource([]).open(), { code: 'CAMERA_DOWN' });
  const bad = new ImagesFrontSource([Buffer.from('not an image')]);
  await bad.open();
  await t.rejects(bad.read(), { code: 'CAMERA_DOWN' });
});
