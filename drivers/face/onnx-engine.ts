// The ONNX face engine: YuNet finds faces and 5 landmarks, the face is aligned on them to the
// 112x112 template that ArcFace-style models are trained on, turned grey (a chip photo is grey, so
// both sides are compared alike) and described by a 512-d model (`fr512`); the default model
// `fused` adds MobileFaceNet (192-d) on the same aligned face and dlib's ResNet (128-d, face-api's
// weights as ONNX) on a 150x150 grey chip of it, and scores the weighted mean of the three
// similarities (descriptor-fusion.ts). onnxruntime-node runs the ONNX files
// (drivers/face/models/README.md: source, licence, sha256). face-api's 68-point landmark net adds
// the points that the pose and liveness checks read. Nothing is written anywhere.
import type * as Ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { fromRoot } from '../../vocabulary/paths.js';
import type { DescribedFace, DetectorKind, FaceEngine, FoundFace } from './engine-types.js';
import type { FaceApi, Point, Rect } from './face-api-types.js';
import { loadFaceApi } from './face-api-loader.js';
import type { RgbImage } from './image.js';
import { FUSION, fuseDescriptors, fusedSimilarity } from './descriptor-fusion.js';
import { cosineSimilarity } from './similarity.js';

export const MODEL_FILES = {
  detector: fromRoot('drivers', 'face', 'models', 'yunet_n_dynamic.onnx'),
  descriptor: fromRoot('drivers', 'face', 'models', 'fr_feature.onnx'),
  mobilefacenet: fromRoot('drivers', 'face', 'models', 'mobilefacenet.onnx'),
  dlib: fromRoot('drivers', 'face', 'models', 'dlib_resnet.onnx'),
} as const;

/** The models this engine runs: fr512 alone, or the three-model fusion (the default). */
export type OnnxModel = 'fr512' | 'fused';

/** Detector settings, measured with the benchmark (docs/face.md). */
export const YUNET = {
  /** Pictures are shrunk so that their longest side is at most this before detection. */
  maxSide: 640,
  scoreThreshold: 0.6,
  nmsIou: 0.3,
} as const;

/**
 * Where to look when nothing is found in the picture as it is: a tight crop (face filling the
 * picture, as a chip photo or a close camera gives) needs margin around the head.
 */
const RETRIES: ReadonlyArray<{ readonly pad: number; readonly border: 'replicate' | 'grey' }> = [
  { pad: 0.25, border: 'replicate' },
  { pad: 0.5, border: 'grey' },
];

/** The five points of the ArcFace 112x112 template: eye centres, nose tip, mouth corners. */
export const ARCFACE_TEMPLATE: ReadonlyArray<readonly [number, number]> = [
  [38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041],
];
const SIDE = 112;

/**
 * dlib's chip for the fused model: 150x150 (its net's input), framed on the template as a square
 * of 104 template units centred at (56, 76): brows to chin, about as face-api frames the face for
 * its dlib net (its box around the 68 landmarks, padded). Measured against a looser framing
 * (120 units centred at (56, 70)): 7.9 % vs 21 % FRR for dlib alone on deepface (docs/face.md).
 */
export const DLIB_CHIP = { side: 150, span: 104, centre: [56, 76] } as const;
const DLIB_TEMPLATE = ARCFACE_TEMPLATE.map(([x, y]) => [
  DLIB_CHIP.side / 2 + ((x - DLIB_CHIP.centre[0]) * DLIB_CHIP.side) / DLIB_CHIP.span,
  DLIB_CHIP.side / 2 + ((y - DLIB_CHIP.centre[1]) * DLIB_CHIP.side) / DLIB_CHIP.span,
] as const);

export interface YunetFace extends FoundFace {
  /** Right eye, left eye (of the picture: left to right), nose tip, mouth corners. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** One attempt's picture: the image itself, or a padded copy and how far it was shifted. */
interface Attempt {
  readonly image: RgbImage;
  readonly dx: number;
  readonly dy: number;
}

/** Least-squares similarity transform (rotation, uniform scale, shift) taking `from` onto `to`. */
export function similarityTransform(from: ReadonlyArray<readonly [number, number]>, to: ReadonlyArray<readonly [number, number]>): [number, number, number, number, number, number] {
  const n = from.length;
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) { fx += from[i]![0]; fy += from[i]![1]; tx += to[i]![0]; ty += to[i]![1]; }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const ux = from[i]![0] - fx, uy = from[i]![1] - fy, vx = to[i]![0] - tx, vy = to[i]![1] - ty;
    dot += ux * vx + uy * vy; cross += ux * vy - uy * vx; norm += ux * ux + uy * uy;
  }
  if (norm === 0) throw new Error('landmarks coincide');
  const a = dot / norm, b = cross / norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/**
 * Bilinear warp of an RGB image into a side x side grey picture by the affine map `m` (picture ->
 * output; its inverse is sampled), edge pixels repeated, rounded to whole grey levels.
 */
