// The real face driver: enrols the card photo (JPEG 2000, JPEG or PNG bytes) and watches a frame
// source (a V4L2 camera or the simulated camera) until the live face matches, clearly does not,
// or the time is up. Frames, photos and descriptors stay in memory; only scores leave.
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import { DEFAULT_FACE_MODEL, loadFaceEngine, type DetectorKind, type FaceEngine, type FaceModel, type FoundFace } from './face-engine.js';
import type { FaceMatcher, FaceMatchOptions, FaceMatchResult, FaceReference } from './face-matcher.js';
import type { FaceGuidance } from '../../vocabulary/face-guidance.js';
import type { FrameSource } from './frame-source.js';
import { assessFrame, boxGuidance, DEFAULT_QUALITY_LIMITS, type QualityLimits } from './frame-quality.js';
import type { RgbImage } from './image.js';
import { MatchSession, type FrameObservation, type MatchPolicy } from './match-session.js';
import { decodeImage, loadOpenCv, padImage } from './opencv-image.js';
import { roundScore } from './similarity.js';
import { engineLane, type FairQueue } from './fair-queue.js';

export interface CameraFaceMatcherOptions {
  readonly source: FrameSource;
  readonly policy: MatchPolicy;
  /** Descriptor model (default fr512); its engine decides how alike two faces are. */
  readonly model?: FaceModel;
  readonly detector: DetectorKind;
  readonly limits?: QualityLimits;
  readonly logger: Logger;
  /** Several readers on one gateway: the engine's calls go through this reader's lane of the shared queue (fair-queue.ts). */
  readonly share?: { readonly queue: FairQueue; readonly lane: string };
}

/** A second face counts when at least this share of the main face's width (people queueing far behind do not). */
const SECOND_FACE_SHARE = 0.4;
/** Margin added around a tight chip photo when no face is found in it as it is. */
const CARD_PHOTO_PADDING = 0.25;

/** The card photo's descriptor, in memory only; dispose() zeroes it. */
class CardFace implements FaceReference {
  #descriptor: Float32Array | null;
  constructor(descriptor: Float32Array) {
    this.#descriptor = descriptor;
  }
  get descriptor(): Float32Array {
    if (!this.#descriptor) throw new GatewayError('INTERNAL_ERROR', 'The card face was already disposed');
    return this.#descriptor;
  }
  dispose(): void {
    this.#descriptor?.fill(0);
    this.#descriptor = null;
  }
}

/** Finds the one face of a card photo (or any portrait) and computes its descriptor. */
export async function describePortrait(engine: FaceEngine, image: RgbImage, pad: (image: RgbImage) => Promise<RgbImage>): Promise<Float32Array | null> {
  // The ONNX engine pads and retries by itself (a chip photo is cropped tight around the head).
  if (engine.model !== 'dlib') {
    const [face] = await engine.detect(image, 'tiny');
    return face ? (await engine.describe(image, face)).descriptor : null;
  }
  // dlib: the tiny detector on the photo with a margin first: on card-like probes it gave the same
  // accuracy as SSD at a third of the time (bench); SSD catches the photos it misses.
  const attempts: Array<[DetectorKind, () => Promise<RgbImage>]> = [
    ['tiny', () => pad(image)], ['ssd', async () => image], ['ssd', () => pad(image)],
  ];
  for (const [detector, prepare] of attempts) {
    const input = await prepare();
    const [face] = await engine.detect(input, detector);
    if (face) return (await engine.describe(input, face)).descriptor;
  }
  return null;
}

export class CameraFaceMatcher implements FaceMatcher {
  readonly #options: CameraFaceMatcherOptions;
  readonly #limits: QualityLimits;
  #engine: FaceEngine | null = null;
  #health: { ok: boolean; detail: string } = { ok: false, detail: 'not started' };

  constructor(options: CameraFaceMatcherOptions) {
    this.#options = options;
    this.#limits = { ...(options.limits ?? DEFAULT_QUALITY_LIMITS) };
  }

