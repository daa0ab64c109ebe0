// Finds the card in a camera frame and deskews it: the card is the largest bright quadrilateral
// whose sides are in the ID-1 ratio (85.6 : 54 ≈ 1.59, allowing for perspective). Frames are
// searched at a reduced size; the warp itself uses the full frame for sharp text.
import { CARD_PX, FRONT_REGIONS, PX_PER_MM, type MmRect } from './front-layout.js';
import type { CvMat, OpenCv } from './opencv.js';

export type FindResult =
  | { readonly found: true; readonly card: CvMat; readonly corners: readonly { x: number; y: number }[] }
  | { readonly found: false; readonly why: 'NO_CARD' | 'CARD_CUT_OFF' | 'CARD_TOO_SMALL' };

const SEARCH_SIDE = 640;
/** The long side over the short side of a card seen at an angle stays within these bounds. */
const RATIO_MIN = 1.3;
const RATIO_MAX = 1.95;
/** Below this many pixels across, the printed digits are too small to read (≈ 6 px/mm). */
const MIN_CARD_WIDTH_PX = 520;
/** HSV saturation (0–255) above which a pixel is not the card's pale print background. */
const PALE_SATURATION = 60;
/** Grey-level standard deviation below which the picture is taken to hold nothing. */
const MIN_CONTRAST = 12;

interface Pt { x: number; y: number }

export function findCard(cv: OpenCv, frame: CvMat): FindResult {
  const longest = Math.max(frame.cols, frame.rows);
  const small = longest > SEARCH_SIDE ? frame.resizeToMax(SEARCH_SIDE) : frame;
  const k = frame.cols / small.cols;
  const gray = (small.channels === 1 ? small : small.bgrToGray()).gaussianBlur(new cv.Size(5, 5), 0);
  // The card is lighter than the tray or hand around it; Otsu picks the split whatever the light.
  // A picture with hardly any contrast (lens covered, empty tray in the dark) holds no card.
  if (gray.meanStdDev().stddev.at(0, 0) < MIN_CONTRAST) return { found: false, why: 'NO_CARD' };
  let mask = gray.threshold(0, 255, cv.THRESH_BINARY + cv.THRESH_OTSU);
  if (small.channels === 3) {
    // The card is pale (little colour); skin is not: a finger on the edge must not widen the card.
    const saturation = small.cvtColor(cv.COLOR_BGR2HSV).splitChannels()[1] as CvMat;
    mask = mask.bitwiseAnd(saturation.threshold(PALE_SATURATION, 255, cv.THRESH_BINARY_INV));
  }
  mask = mask.morphologyEx(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(5, 5)), cv.MORPH_OPEN);
  let best: { area: number; quad: Pt[] } | null = null;
  for (const contour of mask.findContours(cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE)) {
    if (contour.area < small.cols * small.rows * 0.05) continue;
    // The hull closes notches left by a finger on the edge; then simplify to four corners.
    const hull = contour.convexHull();
    const perimeter = hull.arcLength(true);
    for (const eps of [0.01, 0.02, 0.03, 0.05, 0.08]) {
      const pts = hull.approxPolyDP(eps * perimeter, true);
      if (pts.length < 4) break;
      if (pts.length === 4) {
        if (!best || contour.area > best.area) best = { area: contour.area, quad: pts.map((p) => ({ x: p.x * k, y: p.y * k })) };
        break;
      }
    }
  }
  if (!best || best.area > small.cols * small.rows * 0.95) return { found: false, why: 'NO_CARD' };
  const corners = orderCorners(best.quad);
  const [tl, tr, br, bl] = corners as [Pt, Pt, Pt, Pt];
  const width = (dist(tl, tr) + dist(bl, br)) / 2;
  const height = (dist(tl, bl) + dist(tr, br)) / 2;
  const ratio = width / height;
  if (ratio < RATIO_MIN || ratio > RATIO_MAX) return { found: false, why: 'NO_CARD' };
  // A corner on the frame's edge means part of the card is outside the picture.
  const margin = 2;
  if (corners.some((p) => p.x < margin || p.y < margin || p.x > frame.cols - 1 - margin || p.y > frame.rows - 1 - margin)) {
    return { found: false, why: 'CARD_CUT_OFF' };
  }
  if (width < MIN_CARD_WIDTH_PX) return { found: false, why: 'CARD_TOO_SMALL' };
  const target = [new cv.Point2(0, 0), new cv.Point2(CARD_PX.width, 0), new cv.Point2(CARD_PX.width, CARD_PX.height), new cv.Point2(0, CARD_PX.height)];
  const transform = cv.getPerspectiveTransform(corners.map((p) => new cv.Point2(p.x, p.y)), target);
  const card = frame.warpPerspective(transform, new cv.Size(CARD_PX.width, CARD_PX.height), cv.INTER_CUBIC);
  return { found: true, card, corners };
}

