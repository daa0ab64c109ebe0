// The face benchmark, shared by `npm run bench` (test/bench/face.bench.ts) and
// `oqsgw face calibrate`: accuracy on labelled pairs (ROC, the threshold at a target false-accept
// rate and the false-reject rate there), also with card-like JPEG 2000 probes, and time and memory
// per 1:1 match. The labelled photos are read where they lie and never copied or written.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../vocabulary/paths.js';
import { cardLikeProbe } from './card-probe.js';
import { describePortrait } from './camera-face-matcher.js';
import { loadFaceEngine, type DetectorKind, type FaceEngine } from './face-engine.js';
import type { RgbImage } from './image.js';
import { decodeImage, loadOpenCv, padImage } from './opencv-image.js';
import { equalErrorRate, rocCurve, thresholdForFar, type OperatingPoint, type RocPoint, type ScoredPair } from './roc.js';
import { similarity } from './similarity.js';

export interface LabelledPair { readonly a: string; readonly b: string; readonly same: boolean }

/** Where the shared labelled set lives beside the checkout (../shared/data/faces), unless told. */
export function defaultFaceDataDir(): string {
  return process.env.OQSGW_FACE_DATA ?? fromRoot('..', 'shared', 'data', 'faces', 'deepface');
}

/** Reads pairs.csv (file_x,file_y,Decision Yes/No); null when the set is not there. */
export function readPairs(dir: string): LabelledPair[] | null {
  const file = join(dir, 'pairs.csv');
  if (!existsSync(file)) return null;
  const rows = readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  return rows.map((line, i) => {
    const [a, b, decision] = line.split(',').map((s) => s.trim());
    if (!a || !b || (decision !== 'Yes' && decision !== 'No')) throw new Error(`pairs.csv line ${i + 2}: expected file_x,file_y,Yes|No`);
    return { a, b, same: decision === 'Yes' };
  });
}

/** One image's descriptors as each side of a match would compute them. */
interface Described {
  readonly ssd: Float32Array | null;
  readonly tiny: Float32Array | null;
  /** The image made into a card-like JPEG 2000 portrait, then enrolled like a card photo. */
  readonly card: Float32Array | null;
  readonly cardBytes: number;
}

export interface Variant {
  readonly name: string;
  readonly method: string;
  readonly missing: number;
  readonly operating: OperatingPoint;
  readonly eer: number;
  readonly roc: readonly RocPoint[];
}

export interface CalibrationReport {
  readonly images: number;
  readonly pairs: number;
  readonly targetFar: number;
  readonly variants: readonly Variant[];
  readonly cardProbeBytes: { readonly median: number; readonly max: number };
  /** Milliseconds: one live frame analysed (detect, landmarks, descriptor), per detector. */
  readonly frameMs: Readonly<Record<DetectorKind, readonly number[]>>;
  /** Milliseconds: a full 1:1 match, card probe enrolled plus one live frame compared. */
  readonly matchMs: readonly number[];
  readonly rssMb: number;
  /** Held by the model's tensors (weights) after the run. */
  readonly tensorMb: number;
}

export interface CalibrationOptions {
  readonly dir: string;
  readonly targetFar?: number;
  /** Pairs timed end to end (the slowest part of the run). */
  readonly timedPairs?: number;
  readonly onProgress?: (message: string) => void;
}

async function analyse(engine: FaceEngine, image: RgbImage, detector: DetectorKind): Promise<{ descriptor: Float32Array | null; ms: number }> {
  const started = performance.now();
  const [face] = await engine.detect(image, detector);
  const descriptor = face ? (await engine.describe(image, face)).descriptor : null;
  return { descriptor, ms: performance.now() - started };
}

/** A live frame is a camera-sized picture: shrink the labelled photo as a 640x480 camera would see it. */
const LIVE_SIDE = 640;

