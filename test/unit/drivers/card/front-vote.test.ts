// The vote between frames, from the situation of seed 291 of the generator (drivers/card/README.md,
// "Card front"): the key printed is 平成11年3月16日 / 2032 / 7054, and Tesseract read the era year
// as "1" on some frames (the second 1 dropped) and right on others. Before this vote, two frames
// at two sizes reading 平成1年 handed out 01031620327054, a WRONG key that passes every check of
// one frame and burns a try on a real card. The OCR here is scripted with the texts Tesseract gave
// on that front (frame by frame, at the size the reader used), so the test is about the rules;
// the pictures are real generated fronts, so the card is found and cut as in the daemon.
import t from 'tap';
import { frontEvidence, parseFront } from '../../../../drivers/card/front/front-fields.js';
import type { FrontOcr, OcrLine } from '../../../../drivers/card/front/front-ocr.js';
import { CardFrontReader } from '../../../../drivers/card/front/front-reader.js';
import { ImagesFrontSource } from '../../../../drivers/card/front/front-sources.js';
import { FrontVote, keyParts } from '../../../../drivers/card/front/front-vote.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { generateFrontFrames } from '../../../../drivers/card/sim/front-generator.js';

const today = () => new Date('2026-11-29T00:00:00Z');
const MILD = { angle: 4, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } as const;

type Lines = readonly [birth: string, expiry: string, code: string];

/** An OCR that answers the scripted lines, one frame after the other. */
function scriptedOcr(frames: readonly Lines[]): FrontOcr & { calls: number } {
  const ocr = {
    calls: 0,
    async readLines(): Promise<OcrLine[]> {
      const lines = frames[ocr.calls++ % frames.length] as Lines;
      return lines.map((text) => ({ text, confidence: 80 }));
    },
    async close() {},
  };
  return ocr;
}

// Seed 291, frames 0..5 as the reader read them (sizes 1.5×, 2×, 1.5×, ...).
const SEED_291: readonly Lines[] = [
  ['平成11年3月16日生', '2032年3月16日まで有効', '7054'], // right
  ['平成11年3月16日生', '2032年3月16まで有効', '7054'], // expiry not read
  ['平成年3月16日生', '2032年3月16日まで有効', '7054'], // birth not read
  ['平成1年3月16日生', '2032年3月6日まで有効', '7054'], // the 1 dropped, and a 1 of the expiry
  ['平成1年3月16日生', '2032年3月16日まで和有和', '7054'], // the 1 dropped: 01031620327054
  ['平成1年3月16日生', '2032年3月16日まで有効', '7054'], // the same at the other size
];

async function readWith(frames: readonly Lines[]): Promise<Awaited<ReturnType<CardFrontReader['readKey']>> & { ocrCalls: number }> {
  const cv = await loadFrontOpenCv();
  const front = generateFrontFrames(cv, 21, 1, { damage: MILD });
  const ocr = scriptedOcr(frames);
  // One recorded text per frame: no second look at a frame (front-reader.ts), so frame N is script N.
  const reader = new CardFrontReader(cv, ocr, { secondLook: false });
  const source = new ImagesFrontSource(frames.map(() => front.shots[0]!.jpeg));
  await source.open();
  try {
    const result = await reader.readKey(source, { timeLimitMs: 120_000, maxFrames: frames.length, now: today });
    return { ...result, ocrCalls: ocr.calls };
  } finally {
    await source.close();
    await reader.close();
  }
}

const keyOf = (r: { ok: boolean; key?: { bytes(): Buffer } }): string | null => (r.ok && r.key ? r.key.bytes().toString('ascii') : null);

t.test('seed 291: the key read with 1 for 11 is never handed out (it was: 01031620327054)', async (t) => {
  // As recorded: frame 1's expiry lost its 日 before まで, which the parser now forgives, so the
  // right key comes out at frame 2.
  const r = await readWith(SEED_291);
  t.equal(keyOf(r), '11031620327054');
  t.equal(r.frames, 2);
  // Without frame 1 the right key never gets its second size; the reader as it was handed out
  // 01031620327054 (frames 4 and 5 here, at 2x and 1.5x).
  const without = await readWith([SEED_291[0]!, ...SEED_291.slice(2)]);
  t.equal(keyOf(without), null, 'no key is handed out');
  t.match(without, { ok: false, why: 'FRONT_UNREADABLE', lastFrame: 'FRAMES_DISAGREE' });
});

t.test('a first year read as the digit 1 never makes a key (the card prints 元年)', async (t) => {
  // Nobody reads the doubled digit: every frame says 平成1年, at both sizes.
  const r = await readWith([SEED_291[5]!, SEED_291[5]!, SEED_291[5]!, SEED_291[5]!]);
  t.equal(keyOf(r), null);
  t.match(r, { ok: false, why: 'FRONT_UNREADABLE', lastFrame: 'BIRTH_YEAR_DOUBTFUL' });
  // The same front with 元年 printed and read is a key.
  const gannen = await readWith([['平成元年3月16日生', '2032年3月16日まで有効', '7054'], ['平成元年3月16日生', '2032年3月16日まで有効', '7054']]);
  t.equal(keyOf(gannen), '01031620327054');
});