export function warpGrey(image: RgbImage, m: readonly number[], side: number): Uint8Array {
  const [a, b, c, d, e, f] = m as [number, number, number, number, number, number];
  const det = a * e - b * d;
  // Inverse of [a b c; d e f].
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  const ic = -(ia * c + ib * f), iff = -(id * c + ie * f);
  const { data, width, height } = image;
  const out = new Uint8Array(side * side);
  const at = (x: number, y: number): number => {
    const cx = Math.min(width - 1, Math.max(0, x)), cy = Math.min(height - 1, Math.max(0, y));
    const i = (cy * width + cx) * 3;
    // Grey (ITU-R BT.601 luma): the card photo is grey, so the live face is compared as grey too.
    return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = ia * x + ib * y + ic, sy = id * x + ie * y + iff;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), wx = sx - x0, wy = sy - y0;
      const v = (1 - wy) * ((1 - wx) * at(x0, y0) + wx * at(x0 + 1, y0)) + wy * ((1 - wx) * at(x0, y0 + 1) + wx * at(x0 + 1, y0 + 1));
      out[y * side + x] = Math.round(v);
    }
  }
  return out;
}

/**
 * The 112x112 models' input: (v - 127) / 128, the same value in all three planes (fr512's scaling;
 * mobilefacenet.onnx takes the same input and shifts it to its own (v - 127.5) / 128 itself).
 */
function templateInput(grey: Uint8Array): Float32Array {
  const plane = grey.length;
  const out = new Float32Array(3 * plane);
  for (let o = 0; o < plane; o++) {
    const s = (grey[o]! - 127) / 128;
    out[o] = s; out[plane + o] = s; out[2 * plane + o] = s;
  }
  return out;
}

function l2Normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new Error('the descriptor is all zeros');
  return v.map((x) => x / norm);
}

/** Shrinks (never enlarges) and pads an RGB image into the planar BGR float input YuNet takes. */
function yunetInput(image: RgbImage, maxSide: number): { input: Float32Array; width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * scale)), h = Math.max(1, Math.round(image.height * scale));
  const W = Math.ceil(w / 32) * 32, H = Math.ceil(h / 32) * 32;
  const input = new Float32Array(3 * W * H);
  const plane = W * H;
  const { data, width, height } = image;
  // Area-ish sampling: the mean of the source pixels under each target pixel when shrinking.
  const step = 1 / scale;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * step), y1 = Math.min(height, Math.max(y0 + 1, Math.floor((y + 1) * step)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * step), x1 = Math.min(width, Math.max(x0 + 1, Math.floor((x + 1) * step)));
      let r = 0, g = 0, b = 0, n = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * width + xx) * 3;
          r += data[i]!; g += data[i + 1]!; b += data[i + 2]!; n++;
        }
      }
      const o = y * W + x;
      input[o] = b / n; input[plane + o] = g / n; input[2 * plane + o] = r / n;
    }
  }
  return { input, width: W, height: H, scale };
}

/**
 * The face's square as the 112x112 template frames it (brows to chin), mapped back into the picture:
 * YuNet's own box grows tall with hair and neck, while face-api's landmark net and the size and
 * framing checks (calibrated on face-api boxes) expect a square around the face.
 */
export function templateBox(points: ReadonlyArray<readonly [number, number]>): Rect | null {
  let m: number[];
  try {
    m = similarityTransform(ARCFACE_TEMPLATE, points);
  } catch {
    return null;
  }
  const corners = [[0, 0], [SIDE, 0], [0, SIDE], [SIDE, SIDE]].map(([x, y]) => [m[0]! * x! + m[1]! * y! + m[2]!, m[3]! * x! + m[4]! * y! + m[5]!] as const);
  const xs = corners.map((c) => c[0]), ys = corners.map((c) => c[1]);
  const x = Math.min(...xs), y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * Where face-api's 68-point landmark net looks: the face turned upright (by the 5-point transform)
 * and framed as face-api's own tiny detector frames an upright face (measured against the template
 * square on 161 frames: width 0.90, height 0.82 of its side, centre 0.18 of it lower), at the
 * picture's own scale. Before, the net was given the axis-aligned template square, which swells
 * and shifts as the head rolls and as YuNet's points jitter; the net, fed crops framed unlike its
 * training, jittered with it, and hand-held still photos passed the liveness check (motion up to
 * 0.054 eye distances against livenessMinMotion 0.03; at most 0.024 with this crop: docs/face.md).
 * Turning the face upright also keeps a rolled head inside the crop.
 */
