// Images as the face code passes them around: raw RGB pixels in memory, never a file (invariant 4).

/** 8-bit RGB, row-major, 3 bytes a pixel. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type ImageFormat = 'jpeg' | 'png' | 'jp2';

/** Leading bytes of the formats a card photo or a test picture may come in. */
const SIGNATURES: ReadonlyArray<{ readonly format: ImageFormat; readonly magic: readonly number[] }> = [
  { format: 'jpeg', magic: [0xff, 0xd8, 0xff] },
  { format: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  // JP2 file format box ("jP  "), as the chip stores it, and a bare JPEG 2000 codestream (SOC+SIZ).
  { format: 'jp2', magic: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20] },
  { format: 'jp2', magic: [0xff, 0x4f, 0xff, 0x51] },
];

/** Which supported format the bytes are in, or null: checked before any decoder sees them. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  for (const { format, magic } of SIGNATURES) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return format;
  }
  return null;
}

/** Mean luma (0..255) of a rectangle, for the exposure check. */
export function meanLuma(image: RgbImage, x0: number, y0: number, w: number, h: number): number {
  const { data, width, height } = image;
  const xa = Math.max(0, Math.floor(x0)), ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(width, Math.ceil(x0 + w)), yb = Math.min(height, Math.ceil(y0 + h));
  // Sample on a grid: a few thousand pixels give the mean to well under one grey level.
  const step = Math.max(1, Math.floor(Math.sqrt(((xb - xa) * (yb - ya)) / 4096)));
  let sum = 0, n = 0;
  for (let y = ya; y < yb; y += step) {
    for (let x = xa; x < xb; x += step) {
      const i = (y * width + x) * 3;
      sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Sharpness of a rectangle: variance of the 4-neighbour Laplacian of luma, sampled on a grid
 * scaled to the face so that a large face and a small one are judged alike.
 */
export function sharpness(image: RgbImage, x0: number, y0: number, w: number, h: number): number {
  const { data, width, height } = image;
  const step = Math.max(1, Math.round(Math.min(w, h) / 96));
  const luma = (x: number, y: number): number => {
    const i = (y * width + x) * 3;
    return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  const xa = Math.max(step, Math.floor(x0)), ya = Math.max(step, Math.floor(y0));
  const xb = Math.min(width - step - 1, Math.ceil(x0 + w)), yb = Math.min(height - step - 1, Math.ceil(y0 + h));
  let sum = 0, sum2 = 0, n = 0;
  for (let y = ya; y < yb; y += step) {
    for (let x = xa; x < xb; x += step) {
      const lap = luma(x - step, y) + luma(x + step, y) + luma(x, y - step) + luma(x, y + step) - 4 * luma(x, y);
      sum += lap; sum2 += lap * lap; n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}
