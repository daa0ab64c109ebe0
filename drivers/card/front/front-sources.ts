// Frame sources for the card front: a V4L2 document camera (OpenCV VideoCapture), or image
// files / encoded images played in turn (tests, the bench, `oqsgw card front IMAGE...`). Frames
// live only in memory.
import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { CardFrontConfig } from './config.js';
import type { FrontFrameSource } from './front-reader.js';
import { type CvMat, loadFrontOpenCv, type OpenCv } from './opencv.js';

/** Empty reads in a row before the camera counts as gone. */
const MAX_EMPTY_READS = 10;

export class V4l2FrontSource implements FrontFrameSource {
  #capture: InstanceType<OpenCv['VideoCapture']> | null = null;

  constructor(private readonly device: string, private readonly width = 1920, private readonly height = 1080) {}

  async open(): Promise<void> {
    if (this.#capture) return;
    const cv = await loadFrontOpenCv();
    try {
      const capture = new cv.VideoCapture(this.device, cv.CAP_V4L2);
      capture.set(cv.CAP_PROP_FRAME_WIDTH, this.width);
      capture.set(cv.CAP_PROP_FRAME_HEIGHT, this.height);
      capture.set(cv.CAP_PROP_BUFFERSIZE, 1);
      // OpenCV does not throw for a missing device; it just delivers nothing.
      if ((await capture.readAsync()).empty) {
        capture.release();
        throw new Error('no frame');
      }
      this.#capture = capture;
    } catch (error) {
      throw new GatewayError('CAMERA_DOWN', `The card-front camera ${this.device} could not be opened`, { device: this.device, cause: error instanceof Error ? error.message : String(error) });
    }
  }

  async read(signal?: AbortSignal): Promise<CvMat> {
    const capture = this.#capture;
    if (!capture) throw new GatewayError('CAMERA_DOWN', 'The card-front camera is not open', { device: this.device });
    for (let empty = 0; empty < MAX_EMPTY_READS; empty++) {
      signal?.throwIfAborted();
      const mat = await capture.readAsync().catch((error: unknown) => {
        throw new GatewayError('CAMERA_DOWN', `The card-front camera ${this.device} stopped delivering frames`, { device: this.device, cause: String(error) });
      });
      if (!mat.empty) return mat;
    }
    throw new GatewayError('CAMERA_DOWN', `The card-front camera ${this.device} delivers no frames`, { device: this.device });
  }

  async close(): Promise<void> {
    this.#capture?.release();
    this.#capture = null;
  }

  describe(): string {
    return `V4L2 document camera ${this.device} (${this.width}x${this.height})`;
  }
}

/** Plays images in turn, looping: file paths (read when opened) or encoded bytes. */
export class ImagesFrontSource implements FrontFrameSource {
  #cv: OpenCv | null = null;
  #images: Buffer[] = [];
  #next = 0;

  constructor(private readonly frames: readonly (string | Buffer)[]) {}

  async open(): Promise<void> {
    this.#cv = await loadFrontOpenCv();
    if (this.frames.length === 0) throw new GatewayError('CAMERA_DOWN', "card.front.files is empty: no pictures of the card's front");
    this.#images = await Promise.all(
      this.frames.map(async (f) => {
        if (typeof f !== 'string') return f;
        try {
          return await readFile(f);
        } catch (error) {
          throw new GatewayError('CAMERA_DOWN', 'A picture of the card front could not be read', { file: f, cause: (error as Error).message });
        }
      }),
    );
    this.#next = 0;
  }

  async read(signal?: AbortSignal): Promise<CvMat> {
    signal?.throwIfAborted();
    const cv = this.#cv;
    const bytes = this.#images[this.#next++ % Math.max(1, this.#images.length)];
    if (!cv || !bytes) throw new GatewayError('CAMERA_DOWN', 'The card-front source is not open');
    let mat: CvMat;
    try {
      mat = cv.imdecode(bytes, cv.IMREAD_COLOR);
    } catch {
      throw new GatewayError('CAMERA_DOWN', 'A picture of the card front is not JPEG or PNG');
    }
    if (mat.empty) throw new GatewayError('CAMERA_DOWN', 'A picture of the card front is not JPEG or PNG');
    return mat;
  }

  async close(): Promise<void> {
    this.#images = [];
  }

  describe(): string {
    return `${this.frames.length} picture(s) of the card front`;
  }
}

/** The configured source, or null for 'none'. */
export function createFrontSource(config: CardFrontConfig): FrontFrameSource | null {
  switch (config.source) {
    case 'none':
      return null;
    case 'v4l2':
      return new V4l2FrontSource(config.device, config.captureWidth, config.captureHeight);
    case 'files':
      return new ImagesFrontSource(config.files);
  }
}
