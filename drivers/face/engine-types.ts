// What every face engine offers (the ONNX engine, the default, and face-api's dlib engine): kept
// apart from the loaders so that the engines and their loader do not import each other.
import type { Point, Rect } from './face-api-types.js';
import type { RgbImage } from './image.js';

/** The descriptor models the driver can run (docs/face.md compares them). */
export type FaceModel = 'fused' | 'fr512' | 'dlib';

/** face-api detectors (the dlib engine only; the ONNX engine always runs YuNet). */
export type DetectorKind = 'tiny' | 'ssd';

export interface FoundFace {
  readonly box: Rect;
  readonly score: number;
}

export interface DescribedFace extends FoundFace {
  /** 68 points in the iBUG 300-W layout (face-api's landmark net), for pose and liveness. */
  readonly landmarks: readonly Point[];
  readonly descriptor: Float32Array;
}

export interface FaceEngine {
  readonly model: FaceModel;
  readonly version: string;
  /**
   * All faces in the image, largest first. An engine may pad or rescale the picture when it finds
   * nothing as it is (a tight crop, a face small in a large frame); boxes are in the image's pixels.
   */
  detect(image: RgbImage, detector: DetectorKind): Promise<FoundFace[]>;
  /** Landmarks and descriptor of one face found by detect() on the same image. */
  describe(image: RgbImage, face: FoundFace): Promise<DescribedFace>;
  /** How alike two descriptors of this engine are: 0..1, higher is more alike (see similarity.ts). */
  similarity(a: Float32Array, b: Float32Array): number;
  /** Tensors alive in the engine and their bytes (the weights, mostly): a leak check for tests. */
  memory(): { readonly tensors: number; readonly bytes: number };
}