  async start(): Promise<void> {
    try {
      const engine = await loadFaceEngine(this.#options.model ?? DEFAULT_FACE_MODEL);
      const share = this.#options.share;
      this.#engine = share ? engineLane(engine, share.queue, share.lane) : engine;
      await this.#options.source.open();
      this.#health = { ok: true, detail: `${this.#options.source.describe()}; ${this.#engine.version}` };
    } catch (error) {
      this.#health = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      throw error instanceof GatewayError ? error : new GatewayError('CAMERA_DOWN', 'The face driver could not start', { cause: String(error) });
    }
  }

  async stop(): Promise<void> {
    await this.#options.source.close();
    this.#health = { ok: false, detail: 'stopped' };
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    return { ...this.#health };
  }

  async enrol(cardPhoto: Buffer, signal?: AbortSignal): Promise<FaceReference> {
    const engine = this.#need();
    const image = await decodeImage(cardPhoto, 'FACE_TIMEOUT');
    signal?.throwIfAborted();
    const cv = await loadOpenCv();
    const descriptor = await describePortrait(engine, image, async (i) => padImage(cv, i, CARD_PHOTO_PADDING));
    signal?.throwIfAborted();
    if (!descriptor) throw new GatewayError('FACE_TIMEOUT', 'No usable face in the card photo');
    return new CardFace(descriptor);
  }

  async match(reference: FaceReference, options: FaceMatchOptions): Promise<FaceMatchResult> {
    if (!(reference instanceof CardFace)) throw new GatewayError('INTERNAL_ERROR', 'The face reference was not made by this driver');
    const engine = this.#need();
    const { source, policy, logger } = this.#options;
    const session = new MatchSession(policy);
    const deadline = Date.now() + options.timeoutMs;
    let last: FaceGuidance | null = null;
    const guide = (g: FaceGuidance | undefined) => {
      if (g && g !== last) options.onGuidance?.(g);
      if (g) last = g;
    };
    let outcome = null;
    try {
      await source.open();
      while (!outcome && !session.exhausted && Date.now() < deadline) {
        options.signal?.throwIfAborted();
        const frame = await source.read(options.signal);
        const step = session.add(await this.#observe(engine, frame, reference.descriptor));
        guide(step.guidance);
        outcome = step.outcome ?? null;
      }
    } catch (error) {
      // A camera that stops delivering shows in health() (and so in /status) until it recovers.
      if (error instanceof GatewayError && error.code === 'CAMERA_DOWN') this.#health = { ok: false, detail: error.message };
      throw error;
    }
    this.#health = { ok: true, detail: `${source.describe()}; ${engine.version}` };
    outcome ??= session.finish();
    const result: FaceMatchResult = {
      decision: outcome.decision,
      score: outcome.score === null ? null : roundScore(outcome.score),
      threshold: policy.threshold,
      frames: outcome.frames,
    };
    logger.info({ decision: result.decision, score: result.score, frames: result.frames, motion: outcome.liveness ? roundScore(outcome.liveness.motion) : null }, 'face match');
    return result;
  }

  async #observe(engine: FaceEngine, frame: RgbImage, card: Float32Array): Promise<FrameObservation> {
    const { detector } = this.#options;
    const faces = await engine.detect(frame, detector);
    const main: FoundFace | undefined = faces[0];
    if (!main) return { kind: 'no-face' };
    const others = faces.slice(1).filter((f) => f.box.width >= SECOND_FACE_SHARE * main.box.width);
    if (others.length > 0) return { kind: 'many-faces', count: others.length + 1 };
    const early = boxGuidance(frame, main.box, this.#limits);
    if (early) return { kind: 'poor', guidance: early };
    const described = await engine.describe(frame, main);
    const quality = assessFrame(frame, described.box, described.landmarks, this.#limits);
    if (quality.guidance) return { kind: 'poor', guidance: quality.guidance };
    return { kind: 'good', similarity: engine.similarity(card, described.descriptor), quality: quality.score, landmarks: described.landmarks };
  }

  #need(): FaceEngine {
    if (!this.#engine) throw new GatewayError('CAMERA_DOWN', 'The face driver is not started');
    return this.#engine;
  }
}