const RIGHT: Lines = ['昭和22年8月9日生', '2031年8月9日まで有効', '1234'];
const DROPPED: Lines = ['昭和2年8月9日生', '2031年8月9日まで有効', '1234'];

t.test('a year that lost a digit is blocked by any frame that read the digit (22 -> 2)', async (t) => {
  // Three frames at both sizes read 昭和2年, one read 昭和22年: the count would favour the wrong key.
  const r = await readWith([RIGHT, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED]);
  t.equal(keyOf(r), null);
  t.match(r, { ok: false, lastFrame: 'FRAMES_DISAGREE' });
  // A frame with no whole key that read the two digits blocks it too (its code is unread).
  const partial = await readWith([['昭和22年8月9日生', '2031年8月9日まで有効', '12'], DROPPED, DROPPED, DROPPED]);
  t.equal(keyOf(partial), null);
  // The other way round, the right key wins once it outnumbers the dropped reading by two.
  const won = await readWith([DROPPED, RIGHT, RIGHT, RIGHT]);
  t.equal(keyOf(won), '22080920311234');
  t.equal(won.frames, 4, 'not at frame 3: two against one is not enough');
});

t.test('a month or day that lost a digit on both lines is blocked the same way (11月 -> 1月)', async (t) => {
  // Seeds 429, 465 and 470 of the generator read 7月11日 as 7月1日, 3月22日 as 3月2日, 11月24日 as
  // 1月24日 on BOTH lines of a frame: a whole key that passes the birthday check.
  const right: Lines = ['令和5年11月24日生', '2029年11月24日まで有効', '1771'];
  const dropped: Lines = ['令和5年1月24日生', '2029年1月24日まで有効', '1771'];
  const r = await readWith([right, dropped, dropped, dropped, dropped]);
  t.equal(keyOf(r), null, 'four against one, at both sizes: still no key');
  t.match(r, { ok: false, lastFrame: 'FRAMES_DISAGREE' });
  // A month read as 1 is fine when no frame read it with two digits (令和5: a one-digit year, so
  // three frames, rule 4).
  t.equal(keyOf(await readWith([dropped, dropped, dropped])), '05012420291771');
});

t.test('seed 116: a month no calendar has is no evidence of a lost digit', async (t) => {
  // Seed 116 of the 500 (令和7年5月23日 / 2031 / 1925), frame by frame as the reader read it:
  // frame 2 lost the 年, so "75月23日" read as a month 75, which blocked the key's month 5 as "a
  // digit lost" (rule 2) for the whole read although three frames at both sizes read the key.
  const key: Lines = ['令和7年5月23日生', '2031年5月23日まで有効', '1925'];
  const frames: Lines[] = [['', '20', ''], key, ['令和75月23日生', '2031年5月23日まで有効', '1925'], key, key, key];
  const r = await readWith(frames);
  t.equal(keyOf(r), '07052320311925');
  t.equal(r.frames, 5, 'frames 1, 3 and 4 read 令和7 (rule 4) at both sizes');
  // A month that a calendar has still counts: 15月 is none, 12月 is one (12 holds the 2 of 2月).
  const now = today();
  t.same(Object.fromEntries(frontEvidence('令和75月23日生', '', '', now)), {});
  t.same(Object.fromEntries(frontEvidence('令和7年12月23日生', '', '', now)), { eraYear: '令和7', birthDay: '12-23' });
  const blocked = await readWith([['令和7年2月23日生', '2031年2月23日まで有効', '1925'], ['令和7年12月23日生', '', ''], ['令和7年2月23日生', '2031年2月23日まで有効', '1925']]);
  t.equal(keyOf(blocked), null, '12月 on one frame still blocks 2月');
});

t.test('seed 208: a one-digit era year needs three frames (昭和47年 read 昭和7年 at both sizes first)', async (t) => {
  // The OCR text of seed 208, frame by frame as the reader read it (1.5x, 2x, ...): the first two
  // frames lost the 4 at both sizes, before any frame read 47; the reader before this rule handed
  // out 07082620363888 at frame 2.
  const frames: Lines[] = [
    ['昭和7年8月26日生', '2036年8月26日まで有効', '3888'],
    ['昭和7年8月26生', '2036年8月26まで有効2', '3888'],
    ['昭和47年8月26日生', '2036年8月26日まで有効', '3888'],
    ['昭和47年8月26日生', '2036年8月26日まで有効', '3888'],
    ['昭和47年月26日生', '2036和5月26日まで有効', '3888'],
    ['昭和47年8月26日生', '2036年8月26日まで有効', '3888'],
  ];
  const r = await readWith(frames.slice(0, 5));
  t.not(keyOf(r), '07082620363888', 'the wrong key is never handed out');
  t.equal(keyOf(r), null, 'and the right one, two frames against two, not yet');
  // Rule 5: the only other whole key is this one with the 4 lost, so three against two is enough
  // (the era year: 47 on four frames, 7 on two, outnumbered by two as before).
  const all = await readWith(frames);
  t.equal(keyOf(all), '47082620363888');
  t.equal(all.frames, 6);
  // A one-digit year read the same on three frames (whole keys or not) is a key.
  const three: Lines[] = [frames[0]!, frames[1]!, ['昭和7年8月2日生', '', '']];
  t.equal(keyOf(await readWith(three)), '07082620363888', 'for a card that says 昭和7年');
});

