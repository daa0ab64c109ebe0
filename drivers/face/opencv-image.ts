// OpenCV (Debian's 4.6 through @u4/opencv4nodejs) for what it does best here: decoding the
// chip's JPEG 2000 as well as JPEG/PNG, resizing, and V4L2 capture. Loaded on first use so that
// the simulated driver and the rest of the daemon never load the native module.
import { GatewayError } from '../../vocabulary/result-codes.js';
import { sniffImageFormat, type RgbImage } from './image.js';
import { requireOpenCv, type OpenCvModule } from '../../vocabulary/opencv-loader.js';

export type OpenCv = OpenCvModule;
export type CvMat = import('@u4/opencv4nodejs').Mat;

let loading: Promise<OpenCv> | null = null;

/** The bindings through the shared loader (vocabulary/opencv-loader.ts: GC setting, quiet build log). */
async function requireOpenCvAsync(): Promise<OpenCv> {
  return requireOpenCv();
}

export function loadOpenCv(): Promise<OpenCv> {
  loading ??= requireOpenCvAsync().catch((error: unknown) => {
    loading = null;
    throw new GatewayError('CAMERA_DOWN', 'OpenCV bindings could not be loaded (see docs/face.md: install)', {
      cause: error instanceof Error ? error.message : String(error),
    });
  });
  return loading;
}

/** Images larger than this (longest side) are shrunk before detection: detectors resize anyway. */
export const MAX_ANALYSIS_SIDE = 1024;

/** A BGR Mat from OpenCV as the RGB image the face code uses, shrunk to at most maxSide. */
export function matToRgb(cv: OpenCv, mat: CvMat, maxSide = MAX_ANALYSIS_SIDE): RgbImage {
  const longest = Math.max(mat.cols, mat.rows);
  const sized = longest > maxSide ? mat.resize(Math.round((mat.rows * maxSide) / longest), Math.round((mat.cols * maxSide) / longest), 0, 0, cv.INTER_AREA) : mat;
  const rgb = sized.channels === 1 ? sized.cvtColor(cv.COLOR_GRAY2RGB) : sized.channels === 4 ? sized.cvtColor(cv.COLOR_BGRA2RGB) : sized.cvtColor(cv.COLOR_BGR2RGB);
  return { data: new Uint8Array(rgb.getData()), width: rgb.cols, height: rgb.rows };
}

/**
 * Decodes JPEG, PNG or JPEG 2000 bytes in memory. Anything else, or bytes the decoder rejects,
 * is a GatewayError with the given code (the caller knows whether it is a card photo or a frame).
 */
export async function decodeImage(bytes: Uint8Array, code: 'FACE_TIMEOUT' | 'CAMERA_DOWN' = 'FACE_TIMEOUT', maxSide = MAX_ANALYSIS_SIDE): Promise<RgbImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new GatewayError(code, 'The image is not JPEG, PNG or JPEG 2000', { bytes: bytes.length });
  const cv = await loadOpenCv();
  let mat: CvMat;
  try {
    mat = await cv.imdecodeAsync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), cv.IMREAD_COLOR);
  } catch (error) {
    throw new GatewayError(code, `The ${format} image could not be decoded`, { cause: error instanceof Error ? error.message : String(error) });
  }
  if (mat.empty || mat.cols < 16 || mat.rows < 16) throw new GatewayError(code, `The ${format} image could not be decoded`, { format });
  return matToRgb(cv, mat, maxSide);
}

/** The RGB image as a BGR Mat again (for re-encoding test probes and padding). */
export function rgbToMat(cv: OpenCv, image: RgbImage): CvMat {
  const rgb = new cv.Mat(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.height, image.width, cv.CV_8UC3);
  return rgb.cvtColor(cv.COLOR_RGB2BGR);
}

/**
 * Adds a border of the edge colours around an image. A chip photo is cropped tight around the
 * head; detectors trained on wider shots find such a face more reliably with some margin.
 */
export function padImage(cv: OpenCv, image: RgbImage, fraction: number): RgbImage {
  const dx = Math.round(image.width * fraction), dy = Math.round(image.height * fraction);
  const padded = rgbToMat(cv, image).copyMakeBorder(dy, dy, dx, dx, cv.BORDER_REPLICATE);
  return matToRgb(cv, padded, Number.MAX_SAFE_INTEGER);
}

/**
 * A camera-sized frame: the picture shrunk to fit width x height when larger, centred on mid grey
 * when smaller (a small photo then shows a face small in the frame, as a patient standing back).
 */
export function frameImage(cv: OpenCv, image: RgbImage, width: number, height: number): RgbImage {
  let mat = rgbToMat(cv, image);
  const scale = Math.min(width / mat.cols, height / mat.rows, 1);
  if (scale < 1) mat = mat.resize(Math.round(mat.rows * scale), Math.round(mat.cols * scale), 0, 0, cv.INTER_AREA);
  const top = Math.floor((height - mat.rows) / 2), left = Math.floor((width - mat.cols) / 2);
  const framed = mat.copyMakeBorder(top, height - mat.rows - top, left, width - mat.cols - left, cv.BORDER_CONSTANT, new cv.Vec3(128, 128, 128));
  return matToRgb(cv, framed, Number.MAX_SAFE_INTEGER);
}

/** A square region (may reach past the edges: edge pixels repeat there) resized to side x side. */
export function cropSquare(cv: OpenCv, image: RgbImage, region: { x: number; y: number; width: number; height: number }, side: number): RgbImage {
  const pad = Math.ceil(Math.max(region.width, region.height));
  const padded = rgbToMat(cv, image).copyMakeBorder(pad, pad, pad, pad, cv.BORDER_REPLICATE);
  const rect = new cv.Rect(Math.round(region.x + pad), Math.round(region.y + pad), Math.max(1, Math.round(region.width)), Math.max(1, Math.round(region.height)));
  return matToRgb(cv, padded.getRegion(rect).resize(side, side, 0, 0, cv.INTER_AREA), Number.MAX_SAFE_INTEGER);
}
