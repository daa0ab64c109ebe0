// Synthetic card fronts that nobody real owns, for tests and the bench: made-up names and
// addresses, birth dates in every era from 大正 to 令和, expiry by both rules (10th birthday after
// issue for adults, 5th for minors), a random security code, printed in Debian's Noto CJK fonts
// at the layout of drivers/card/front/front-layout.ts, then photographed with camera-like damage
// (rotation ±15°, perspective, blur, glare, low light, sensor noise, JPEG, a finger on the edge).
// Same seed, same pictures. Images are made in memory; nothing is written anywhere.
import { eraInfo, toEraDate } from '../../../vocabulary/face-key.js';
import { mulberry32 } from '../../../vocabulary/mulberry32.js';
import { CARD_PX, FRONT_PRINT, FRONT_REGIONS, PX_PER_MM } from '../front/front-layout.js';
import { type CvMat, filledMat, type OpenCv } from '../front/opencv.js';
import { drawText, NOTO_SANS_CJK, NOTO_SERIF_CJK, openFont } from './front-glyphs.js';

export type Ymd = readonly [number, number, number];

export interface FrontCardSpec {
  readonly name: string;
  readonly address: string;
  readonly birth: Ymd;
  readonly sex: '男' | '女';
  readonly expiry: Ymd;
  readonly code: string;
  readonly municipality: string;
}

const FAMILY = ['番号', '見本', '試験', '仮名', '架空', '検証', '模擬', '例示'];
const GIVEN = ['花子', '太郎', '一郎', '桜', '健', '陽子', '翔', '結衣', '次郎', '和子'];
const PLACES = ['東京都千代田区霞が関', '大阪府大阪市北区', '北海道札幌市中央区', '福岡県福岡市博多区', '愛知県名古屋市中区', '宮城県仙台市青葉区'];
const MUNICIPALITIES = ['千代田区長', '大阪市長', '札幌市長', '福岡市長', '名古屋市長', '仙台市長'];

const ERA_KANJI = ['大正', '昭和', '平成', '令和'];
const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const serial = (y: number, m: number, d: number): number => y * 10000 + m * 100 + d;
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** The era of a Gregorian date, as printed on the card (era kanji and era year). */
export function eraOf(date: Ymd): { kanji: string; year: number } {
  const era = toEraDate({ year: date[0], month: date[1], day: date[2] });
  if (!era) throw new RangeError('no era for that date');
  return { kanji: eraInfo(era.era).kanji, year: era.eraYear };
}

