// The face engines and their loader. `fused` (default) and `fr512` (onnx-engine.ts): YuNet + ONNX
// descriptors on onnxruntime-node (fused adds MobileFaceNet and dlib and scores their weighted mean). `dlib`: detection, 68-point landmarks and the 128-d descriptor
// (dlib's ResNet as shipped in @vladmandic/face-api) on TensorFlow.js's WebAssembly backend.
// Each is loaded once per process and shared; every tensor is disposed before a call returns.
import type { DescribedFace, DetectorKind, FaceEngine, FaceModel, FoundFace } from './engine-types.js';
import type { FaceApi, FaceDetection, FaceLandmarks68, Rect, Tensor3D } from './face-api-types.js';
import { loadFaceApi } from './face-api-loader.js';
import type { RgbImage } from './image.js';
import { OnnxFaceEngine } from './onnx-engine.js';
import { similarity } from './similarity.js';

export type { DescribedFace, DetectorKind, FaceEngine, FaceModel, FoundFace } from './engine-types.js';

export const DEFAULT_FACE_MODEL: FaceModel = 'fused';

/** face-api detector settings, measured with the benchmark (docs/face.md). */
export const DETECTORS = {
  // inputSize: the side the tiny detector resizes to; 416 finds faces down to ~40 px in a VGA frame.
  tiny: { inputSize: 416, scoreThreshold: 0.5 },
  ssd: { minConfidence: 0.5, maxResults: 10 },
} as const;

const loading = new Map<FaceModel, Promise<FaceEngine>>();

/** The shared engine of a model; the first call loads the runtime and the weights (about 0.5 s). */
export function loadFaceEngine(model: FaceModel = DEFAULT_FACE_MODEL): Promise<FaceEngine> {
  let engine = loading.get(model);
  if (!engine) {
    engine = (model === 'dlib' ? loadDlib() : OnnxFaceEngine.load(model)).catch((error: unknown) => {
      loading.delete(model);
      throw error;
    });
    loading.set(model, engine);
  }
  return engine;
}

async function loadDlib(): Promise<FaceEngine> {
  const api = await loadFaceApi(['tinyFaceDetector', 'ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet']);
  return new FaceApiEngine(api);
}

/** Detections are kept per image so describe() can hand face-api its own box objects back. */
class FaceApiEngine implements FaceEngine {
  readonly model = 'dlib' as const;

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

  similarity(a: Float32Array, b: Float32Array): number {
    return similarity(a, b);
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
