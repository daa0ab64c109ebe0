// OpenCV (Debian's 4.6 through @u4/opencv4nodejs) for the card front: decode frames, find the
// card's outline, deskew it, cut the fields. Loaded on first use so a gateway without a front
// source never loads the native module.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { requireOpenCv, type OpenCvModule } from '../../../vocabulary/opencv-loader.js';

export type OpenCv = OpenCvModule;
export type CvMat = import('@u4/opencv4nodejs').Mat;

let loading: Promise<OpenCv> | null = null;

/** The bindings through the shared loader (vocabulary/opencv-loader.ts: GC setting, quiet build log). */
export function loadFrontOpenCv(): Promise<OpenCv> {
  loading ??= (async () => requireOpenCv())().catch((error: unknown) => {
    loading = null;
    throw new GatewayError('CAMERA_DOWN', 'OpenCV bindings could not be loaded (see drivers/card/README.md: card front)', {
      cause: error instanceof Error ? error.message : String(error),
    });
  });
  return loading;
}

/**
 * A Mat of one value. `new cv.Mat(rows, cols, type, fill)` fills pixel by pixel through the
 * binding (measured: 2.6 s for a 1080p BGR frame on this box); an empty Mat and setTo() is < 1 ms.
 */
export function filledMat(cv: OpenCv, rows: number, cols: number, type: number, value: number | readonly [number, number, number]): CvMat {
  const mat = new cv.Mat(rows, cols, type);
  return typeof value === 'number' ? mat.setTo(value) : mat.setTo(new cv.Vec3(value[0], value[1], value[2]));
}