/** 照合番号B of a spec, computed from the Gregorian truth (the reader works the other way). */
export function frontKeyOf(spec: FrontCardSpec): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(eraOf(spec.birth).year)}${two(spec.birth[1])}${two(spec.birth[2])}${spec.expiry[0]}${spec.code}`;
}

/** A made-up holder: era chosen evenly among 大正, 昭和, 平成, 令和; card issued 2016–2026. */
export function randomFrontSpec(rnd: () => number): FrontCardSpec {
  const spans: readonly [number, number][] = [
    [1912, 1926],
    [1927, 1988],
    [1989, 2018],
    [2019, 2025],
  ];
  const eraIndex = Math.floor(rnd() * spans.length);
  let birth: Ymd = [1980, 1, 1];
  for (let attempt = 0; attempt < 1000; attempt++) {
    const [from, to] = spans[eraIndex] as [number, number];
    const y = from + Math.floor(rnd() * (to - from + 1));
    const m = 1 + Math.floor(rnd() * 12);
    const d = 1 + Math.floor(rnd() * 31);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCMonth() !== m - 1 || eraOf([y, m, d]).kanji !== ERA_KANJI[eraIndex] || serial(y, m, d) > 20251231) continue;
    birth = [y, m, d];
    break;
  }
  const issueYear = Math.max(birth[0] + 1, 2016 + Math.floor(rnd() * 11));
  // Adult age was 20 for applications before April 2022, 18 after (drivers/card/README.md).
  const adult = issueYear - birth[0] >= (issueYear < 2022 ? 20 : 18);
  const expiryYear = issueYear + (adult ? 10 : 5);
  const day = birth[1] === 2 && birth[2] === 29 && !isLeap(expiryYear) ? 28 : birth[2];
  return {
    name: `${pick(rnd, FAMILY)}　${pick(rnd, GIVEN)}`,
    address: `${pick(rnd, PLACES)}${1 + Math.floor(rnd() * 9)}丁目${1 + Math.floor(rnd() * 20)}番${1 + Math.floor(rnd() * 30)}号`,
    birth,
    sex: rnd() < 0.5 ? '男' : '女',
    expiry: [expiryYear, birth[1], day],
    code: String(Math.floor(rnd() * 10000)).padStart(4, '0'),
    municipality: pick(rnd, MUNICIPALITIES),
  };
}

/** The undamaged front, BGR, at the reader's working resolution (CARD_PX). */
export function renderFront(cv: OpenCv, spec: FrontCardSpec, rnd: () => number): CvMat {
  const { width, height } = CARD_PX;
  const mm = (v: number): number => v * PX_PER_MM;
  const jitter = (): number => (rnd() - 0.5) * 0.6 * PX_PER_MM; // municipalities' printers differ a little
  const sans = openFont(NOTO_SANS_CJK.file, NOTO_SANS_CJK.name);
  const body = rnd() < 0.5 ? sans : openFont(NOTO_SERIF_CJK.file, NOTO_SERIF_CJK.name);
  const ink = new Float32Array(width * height);
  const grey = new Float32Array(width * height);
  const text = (mask: Float32Array, font: typeof sans, s: string, at: { x: number; baseline: number; size: number }, dx = 0, dy = 0): void => {
    drawText(mask, width, height, font, s, mm(at.x) + dx, mm(at.baseline) + dy, mm(at.size));
  };
  // Months and days print with or without a leading space (both are seen on cards).
  const num = (n: number): string => (rnd() < 0.5 ? String(n).padStart(2, ' ') : String(n));
  const P = FRONT_PRINT;
  text(grey, sans, '氏名', P.nameLabel);
  text(grey, sans, '住所', P.addressLabel);
  text(ink, body, spec.name, P.name, jitter());
  text(ink, body, spec.address, P.address, jitter());
  const era = eraOf(spec.birth);
  const birthDy = jitter();
  text(ink, body, `${era.kanji}${era.year === 1 ? '元' : num(era.year)}年${num(spec.birth[1])}月${num(spec.birth[2])}日生`, P.birth, jitter(), birthDy);
  text(ink, body, `性別 ${spec.sex}`, P.sex, jitter(), birthDy);
  // Where the expiry line starts varies with the municipality's layout (left or middle).
  text(ink, body, `${spec.expiry[0]}年${num(spec.expiry[1])}月${num(spec.expiry[2])}日まで有効`, P.expiry, mm(rnd() * 12) + jitter(), jitter());
  text(grey, sans, '電子証明書の有効期限の記載欄', P.certLabel);
  text(grey, sans, '臓器提供意思 1 2 3', P.organ);
  text(ink, sans, '個人番号カード', P.title);
  text(grey, sans, spec.municipality, P.mayor);
  text(ink, sans, spec.code, P.code, jitter(), jitter());
  text(grey, sans, Array.from({ length: 16 }, () => Math.floor(rnd() * 10)).join(''), P.serial);
  // Pale tint with guilloche-like curves, then the print on top.
  const tint = [232 + rnd() * 18, 232 + rnd() * 18, 238 + rnd() * 12];
  const freq = 0.02 + rnd() * 0.02;
  const phase = rnd() * 6;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const line = Math.sin(x * freq + Math.sin(y * 0.013 + phase) * 6) > 0.985 ? 25 : 0;
      const a = Math.min(1, ink[i] ?? 0);
      const g = Math.min(1, grey[i] ?? 0);
      for (let c = 0; c < 3; c++) {
        const base = (tint[c] ?? 240) - line * (c === 1 ? 0.5 : 1);
        pixels[i * 3 + c] = (base * (1 - a) + 30 * a) * (1 - g) + 70 * g;
      }
    }
  }
  // copy(): the Mat must own its pixels, not borrow a Buffer the garbage collector may move.
  const card = new cv.Mat(pixels, height, width, cv.CV_8UC3).copy();
  const box = P.certBox;
  card.drawRectangle(new cv.Point2(mm(box.x0), mm(box.y0)), new cv.Point2(mm(box.x1), mm(box.y1)), new cv.Vec3(120, 120, 120), 1);
  // A drawn head and shoulders stands in for the photo (face match uses the chip's photo).
  const ph = P.photo;
  const pw = mm(ph.x1 - ph.x0);
  const phh = mm(ph.y1 - ph.y0);
  const photo = filledMat(cv, phh, pw, cv.CV_8UC3, [200 + rnd() * 40, 200, 190]);
  photo.drawEllipse(new cv.RotatedRect(new cv.Point2(pw / 2, phh + mm(2)), new cv.Size(mm(24), mm(14)), 0), new cv.Vec3(60, 50, 40), -1);
  photo.drawEllipse(new cv.RotatedRect(new cv.Point2(pw / 2, mm(13)), new cv.Size(mm(11), mm(14)), 0), new cv.Vec3(120 + rnd() * 60, 150 + rnd() * 50, 190 + rnd() * 50), -1);
  photo.drawEllipse(new cv.RotatedRect(new cv.Point2(pw / 2, mm(8)), new cv.Size(mm(12), mm(7)), 0), new cv.Vec3(30, 30, 30), -1);
  photo.copyTo(card.getRegion(new cv.Rect(mm(ph.x0), mm(ph.y0), pw, phh)));
  return card;
}

export interface FrontDamage {
  /** Degrees, within ±15. */
  readonly angle: number;
  /** Perspective: corner displacement as a fraction of the card size (0–0.08). */
  readonly perspective: number;
  /** Gaussian blur sigma in pixels (0 = sharp). */
  readonly blur: number;
  readonly glare: boolean;
  /** Brightness factor: below 0.8 is low light. */
  readonly light: number;
  readonly jpegQuality: number;
  /** A finger holding the card on one edge. */
  readonly finger: boolean;
  /** Part of the card outside the picture. */
  readonly offFrame: boolean;
}

export function randomDamage(rnd: () => number): FrontDamage {
  return {
    angle: (rnd() * 2 - 1) * 15,
    perspective: rnd() * 0.08,
    blur: rnd() < 0.5 ? 0 : rnd() * 1.6,
    glare: rnd() < 0.3,
    light: rnd() < 0.25 ? 0.35 + rnd() * 0.4 : 0.85 + rnd() * 0.3,
    jpegQuality: 35 + Math.floor(rnd() * 60),
    finger: rnd() < 0.25,
    offFrame: rnd() < 0.05,
  };
}

export interface FrontShot {
  /** The frame as JPEG bytes (what a camera hands over). */
  readonly jpeg: Buffer;
  /** The whole card is inside the picture and no finger covers a field the key needs. */
  readonly fullyInView: boolean;
}

export const FRAME_SIZE = { width: 1920, height: 1080 } as const;

/** One camera frame of the card with the damage; `rnd` varies position and noise per frame. */
export function shootFront(cv: OpenCv, card: CvMat, damage: FrontDamage, rnd: () => number, size = FRAME_SIZE): FrontShot {
  const { width: FW, height: FH } = size;
  // Scale so that a rotated card stays inside the picture unless offFrame says otherwise.
  const scale = ((0.4 + rnd() * 0.22) * FW) / CARD_PX.width;
  const cw = CARD_PX.width * scale;
  const ch = CARD_PX.height * scale;
  const cx = FW / 2 + (rnd() - 0.5) * FW * 0.09 + (damage.offFrame ? (rnd() < 0.5 ? -1 : 1) * FW * 0.3 : 0);
  const cy = FH / 2 + (rnd() - 0.5) * FH * 0.08;
  const a = (damage.angle * Math.PI) / 180;
  const flip = rnd() < 0.5 ? 1 : -1;
  const corners = [
    [-cw / 2, -ch / 2],
    [cw / 2, -ch / 2],
    [cw / 2, ch / 2],
    [-cw / 2, ch / 2],
  ].map(([x = 0, y = 0], i) => {
    const xx = x * (1 + damage.perspective * flip * (i < 2 ? 1 : -1));
    const px = cx + xx * Math.cos(a) - y * Math.sin(a) + (rnd() - 0.5) * damage.perspective * cw * 0.5;
    const py = cy + xx * Math.sin(a) + y * Math.cos(a) + (rnd() - 0.5) * damage.perspective * ch * 0.5;
    return new cv.Point2(px, py);
  });
  const source = [new cv.Point2(0, 0), new cv.Point2(CARD_PX.width, 0), new cv.Point2(CARD_PX.width, CARD_PX.height), new cv.Point2(0, CARD_PX.height)];
  const transform = cv.getPerspectiveTransform(source, corners);
  const outSize = new cv.Size(FW, FH);
  let frame = filledMat(cv, FH, FW, cv.CV_8UC3, [40 + rnd() * 60, 40 + rnd() * 60, 40 + rnd() * 60]);
  const warped = card.warpPerspective(transform, outSize, cv.INTER_LINEAR);
  const cardMask = filledMat(cv, CARD_PX.height, CARD_PX.width, cv.CV_8UC1, 255).warpPerspective(transform, outSize, cv.INTER_NEAREST);
  warped.copyTo(frame, cardMask);
  // Where the fields the key needs are, in this frame (to tell whether a finger covers one).
  const fieldMask = filledMat(cv, CARD_PX.height, CARD_PX.width, cv.CV_8UC1, 0);
  for (const r of Object.values(FRONT_REGIONS)) {
    fieldMask.drawRectangle(new cv.Point2(r.x0 * PX_PER_MM, r.y0 * PX_PER_MM), new cv.Point2(r.x1 * PX_PER_MM, r.y1 * PX_PER_MM), new cv.Vec3(255, 255, 255), -1);
  }
  const fieldsInFrame = fieldMask.warpPerspective(transform, outSize, cv.INTER_NEAREST);
  let covered = false;
  if (damage.finger) {
    const side = Math.floor(rnd() * 4);
    const p = corners[side] as InstanceType<OpenCv['Point2']>;
    const q = corners[(side + 1) % 4] as InstanceType<OpenCv['Point2']>;
    const t = 0.2 + rnd() * 0.6;
    const k = FW / 1280;
    const finger = new cv.RotatedRect(new cv.Point2(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t), new cv.Size((70 + rnd() * 40) * k, (150 + rnd() * 60) * k), rnd() * 180);
    const fingerMask = filledMat(cv, FH, FW, cv.CV_8UC1, 0);
    fingerMask.drawEllipse(finger, new cv.Vec3(255, 255, 255), -1);
    covered = fingerMask.bitwiseAnd(fieldsInFrame).countNonZero() > 0;
    frame.drawEllipse(finger, new cv.Vec3(120, 150, 200), -1);
  }
  if (damage.glare) {
    // Drawn and blurred at 1/8 size, then enlarged: the same soft spot, but a σ 60 blur of a
    // full 1080p frame took seconds per frame and made the 500-front bench impractical.
    const S = 8;
    const glare = filledMat(cv, Math.ceil(FH / S), Math.ceil(FW / S), cv.CV_8UC3, [0, 0, 0]);
    glare.drawCircle(new cv.Point2((FW * (0.3 + rnd() * 0.4)) / S, (FH * (0.3 + rnd() * 0.4)) / S), ((60 + rnd() * 80) * (FW / 1280)) / S, new cv.Vec3(160, 160, 160), -1);
    frame = frame.add(glare.gaussianBlur(new cv.Size(0, 0), (40 * (FW / 1280)) / S).resize(FH, FW, 0, 0, cv.INTER_LINEAR));
  }
  if (damage.light !== 1) frame = frame.convertTo(cv.CV_8UC3, damage.light, 0);
  if (damage.blur > 0.3) frame = frame.gaussianBlur(new cv.Size(0, 0), damage.blur);
  // Sensor noise: ±10 levels, uniform; four samples per draw keeps a 1080p frame fast.
  const noise = Buffer.alloc(FW * FH * 3);
  for (let i = 0; i < noise.length; i += 4) {
    const r = Math.floor(rnd() * 4294967296);
    noise[i] = (r & 0xff) % 21;
    noise[i + 1] = ((r >>> 8) & 0xff) % 21;
    noise[i + 2] = ((r >>> 16) & 0xff) % 21;
    noise[i + 3] = (r >>> 24) % 21;
  }
  frame = frame.add(new cv.Mat(noise, FH, FW, cv.CV_8UC3).copy()).sub(filledMat(cv, FH, FW, cv.CV_8UC3, [10, 10, 10]));
  const inside = corners.every((c) => c.x > 2 && c.y > 2 && c.x < FW - 3 && c.y < FH - 3);
  return { jpeg: cv.imencode('.jpg', frame, [cv.IMWRITE_JPEG_QUALITY, damage.jpegQuality]), fullyInView: inside && !covered };
}

/** A card held under the camera: same card and damage, a new pose for each frame asked for.
 * Frame `f` is the same whatever else is asked, so a reader may take as many as it needs (the
 * bench: until a key or its frame limit) without rendering frames nobody reads.
 * `options.spec` prints a given holder (e.g. the virtual card's); `options.damage` pins damage. */
export function frontCamera(
  cv: OpenCv,
  seed: number,
  options: { readonly damage?: Partial<FrontDamage>; readonly spec?: FrontCardSpec } = {},
): { spec: FrontCardSpec; key: string; damage: FrontDamage; shot(frame: number): FrontShot } {
  const rndFor = mulberry32;
  const rnd = rndFor(seed);
  const drawn = randomFrontSpec(rnd);
  const spec = options.spec ?? drawn;
  const card = renderFront(cv, spec, rnd);
  const damage = { ...randomDamage(rnd), ...options.damage };
  const shot = (f: number): FrontShot => {
    const frameRnd = rndFor(seed * 131 + f + 1);
    const shaken = { ...damage, blur: Math.max(0, damage.blur + (frameRnd() - 0.5) * 0.6), glare: damage.glare && frameRnd() < 0.8 };
    return shootFront(cv, card, shaken, frameRnd);
  };
  return { spec, key: frontKeyOf(spec), damage, shot };
}

/** The first `frames` frames of frontCamera(), rendered at once. */
export function generateFrontFrames(
  cv: OpenCv,
  seed: number,
  frames: number,
  options: { readonly damage?: Partial<FrontDamage>; readonly spec?: FrontCardSpec } = {},
): { spec: FrontCardSpec; key: string; damage: FrontDamage; shots: FrontShot[] } {
  const { shot, ...front } = frontCamera(cv, seed, options);
  return { ...front, shots: Array.from({ length: frames }, (_, f) => shot(f)) };
}
