// The face model: detection, 68-point landmarks and the 128-d descriptor (dlib's ResNet as shipped
// in @vladmandic/face-api, weights inside the npm package) on TensorFlow.js's WebAssembly backend.
// Loaded once per process and shared; every tensor it makes is disposed before a call returns.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceApi, FaceDetection, FaceLandmarks68, Point, Rect, Tensor3D } from './face-api-types.js';
import type { RgbImage } from './image.js';

export type DetectorKind = 'tiny' | 'ssd';

/** Detector settings, measured with the benchmark (docs/face.md). */
export const DETECTORS = {
  // inputSize: the side the tiny detector resizes to; 416 finds faces down to ~40 px in a VGA frame.
  tiny: { inputSize: 416, scoreThreshold: 0.5 },
  ssd: { minConfidence: 0.5, maxResults: 10 },
} as const;

export interface FoundFace {
  readonly box: Rect;
  readonly score: number;
}

export interface DescribedFace extends FoundFace {
  readonly landmarks: readonly Point[];
  readonly descriptor: Float32Array;
}

export interface FaceEngine {
  readonly version: string;
  /** All faces in the image, largest first. */
  detect(image: RgbImage, detector: DetectorKind): Promise<FoundFace[]>;
  /** Landmarks and descriptor of one face found by detect() on the same image. */
  describe(image: RgbImage, face: FoundFace): Promise<DescribedFace>;
  /** Tensors alive in the engine and their bytes (the weights, mostly): a leak check for tests. */
  memory(): { readonly tensors: number; readonly bytes: number };
}

let loading: Promise<FaceEngine> | null = null;

/** The shared engine; the first call loads the backend and the weights (about 0.5 s). */
export function loadFaceEngine(): Promise<FaceEngine> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function load(): Promise<FaceEngine> {
  const require = createRequire(import.meta.url);
  // The node-wasm bundle: TensorFlow.js with the WebAssembly backend, no native TensorFlow needed.
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await api.tf.setBackend('wasm');
  await api.tf.ready();
  await Promise.all([
    api.nets.tinyFaceDetector.loadFromDisk(modelDir),
    api.nets.ssdMobilenetv1.loadFromDisk(modelDir),
    api.nets.faceLandmark68Net.loadFromDisk(modelDir),
    api.nets.faceRecognitionNet.loadFromDisk(modelDir),
  ]);
  return new FaceApiEngine(api);
}

/** Detections are kept per image so describe() can hand face-api its own box objects back. */
class FaceApiEngine implements FaceEngine {
  readonly #api: FaceApi;
  readonly #detections = new WeakMap<FoundFace, FaceDetection>();
  readonly #tiny: object;
  readonly #ssd: object;

  constructor(api: FaceApi) {
    this.#api = api;
    this.#tiny = new api.TinyFaceDetectorOptions(DETECTORS.tiny);
    this.#ssd = new api.SsdMobilenetv1Options(DETECTORS.ssd);
  }

  get version(): string {
    return `face-api ${this.#api.version} (${this.#api.tf.getBackend()})`;
  }

  memory(): { readonly tensors: number; readonly bytes: number } {
    const { numTensors, numBytes } = this.#api.tf.memory();
    return { tensors: numTensors, bytes: numBytes };
  }

  async detect(image: RgbImage, detector: DetectorKind): Promise<FoundFace[]> {
    const input = this.#tensor(image);
    try {
      const found = await this.#api.detectAllFaces(input, detector === 'tiny' ? this.#tiny : this.#ssd);
      const faces = found.map((d) => {
        const face: FoundFace = { box: d.box, score: d.score };
        this.#detections.set(face, d);
        return face;
      });
      return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    } finally {
      input.dispose();
    }
  }

  async describe(image: RgbImage, face: FoundFace): Promise<DescribedFace> {
    const detection = this.#detections.get(face);
    if (!detection) throw new Error('describe() needs a face that detect() returned');
    const input = this.#tensor(image);
    try {
      // Same steps as face-api's withFaceLandmarks().withFaceDescriptor(), for one face only.
      const landmarks = await this.#landmarks(input, detection);
      const aligned = landmarks.align(null, { useDlibAlignment: true });
      const [crop] = await this.#api.extractFaceTensors(input, [aligned]);
      if (!crop) throw new Error('face-api returned no aligned face');
      try {
        const descriptor = await this.#api.nets.faceRecognitionNet.computeFaceDescriptor(crop);
        return { box: face.box, score: face.score, landmarks: landmarks.positions, descriptor };
      } finally {
        crop.dispose();
      }
    } finally {
      input.dispose();
    }
  }

  async #landmarks(input: Tensor3D, detection: FaceDetection): Promise<FaceLandmarks68> {
    const [crop] = await this.#api.extractFaceTensors(input, [detection as unknown as Rect]);
    if (!crop) throw new Error('face-api returned no face crop');
    try {
      const local = await this.#api.nets.faceLandmark68Net.detectLandmarks(crop);
      return local.shiftBy(detection.box.x, detection.box.y);
    } finally {
      crop.dispose();
    }
  }

  #tensor(image: RgbImage): Tensor3D {
    // face-api takes int32 pixel tensors; one copy, dropped when the call returns.
    return this.#api.tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
  }
}
