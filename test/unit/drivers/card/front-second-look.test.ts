// The reader's second look (drivers/card/front/front-reader.ts): a frame whose card was seen but
// gave no whole key is read again at the other size. The frame must still vote once, at the size
// of the look that gave the key, and what the other look saw must still block a key that lost a
// digit (front-vote.ts rule 2). The OCR is scripted, one answer per OCR call, so the test is about
// the rules; the pictures are real generated fronts, so the card is found and cut as in the daemon.
import t from 'tap';
import type { FrontOcr, OcrLine } from '../../../../drivers/card/front/front-ocr.js';
import { CardFrontReader } from '../../../../drivers/card/front/front-reader.js';
import { ImagesFrontSource } from '../../../../drivers/card/front/front-sources.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { generateFrontFrames } from '../../../../drivers/card/sim/front-generator.js';

const today = () => new Date('2026-11-29T00:00:00Z');
const MILD = { angle: 4, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } as const;

type Lines = readonly [birth: string, expiry: string, code: string];

/** Answers the scripted lines one OCR call after the other. */
function scriptedOcr(calls: readonly Lines[]): FrontOcr & { calls: number } {
  const ocr = {
    calls: 0,
    async readLines(): Promise<OcrLine[]> {
      const lines = calls[ocr.calls++] ?? (['', '', ''] as const);
      return lines.map((text) => ({ text, confidence: 80 }));
    },
    async close() {},
  };
  return ocr;
}

async function readWith(calls: readonly Lines[], frames: number) {
  const cv = await loadFrontOpenCv();
  const front = generateFrontFrames(cv, 21, 1, { damage: MILD });
  const ocr = scriptedOcr(calls);
  const reader = new CardFrontReader(cv, ocr);
  const source = new ImagesFrontSource(Array.from({ length: frames }, () => front.shots[0]!.jpeg));
  await source.open();
  try {
    const result = await reader.readKey(source, { timeLimitMs: 120_000, maxFrames: frames, now: today });
    return { result, ocrCalls: ocr.calls };
  } finally {
    await source.close();
    await reader.close();
  }
}

const KEY: Lines = ['平成11年3月16日生', '2032年3月16日まで有効', '7054'];
const keyOf = (r: { ok: boolean; key?: { bytes(): Buffer } }): string | null => (r.ok && r.key ? r.key.bytes().toString('ascii') : null);

t.test('a frame read twice votes once, at the size of the look that gave the key', async (t) => {
  // Frame 0 at 1.5x: the era year not read; its second look (2x) reads the key. Frame 1 (2x): the
  // key again, but 2x twice is one size. Frame 2 (1.5x): the second size, from another frame.
  const { result, ocrCalls } = await readWith([['平成年3月16日生', '2032年3月16日まで有効', '7054'], KEY, KEY, KEY], 3);
  t.equal(keyOf(result), '11031620327054');
  t.equal(result.frames, 3, 'not at frame 1: frames 0 and 1 both read the key at 2x');
  t.equal(ocrCalls, 4, 'frame 0 read twice, frames 1 and 2 once (they gave a key at once)');
});

t.test('no second look when the first gives a key, nor when no card was seen', async (t) => {
  const { result, ocrCalls } = await readWith([KEY, KEY], 2);
  t.equal(keyOf(result), '11031620327054');
  t.equal(ocrCalls, 2);
  const cv = await loadFrontOpenCv();
  const ocr = scriptedOcr([KEY]);
  const reader = new CardFrontReader(cv, ocr);
  const grey = cv.imencode('.jpg', new cv.Mat(1080, 1920, cv.CV_8UC3).setTo(new cv.Vec3(128, 128, 128)));
  const source = new ImagesFrontSource([grey]);
  await source.open();
  t.match(await reader.readKey(source, { timeLimitMs: 60_000, maxFrames: 1, now: today }), { ok: false, why: 'FRONT_NOT_FOUND' });
  t.equal(ocr.calls, 0, 'no card, no OCR');
  await reader.close();
});

t.test("what a frame's other look saw still blocks a key that lost a digit (22 -> 2)", async (t) => {
  // Frame 0: its first look (1.5x) reads 平成22年 but not the expiry day; its second look (2x)
  // reads a whole key with 平成2年 (the doubled digit merged). Frames 1-3 read 平成2年 too, at both
  // sizes and 4 frames in all: without frame 0's first look, that key would be handed out.
  const two: Lines = ['平成2年3月16日生', '2032年3月16日まで有効', '7054'];
  const { result, ocrCalls } = await readWith([['平成22年3月16日生', '2032年3月まで有効', '7054'], two, two, two, two], 4);
  t.equal(keyOf(result), null, 'no key: 平成22 was seen on frame 0');
  t.equal(ocrCalls, 5);
  const control = await readWith([['平成年3月16日生', '2032年3月まで有効', '7054'], two, two, two, two], 4);
  t.equal(keyOf(control.result), '02031620327054', 'control: when no look saw 22, the same frames give the key');
});
