// Where live frames come from: a V4L2 camera, or the simulated camera that plays images.
import type { RgbImage } from './image.js';

export interface FrameSource {
  /** Opens the device (or loads the images); throws GatewayError CAMERA_DOWN when it cannot. */
  open(): Promise<void>;
  /** The next frame; throws GatewayError CAMERA_DOWN when the device stops delivering. */
  read(signal?: AbortSignal): Promise<RgbImage>;
  close(): Promise<void>;
  /** For health() and logs: no frame content, only what the source is. */
  describe(): string;
}