export interface LandmarkCrop {
  readonly width: number;
  readonly height: number;
  /** Affine map from a crop pixel to the picture: x = m0 u + m1 v + m2, y = m3 u + m4 v + m5. */
  readonly toPicture: readonly [number, number, number, number, number, number];
}

/** landmarkCrop's framing, in sides of the template square (measured: see landmarkCrop). */
export const LANDMARK_FRAMING = { width: 0.9, height: 0.82, down: 0.18 } as const;

export function landmarkCrop(points: ReadonlyArray<readonly [number, number]>): LandmarkCrop | null {
  let m: number[];
  try {
    m = similarityTransform(ARCFACE_TEMPLATE, points);
  } catch {
    return null;
  }
  const k = Math.hypot(m[0]!, m[3]!);
  if (!(k > 0)) return null;
  const width = Math.max(1, Math.round(LANDMARK_FRAMING.width * SIDE * k)), height = Math.max(1, Math.round(LANDMARK_FRAMING.height * SIDE * k));
  // The crop's corner in template units; one crop pixel is 1/k template units.
  const x0 = SIDE / 2 - (LANDMARK_FRAMING.width * SIDE) / 2, y0 = SIDE / 2 + LANDMARK_FRAMING.down * SIDE - (LANDMARK_FRAMING.height * SIDE) / 2;
  return { width, height, toPicture: [m[0]! / k, m[1]! / k, m[0]! * x0 + m[1]! * y0 + m[2]!, m[3]! / k, m[4]! / k, m[3]! * x0 + m[4]! * y0 + m[5]!] };
}

/** The crop's pixels, sampled bilinearly from the picture (edge pixels repeated outside it). */
export function warpCrop(image: RgbImage, crop: LandmarkCrop): RgbImage {
  const [a, b, c, d, e, f] = crop.toPicture;
  const { data, width, height } = image;
  const out = new Uint8Array(crop.width * crop.height * 3);
  const px = (x: number, y: number, ch: number): number => data[(Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * 3 + ch]!;
  for (let v = 0; v < crop.height; v++) {
    for (let u = 0; u < crop.width; u++) {
      const sx = a * u + b * v + c, sy = d * u + e * v + f;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), wx = sx - x0, wy = sy - y0;
      const o = (v * crop.width + u) * 3;
      for (let ch = 0; ch < 3; ch++) {
        out[o + ch] = Math.round((1 - wy) * ((1 - wx) * px(x0, y0, ch) + wx * px(x0 + 1, y0, ch)) + wy * ((1 - wx) * px(x0, y0 + 1, ch) + wx * px(x0 + 1, y0 + 1, ch)));
      }
    }
  }
  return { data: out, width: crop.width, height: crop.height };
}

function iou(a: Rect, b: Rect): number {
  const x1 = Math.max(a.x, b.x), y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width), y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Adds a border around an image: its edge pixels repeated, or mid grey. */
export function padRgb(image: RgbImage, fraction: number, border: 'replicate' | 'grey'): Attempt {
  const dx = Math.round(image.width * fraction), dy = Math.round(image.height * fraction);
  const width = image.width + 2 * dx, height = image.height + 2 * dy;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y - dy));
    for (let x = 0; x < width; x++) {
      const sx = x - dx, inside = sx >= 0 && sx < image.width && y - dy >= 0 && y - dy < image.height;
      const o = (y * width + x) * 3;
      if (!inside && border === 'grey') { data[o] = 128; data[o + 1] = 128; data[o + 2] = 128; continue; }
      const i = (sy * image.width + Math.min(image.width - 1, Math.max(0, sx))) * 3;
      data[o] = image.data[i]!; data[o + 1] = image.data[i + 1]!; data[o + 2] = image.data[i + 2]!;
    }
  }
  return { image: { data, width, height }, dx, dy };
}

type OrtModule = typeof Ort;

/** The fused model's second and third descriptor models. */
interface FusionSessions {
  readonly mobilefacenet: Ort.InferenceSession;
  readonly dlib: Ort.InferenceSession;
}

