// A V4L2 camera through OpenCV's VideoCapture. Frames live only in memory: each is converted to
// RGB, analysed, and dropped.
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { FrameSource } from './frame-source.js';
import type { RgbImage } from './image.js';
import { loadOpenCv, matToRgb, type OpenCv } from './opencv-image.js';

/** Empty reads in a row before the camera counts as gone (a USB camera that was pulled). */
const MAX_EMPTY_READS = 10;

type Capture = InstanceType<OpenCv['VideoCapture']>;

export class V4l2Camera implements FrameSource {
  #cv: OpenCv | null = null;
  #capture: Capture | null = null;

  constructor(private readonly device: string, private readonly width = 640, private readonly height = 480) {}

  async open(): Promise<void> {
    if (this.#capture) return;
    const cv = await loadOpenCv();
    this.#cv = cv;
    try {
      const capture = new cv.VideoCapture(this.device, cv.CAP_V4L2);
      capture.set(cv.CAP_PROP_FRAME_WIDTH, this.width);
      capture.set(cv.CAP_PROP_FRAME_HEIGHT, this.height);
      // Keep at most one frame queued so that what we analyse is what the patient does now.
      capture.set(cv.CAP_PROP_BUFFERSIZE, 1);
      // OpenCV does not throw for a missing device; it just delivers nothing. Ask for one frame.
      if ((await capture.readAsync()).empty) {
        capture.release();
        throw new Error('no frame');
      }
      this.#capture = capture;
    } catch (error) {
      throw new GatewayError('CAMERA_DOWN', `The camera ${this.device} could not be opened`, { device: this.device, cause: error instanceof Error ? error.message : String(error) });
    }
  }

  async read(signal?: AbortSignal): Promise<RgbImage> {
    const capture = this.#capture, cv = this.#cv;
    if (!capture || !cv) throw new GatewayError('CAMERA_DOWN', 'The camera is not open', { device: this.device });
    for (let empty = 0; empty < MAX_EMPTY_READS; empty++) {
      signal?.throwIfAborted();
      let mat: Awaited<ReturnType<typeof capture.readAsync>>;
      try {
        mat = await capture.readAsync();
      } catch (error) {
        throw new GatewayError('CAMERA_DOWN', `The camera ${this.device} stopped delivering frames`, { device: this.device, cause: error instanceof Error ? error.message : String(error) });
      }
      if (!mat.empty) return matToRgb(cv, mat);
    }
    throw new GatewayError('CAMERA_DOWN', `The camera ${this.device} delivers no frames`, { device: this.device });
  }

  async close(): Promise<void> {
    this.#capture?.release();
    this.#capture = null;
  }

  describe(): string {
    return `V4L2 camera ${this.device} (${this.width}x${this.height})`;
  }
}
