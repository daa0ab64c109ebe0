// OpenCV (Debian's 4.6 through @u4/opencv4nodejs) for the card front: decode frames, find the
// card's outline, deskew it, cut the fields. Loaded on first use so a gateway without a front
// source never loads the native module. (The face driver has its own loader: drivers do not
// import each other.)
import { createRequire } from 'node:module';
import { GatewayError } from '../../../vocabulary/result-codes.js';

export type OpenCv = typeof import('@u4/opencv4nodejs').default;
export type CvMat = import('@u4/opencv4nodejs').Mat;

let loading: Promise<OpenCv> | null = null;

/** The CommonJS build, with the build helper's logger silenced first (it prints to stdout, which
 * would corrupt `--json` output, and only the CommonJS side reaches that logger). */
export function loadFrontOpenCv(): Promise<OpenCv> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    try {
      (require('@u4/opencv-build') as { Log: { silence: boolean } }).Log.silence = true;
    } catch {
      // Not hoisted where we can see it: the bindings still load, only more verbosely.
    }
    return require('@u4/opencv4nodejs') as OpenCv;
  })().catch((error: unknown) => {
    loading = null;
    throw new GatewayError('CAMERA_DOWN', 'OpenCV bindings could not be loaded (see drivers/card/README.md: card front)', {
      cause: error instanceof Error ? error.message : String(error),
    });
  });
  return loading;
}