export async function calibrate(options: CalibrationOptions): Promise<CalibrationReport | { skipped: string }> {
  const pairs = readPairs(options.dir);
  if (!pairs) return { skipped: `no labelled face set at ${options.dir}` };
  const progress = options.onProgress ?? (() => {});
  const targetFar = options.targetFar ?? 0.001;
  const engine = await loadFaceEngine();
  const cv = await loadOpenCv();
  const pad = async (i: RgbImage) => padImage(cv, i, 0.25);
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const described = new Map<string, Described>();
  const frameMs: Record<DetectorKind, number[]> = { tiny: [], ssd: [] };
  const live = new Map<string, RgbImage>();
  let peakRss = process.memoryUsage().rss;
  for (const [n, file] of files.entries()) {
    const bytes = readFileSync(join(options.dir, file));
    const image = await decodeImage(bytes, 'FACE_TIMEOUT', LIVE_SIDE);
    live.set(file, image);
    const tiny = await analyse(engine, image, 'tiny');
    const ssd = await analyse(engine, image, 'ssd');
    frameMs.tiny.push(tiny.ms);
    frameMs.ssd.push(ssd.ms);
    // The card probe is cut from the full-size photo around the face SSD finds there.
    const full = await decodeImage(bytes, 'FACE_TIMEOUT');
    const [face] = await engine.detect(full, 'ssd');
    const probe = face ? await cardLikeProbe(full, face.box) : null;
    const card = probe ? await describePortrait(engine, await decodeImage(probe), pad) : null;
    described.set(file, { ssd: ssd.descriptor, tiny: tiny.descriptor, card, cardBytes: probe?.length ?? 0 });
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    progress(`face: ${n + 1}/${files.length} images described`);
  }
  const variant = (name: string, method: string, side: (d: Described) => Float32Array | null, other: (d: Described) => Float32Array | null): Variant => {
    let missing = 0;
    const scored: ScoredPair[] = pairs.map((p) => {
      const x = side(described.get(p.a)!), y = other(described.get(p.b)!);
      if (!x || !y) { missing++; return { same: p.same, score: null }; }
      return { same: p.same, score: similarity(x, y) };
    });
    return { name, method, missing, operating: thresholdForFar(scored, targetFar), eer: equalErrorRate(scored).eer, roc: rocCurve(scored) };
  };
  const variants = [
    variant('card-jp2-vs-live-tiny', 'first image as a 200x250 JPEG 2000 card probe (enrolled like a card), second as a 640-px live frame, tiny detector (the production setting)', (d) => d.card, (d) => d.tiny),
    variant('card-jp2-vs-live-ssd', 'card probe as above; live frame with the SSD detector', (d) => d.card, (d) => d.ssd),
    variant('photo-vs-photo-tiny', 'both images as 640-px frames, tiny detector', (d) => d.tiny, (d) => d.tiny),
    variant('photo-vs-photo-ssd', 'both images as 640-px frames, SSD detector', (d) => d.ssd, (d) => d.ssd),
  ];
  // End-to-end 1:1 match time: enrol a card probe from bytes, then analyse one live frame.
  const matchMs: number[] = [];
  const timed = pairs.filter((_, i) => i % Math.max(1, Math.floor(pairs.length / (options.timedPairs ?? 40))) === 0);
  for (const p of timed) {
    const full = await decodeImage(readFileSync(join(options.dir, p.a)));
    const [face] = await engine.detect(full, 'ssd');
    if (!face) continue;
    const probe = await cardLikeProbe(full, face.box);
    const frame = live.get(p.b)!;
    const started = performance.now();
    const card = await describePortrait(engine, await decodeImage(probe), pad);
    const { descriptor } = await analyse(engine, frame, 'tiny');
    if (card && descriptor) similarity(card, descriptor);
    matchMs.push(performance.now() - started);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const sizes = [...described.values()].map((d) => d.cardBytes).filter((b) => b > 0).sort((a, b) => a - b);
  return {
    images: files.length, pairs: pairs.length, targetFar, variants,
    cardProbeBytes: { median: sizes[Math.floor(sizes.length / 2)] ?? 0, max: sizes[sizes.length - 1] ?? 0 },
    frameMs, matchMs, rssMb: Math.round(peakRss / 2 ** 20), tensorMb: Math.round(engine.memory().bytes / 2 ** 20),
  };
}