t.test('seed 465: a key whose only rival lost a digit needs only to outnumber it (rule 5)', async (t) => {
  // Seed 465 of the 500 (大正5年3月22日 / 2031 / 6854), frame by frame as the reader read it:
  // frame 1 read 3月2日 on both lines, a whole key that passes every check of one frame (rule 2
  // never hands it out); frames 4 and 5 read the key at the two sizes. Before rule 5 two against
  // one was not enough and the front had no key.
  const right: Lines = ['大正5年3月22日生', '2031年3月22日まで有効', '6854'];
  const lost: Lines = ['大正5年3月2日生', '2031年3月2日まで有効', '6854'];
  const frames: Lines[] = [
    ['大正5年3月2日生', '2031年3月22日まで有効', '6854'],
    lost,
    ['大正5年3月22日生', '2031年3月2日まで有効', '6854'],
    ['大正5年3月2日生', '2031年3月22日まで有効', '6854'],
    right,
    right,
  ];
  const r = await readWith(frames);
  t.equal(keyOf(r), '05032220316854');
  t.equal(r.frames, 6);
  // A tie is not enough: two frames each (the right key at both sizes, the lost digit too).
  t.equal(keyOf(await readWith([right, lost, lost, right])), null);
  // Nor is a rival that differs otherwise (another code): two against one waits, as before.
  const otherCode: Lines = ['大正5年3月2日生', '2031年3月2日まで有効', '6851'];
  t.equal(keyOf(await readWith([otherCode, right, right])), null);
  t.equal(keyOf(await readWith([lost, right, right])), '05032220316854', 'where the rival only lost a digit, it is a key');
  // The other way round, a digit one too many is never "explained": 3月2日 read on two frames at
  // two sizes against 3月22日 on one is held (rule 2 blocks it whatever the count).
  t.equal(keyOf(await readWith([right, lost, lost, lost])), null);
});

t.test('any other disagreement must be outnumbered by two frames', async (t) => {
  const code: Lines = ['昭和22年8月9日生', '2031年8月9日まで有効', '1284'];
  // 1284 at 1.5x, then 1234 at 2x and 1.5x: two sizes agree, but two against one is not enough.
  const three = await readWith([code, RIGHT, RIGHT]);
  t.equal(keyOf(three), null);
  t.match(three, { ok: false, lastFrame: 'FRAMES_DISAGREE' });
  const four = await readWith([code, RIGHT, RIGHT, RIGHT]);
  t.equal(keyOf(four), '22080920311234');
  // Without any disagreement two frames at two sizes are enough.
  t.equal(keyOf(await readWith([RIGHT, RIGHT])), '22080920311234');
  // Unread or broken parts are no evidence: 昭和年, 8月日, a code of 3 digits; nor is a year the
  // era never had or an expiry year no card can have.
  const broken: Lines = ['昭和年8月日生', '2031年8月9日まで', '123'];
  const impossible: Lines = ['昭和92年8月9日生', '2081年8月9日まで有効', '123'];
  const r = await readWith([RIGHT, broken, impossible, RIGHT]);
  t.equal(keyOf(r), '22080920311234');
  t.equal(r.frames, 4, 'frames 1 and 4 were read at the two sizes');
  // One size twice is not enough, whatever it reads.
  t.equal(keyOf(await readWith([RIGHT])), null);
});

t.test('evidence and key parts are written alike', async (t) => {
  const now = today();
  const fields = parseFront('平成元年3月16日生', '2032年3月16日まで有効', '7054');
  t.same([...keyParts(fields)], [...frontEvidence('平成元年3月16日生', '2032年3月16日まで有効', '7054', now)]);
  t.same(Object.fromEntries(frontEvidence('平成 1年 3月16日生 女', '2032年 3月 6日まで有効', '7O54', now)), { eraYear: '平成1', birthDay: '3-16', expiryYear: '2032', expiryDay: '3-6' });
  t.same(Object.fromEntries(frontEvidence('平成32年3月16日生', '2019年3月16日まで有効', '', now)), { birthDay: '3-16', expiryDay: '3-16' }, '平成 ended in its 31st year; no card expired in 2019');
  const vote = new FrontVote();
  vote.evidence(frontEvidence('平成11年', '', '', now));
  t.equal(vote.disagreed(), false);
  vote.evidence(frontEvidence('平成元年', '', '', now));
  t.equal(vote.disagreed(), true, '11 and 元 disagree');
});
