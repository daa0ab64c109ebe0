// The simulated camera: plays images (JPEG, PNG or JPEG 2000) as if a camera delivered them, at
// a steady frame interval, looping over the sequence. A "scene" is a list of frames, so tests and
// the demo can show nobody there (an empty room), two faces, a still photo of the card holder
// (the same picture again and again) or a moving face (a few different frames).
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { FrameSource } from '../frame-source.js';
import type { RgbImage } from '../image.js';
import { decodeImage } from '../opencv-image.js';

/** A frame given as a file to read, encoded bytes, or pixels made by a test. */
export type SimFrame = string | Uint8Array | RgbImage;

const isRgb = (f: SimFrame): f is RgbImage => typeof f === 'object' && 'width' in f && 'data' in f;

export class SimCamera implements FrameSource {
  #frames: RgbImage[] = [];
  #next = 0;
  #scene: readonly SimFrame[];

  constructor(scene: readonly SimFrame[], private readonly intervalMs = 100) {
    this.#scene = scene;
  }

  /** Swaps what the camera sees (the next patient walks up); takes effect at the next open(). */
  show(scene: readonly SimFrame[]): void {
    this.#scene = scene;
    this.#frames = [];
  }

  async open(): Promise<void> {
    if (this.#frames.length > 0) return;
    if (this.#scene.length === 0) throw new GatewayError('CAMERA_DOWN', 'The simulated camera has no frames to play');
    const frames: RgbImage[] = [];
    for (const f of this.#scene) {
      if (isRgb(f)) { frames.push(f); continue; }
      let bytes: Uint8Array;
      try {
        bytes = typeof f === 'string' ? await readFile(f) : f;
      } catch (error) {
        throw new GatewayError('CAMERA_DOWN', 'A simulated camera frame could not be read', { file: f, cause: (error as Error).message });
      }
      frames.push(await decodeImage(bytes, 'CAMERA_DOWN'));
    }
    this.#frames = frames;
    this.#next = 0;
  }

  async read(signal?: AbortSignal): Promise<RgbImage> {
    if (this.#frames.length === 0) throw new GatewayError('CAMERA_DOWN', 'The simulated camera is not open');
    await sleep(this.intervalMs, undefined, { signal });
    const frame = this.#frames[this.#next % this.#frames.length]!;
    this.#next++;
    return frame;
  }

  async close(): Promise<void> {
    this.#next = 0;
  }

  describe(): string {
    return `simulated camera (${this.#scene.length} frame(s), every ${this.intervalMs} ms)`;
  }
}