/** Top-left, top-right, bottom-right, bottom-left (the card is shown within ±45° of upright). */
function orderCorners(points: Pt[]): Pt[] {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length;
  const byAngle = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  let first = 0;
  byAngle.forEach((p, i) => {
    const q = byAngle[first] as Pt;
    if (p.x + p.y < q.x + q.y) first = i;
  });
  return [0, 1, 2, 3].map((i) => byAngle[(first + i) % 4] as Pt);
}

const dist = (a: Pt, b: Pt): number => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * One field of the deskewed card as a clean black-on-white greyscale image for OCR: contrast
 * stretched (low light), a margin added (Tesseract reads badly at the image edge), then a local
 * threshold that keeps the print and drops the guilloche background and glare gradients.
 */
export function cutField(cv: OpenCv, card: CvMat, region: MmRect, scale: number): CvMat {
  const rect = new cv.Rect(
    Math.round(region.x0 * PX_PER_MM),
    Math.round(region.y0 * PX_PER_MM),
    Math.round((region.x1 - region.x0) * PX_PER_MM),
    Math.round((region.y1 - region.y0) * PX_PER_MM),
  );
  const gray = card.channels === 1 ? card : card.bgrToGray();
  const binary = gray
    .getRegion(rect)
    .copy()
    .normalize(0, 255, cv.NORM_MINMAX)
    .resize(0, 0, scale, scale, cv.INTER_CUBIC)
    .copyMakeBorder(16, 16, 16, 16, cv.BORDER_REPLICATE)
    .adaptiveThreshold(255, cv.ADAPTIVE_THRESH_GAUSSIAN_C, cv.THRESH_BINARY, Math.round(31 * scale) | 1, 15);
  return dropStrayMarks(cv, binary, scale);
}

/**
 * Whitens what is not the line's print: marks that touch the cut's edge (pieces of the lines
 * above and below, of the photo or of the card edge, cut by the generous region) and specks of a
 * few pixels (noise left by the threshold in low light). Tesseract read them as extra digits
 * ("20261年", "平成1124年"), which made a frame unreadable. Dakuten and the dots of 有効 are far
 * larger than the speck limit.
 */
function dropStrayMarks(cv: OpenCv, binary: CvMat, scale: number): CvMat {
  const ink = binary.threshold(127, 255, cv.THRESH_BINARY_INV);
  const { labels, stats } = ink.connectedComponentsWithStats(8, cv.CV_32S);
  const count = stats.rows;
  const drop = new Uint8Array(count);
  const speck = Math.max(3, Math.round(4 * scale * scale));
  const w = binary.cols;
  const h = binary.rows;
  for (let i = 1; i < count; i++) {
    const x = stats.at(i, cv.CC_STAT_LEFT);
    const y = stats.at(i, cv.CC_STAT_TOP);
    const cw = stats.at(i, cv.CC_STAT_WIDTH);
    const ch = stats.at(i, cv.CC_STAT_HEIGHT);
    const area = stats.at(i, cv.CC_STAT_AREA);
    if (area <= speck || x <= 0 || y <= 0 || x + cw >= w || y + ch >= h) drop[i] = 1;
  }
  if (!drop.some((d) => d === 1)) return binary;
  const label = new Int32Array(Uint8Array.from(labels.getData()).buffer); // a fresh, aligned copy
  const out = Buffer.from(binary.getData());
  for (let p = 0; p < label.length; p++) if (drop[label[p] ?? 0] === 1) out[p] = 255;
  // copy(): the Mat must own its pixels (see front-generator.ts).
  return new cv.Mat(out, h, w, cv.CV_8UC1).copy();
}

export const FIELD_REGIONS = FRONT_REGIONS;

/**
 * Frames are read at these sizes in turn, and a key counts only when frames read at two different
 * sizes agree. Tesseract's line model sometimes merges a doubled digit ("22" read as "2") in the
 * birth date and the expiry alike, which makes a consistent but WRONG key; every frame is
 * deskewed to the same 12 px/mm, so two frames at one size can fail the same way, while whether
 * it happens depends on the text's size in pixels (measured, drivers/card/README.md).
 */
// 1.5× and 2× (18 and 24 px/mm, print ≈ 50–67 px high) rather than 1× and 1.25×: at the smaller
// sizes Tesseract dropped the second of two digits ("17" → "1", "22" → "2") on many frames;
// measured on generated fronts (drivers/card/README.md, "Card front", bench figures).
export const FIELD_SCALES: readonly number[] = [1.5, 2];
