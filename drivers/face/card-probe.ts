// Card-like probes: what the My Number card's chip holds is a small colour portrait (about
// 200x250) in JPEG 2000 of a few KB. The benchmark and the tests turn ordinary photos into such
// probes, in memory, to measure and test matching against what the card really gives us.
import type { Rect } from './face-api-types.js';
import type { RgbImage } from './image.js';
import { loadOpenCv, rgbToMat } from './opencv-image.js';

/** cv::IMWRITE_JPEG2000_COMPRESSION_X1000 (imgcodecs.hpp); the Node bindings do not export it. */
const IMWRITE_JPEG2000_COMPRESSION_X1000 = 272;

export const CARD_PHOTO = {
  width: 200,
  height: 250,
  /** The face box is about this share of the portrait's width (head and shoulders). */
  faceShare: 0.5,
  /** OpenCV's JPEG 2000 rate (x1000): 25 gives 3-6 KB at 200x250, as on the card. */
  jp2CompressionX1000: 25,
  /**
   * The same for a grey (one-channel) portrait: OpenCV's rate is relative to the raw size, so a
   * third of the channels needs three times the rate for the same ~4 KB (measured: 25 gave 1.3 KB).
   */
  jp2GreyCompressionX1000: 75,
} as const;

/**
 * Crops a passport-style portrait around the face, shrinks it, and encodes it as JPEG 2000;
 * `grey` makes it a single-channel picture, as the chip's photo is.
 */
export async function cardLikeProbe(image: RgbImage, face: Rect, options: { grey?: boolean } = {}): Promise<Buffer> {
  const cv = await loadOpenCv();
  const width = face.width / CARD_PHOTO.faceShare;
  const height = (width * CARD_PHOTO.height) / CARD_PHOTO.width;
  const cx = face.x + face.width / 2, cy = face.y + face.height * 0.55;
  // Pad first so a face near the edge still gets a full portrait (edge colours, like a backdrop).
  const pad = Math.ceil(Math.max(width, height));
  const padded = rgbToMat(cv, image).copyMakeBorder(pad, pad, pad, pad, cv.BORDER_REPLICATE);
  const rect = new cv.Rect(Math.round(cx - width / 2 + pad), Math.round(cy - height / 2 + pad), Math.round(width), Math.round(height));
  const portrait = padded.getRegion(rect).resize(CARD_PHOTO.height, CARD_PHOTO.width, 0, 0, cv.INTER_AREA);
  if (options.grey) return cv.imencode('.jp2', portrait.cvtColor(cv.COLOR_BGR2GRAY), [IMWRITE_JPEG2000_COMPRESSION_X1000, CARD_PHOTO.jp2GreyCompressionX1000]);
  return cv.imencode('.jp2', portrait, [IMWRITE_JPEG2000_COMPRESSION_X1000, CARD_PHOTO.jp2CompressionX1000]);
}

/** Any picture as a grey JPEG 2000 at the card's rate (the tight form's card side). */
export async function encodeGreyJp2(image: RgbImage): Promise<Buffer> {
  const cv = await loadOpenCv();
  return cv.imencode('.jp2', rgbToMat(cv, image).cvtColor(cv.COLOR_BGR2GRAY), [IMWRITE_JPEG2000_COMPRESSION_X1000, CARD_PHOTO.jp2GreyCompressionX1000]);
}