export class OnnxFaceEngine implements FaceEngine {
  readonly model: OnnxModel;
  readonly #ort: OrtModule;
  readonly #detector: Ort.InferenceSession;
  readonly #descriptor: Ort.InferenceSession;
  /** The fused model's second and third descriptors (null for fr512). */
  readonly #fusion: FusionSessions | null;
  readonly #api: FaceApi;
  /** Where each face was found (the picture may have been padded), for describe(). */
  readonly #found = new WeakMap<FoundFace, { readonly attempt: Attempt; readonly face: YunetFace }>();

  private constructor(model: OnnxModel, ort: OrtModule, detector: Ort.InferenceSession, descriptor: Ort.InferenceSession, fusion: FusionSessions | null, api: FaceApi) {
    this.model = model;
    this.#ort = ort;
    this.#detector = detector;
    this.#descriptor = descriptor;
    this.#fusion = fusion;
    this.#api = api;
  }

  static async load(model: OnnxModel = 'fused'): Promise<OnnxFaceEngine> {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as OrtModule;
    // One thread each: the box has two cores and the gateway runs other work beside the camera.
    const options: Ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] };
    const fused = model === 'fused';
    // The fused model's two added nets with basic graph optimisation only: at the full level,
    // onnxruntime re-lays their weights out and the process held ~45 MB more for no measured gain
    // in speed (docs/face.md, "Speed and memory").
    const lean: Ort.InferenceSession.SessionOptions = { ...options, graphOptimizationLevel: 'basic' };
    const [detector, descriptor, mobilefacenet, dlib, api] = await Promise.all([
      ort.InferenceSession.create(MODEL_FILES.detector, options),
      ort.InferenceSession.create(MODEL_FILES.descriptor, options),
      fused ? ort.InferenceSession.create(MODEL_FILES.mobilefacenet, lean) : null,
      fused ? ort.InferenceSession.create(MODEL_FILES.dlib, lean) : null,
      loadFaceApi(['faceLandmark68Net']),
    ]);
    return new OnnxFaceEngine(model, ort, detector, descriptor, mobilefacenet && dlib ? { mobilefacenet, dlib } : null, api);
  }

  get version(): string {
    const models = this.model === 'fused' ? FUSION.map((p) => `${p.name} ${p.weight}`).join(' + ') : 'fr512';
    return `YuNet + ${models} (onnxruntime-node ${this.#ort.env.versions.common}); landmarks face-api ${this.#api.version}`;
  }

  memory(): { readonly tensors: number; readonly bytes: number } {
    const { numTensors, numBytes } = this.#api.tf.memory();
    return { tensors: numTensors, bytes: numBytes };
  }

  similarity(a: Float32Array, b: Float32Array): number {
    return this.model === 'fused' ? fusedSimilarity(a, b) : cosineSimilarity(a, b);
  }

  async detect(image: RgbImage, _detector: DetectorKind): Promise<FoundFace[]> {
    const attempts: Array<() => Attempt> = [() => ({ image, dx: 0, dy: 0 }), ...RETRIES.map((r) => () => padRgb(image, r.pad, r.border))];
    for (const make of attempts) {
      const attempt = make();
      const faces = await this.findFaces(attempt.image);
      if (faces.length === 0) continue;
      return faces.map((face) => {
        const shifted: FoundFace = { box: { x: face.box.x - attempt.dx, y: face.box.y - attempt.dy, width: face.box.width, height: face.box.height }, score: face.score };
        this.#found.set(shifted, { attempt, face });
        return shifted;
      });
    }
    return [];
  }

  /** YuNet on one picture as it is: faces largest first, boxes and points in its pixels. */
  async findFaces(image: RgbImage): Promise<YunetFace[]> {
    const { input, width, height, scale } = yunetInput(image, YUNET.maxSide);
    const out = await this.#detector.run({ input: new this.#ort.Tensor('float32', input, [1, 3, height, width]) });
    const candidates: YunetFace[] = [];
    for (const stride of [8, 16, 32]) {
      const cols = width / stride, rows = height / stride;
      const cls = out[`cls_${stride}`]!.data as Float32Array, obj = out[`obj_${stride}`]!.data as Float32Array;
      const bbox = out[`bbox_${stride}`]!.data as Float32Array, kps = out[`kps_${stride}`]!.data as Float32Array;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const score = Math.sqrt(Math.min(1, Math.max(0, cls[i]!)) * Math.min(1, Math.max(0, obj[i]!)));
          if (score < YUNET.scoreThreshold) continue;
          const cx = (c + bbox[i * 4]!) * stride, cy = (r + bbox[i * 4 + 1]!) * stride;
          const w = Math.exp(bbox[i * 4 + 2]!) * stride, h = Math.exp(bbox[i * 4 + 3]!) * stride;
          const points: Array<[number, number]> = [];
          for (let k = 0; k < 5; k++) points.push([((kps[i * 10 + 2 * k]! + c) * stride) / scale, ((kps[i * 10 + 2 * k + 1]! + r) * stride) / scale]);
          candidates.push({ box: { x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, width: w / scale, height: h / scale }, score, points });
        }
      }
    }
    candidates.sort((a, b) => b.score - a.score);
    const kept: YunetFace[] = [];
    for (const f of candidates) if (kept.every((k) => iou(k.box, f.box) < YUNET.nmsIou)) kept.push(f);
    return kept.map((f) => ({ ...f, box: templateBox(f.points) ?? f.box })).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  }

  async describe(image: RgbImage, face: FoundFace): Promise<DescribedFace> {
    const found = this.#found.get(face);
    if (!found) throw new Error('describe() needs a face that detect() returned');
    const { attempt, face: yunet } = found;
    if (attempt.dx === 0 && attempt.dy === 0 && attempt.image !== image) throw new Error('describe() needs the image detect() saw');
    const descriptor = await this.describeAligned(attempt.image, yunet.points);
    const crop = landmarkCrop(yunet.points);
    const points68 = crop ? this.#uprightLandmarks(attempt.image, crop) : this.#landmarks(attempt.image, yunet.box);
    const landmarks = (await points68).map((p) => ({ x: p.x - attempt.dx, y: p.y - attempt.dy }));
    return { box: face.box, score: face.score, landmarks, descriptor };
  }

  /**
   * The descriptor of the face whose five points are given: fr512's unit-length 512 values, or for
   * the fused model those followed by MobileFaceNet's (unit length) and dlib's 128 (as dlib gives them).
   */
  async describeAligned(image: RgbImage, points: ReadonlyArray<readonly [number, number]>): Promise<Float32Array> {
    const input = templateInput(warpGrey(image, similarityTransform(points, ARCFACE_TEMPLATE), SIDE));
    const fr512 = l2Normalise(await this.#run(this.#descriptor, input, SIDE));
    if (!this.#fusion) return fr512;
    const mobilefacenet = l2Normalise(await this.#run(this.#fusion.mobilefacenet, input, SIDE));
    // dlib's net takes 0..255 (it subtracts its mean itself); its descriptor is used as it comes.
    const chip = warpGrey(image, similarityTransform(points, DLIB_TEMPLATE), DLIB_CHIP.side);
    const dlib = await this.#run(this.#fusion.dlib, Float32Array.from({ length: 3 * chip.length }, (_, i) => chip[i % chip.length]!), DLIB_CHIP.side);
    return fuseDescriptors([fr512, mobilefacenet, dlib]);
  }

  /** One model on one 3-plane square input; its output as it comes. */
  async #run(session: Ort.InferenceSession, input: Float32Array, side: number): Promise<Float32Array> {
    const name = session.inputNames[0]!, output = session.outputNames[0]!;
    const out = await session.run({ [name]: new this.#ort.Tensor('float32', input, [1, 3, side, side]) });
    return Float32Array.from(out[output]!.data as Float32Array);
  }

  /** The 68 points found in the upright crop, mapped back into the picture. */
  async #uprightLandmarks(image: RgbImage, crop: LandmarkCrop): Promise<readonly Point[]> {
    const [a, b, c, d, e, f] = crop.toPicture;
    const local = await this.#landmarks(warpCrop(image, crop), { x: 0, y: 0, width: crop.width, height: crop.height });
    return local.map((p) => ({ x: a * p.x + b * p.y + c, y: d * p.x + e * p.y + f }));
  }

  async #landmarks(image: RgbImage, box: Rect): Promise<readonly Point[]> {
    const api = this.#api;
    // Inside the picture: face-api crops what is there.
    const x = Math.max(0, box.x), y = Math.max(0, box.y);
    const rect = new api.Rect(x, y, Math.min(image.width, box.x + box.width) - x, Math.min(image.height, box.y + box.height) - y);
    const input = api.tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
    try {
      const [crop] = await api.extractFaceTensors(input, [rect]);
      if (!crop) throw new Error('face-api returned no face crop');
      try {
        const local = await api.nets.faceLandmark68Net.detectLandmarks(crop);
        return local.shiftBy(x, y).positions;
      } finally {
        crop.dispose();
      }
    } finally {
      input.dispose();
    }
  }
}
