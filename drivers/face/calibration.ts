// The face benchmark, shared by `npm run bench` (test/bench/face.bench.ts) and
// `oqsgw face calibrate`: accuracy of one descriptor model on a labelled set (any folder with
// pairs.csv: file_x,file_y,Decision), with the sides as the gateway sees them, plus time and
// memory. The labelled photos are read where they lie; nothing is written.
//
// Forms measured (each picture is turned into each side in memory):
// - production: the first picture as the chip holds it (a 200x250 head-and-shoulders portrait,
//   GREY, JPEG 2000 at ~4 KB) enrolled like a card, against the second as a 640x480 camera frame
//   (shrunk to fit, centred on grey when smaller: a face of a 250-px photo is then small in frame);
// - tight: both pictures cut to the face filling 150x150 (the card side grey JPEG 2000 again).
// Pairs: those in pairs.csv, and all-vs-all: every ordered pair of pictures, same person when
// pairs.csv links them through Yes pairs. All-vs-all gives thousands of impostor pairs, enough to
// show a FAR of 0.1 %; it assumes pairs.csv marks every same-person pair (true of the shared sets).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../vocabulary/paths.js';
import { cardLikeProbe, encodeGreyJp2 } from './card-probe.js';
import { describePortrait } from './camera-face-matcher.js';
import { DEFAULT_FACE_MODEL, loadFaceEngine, type FaceEngine, type FaceModel } from './face-engine.js';
import type { Rect } from './face-api-types.js';
import type { RgbImage } from './image.js';
import { thresholdFor } from './model-thresholds.js';
import { cropSquare, decodeImage, frameImage, loadOpenCv, padImage } from './opencv-image.js';
import { equalErrorRate, rocPoint, thresholdForFar, type OperatingPoint, type ScoredPair } from './roc.js';

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

/** Every ordered pair of distinct pictures; same person when Yes pairs link them (union-find). */
export function allVsAll(pairs: readonly LabelledPair[]): LabelledPair[] {
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const parent = new Map(files.map((f) => [f, f]));
  const root = (f: string): string => {
    let r = f;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const p of pairs) if (p.same) parent.set(root(p.a), root(p.b));
  const out: LabelledPair[] = [];
  for (const a of files) for (const b of files) if (a !== b) out.push({ a, b, same: root(a) === root(b) });
  return out;
}

/** The sides of one picture, as descriptors (null: no face found there). */
interface Sides {
  readonly card: Float32Array | null;
  readonly live: Float32Array | null;
  readonly cardTight: Float32Array | null;
  readonly tight: Float32Array | null;
}

export type FormName = 'production' | 'tight';
export type PairSource = 'pairs.csv' | 'all-vs-all';

export interface FormReport {
  readonly form: FormName;
  readonly pairSource: PairSource;
  /** At the threshold in force (configured, else the model's). */
  readonly atThreshold: { readonly threshold: number; readonly far: number; readonly frr: number };
  /** The lowest threshold meeting the target FAR on this set, and the FRR there. */
  readonly operating: OperatingPoint;
  readonly eer: number;
  /** Pairs where a face was not found on one side or both (they count as rejected), as a fraction. */
  readonly noFace: number;
}

export interface CalibrationReport {
  readonly dir: string;
  readonly model: FaceModel;
  readonly images: number;
  readonly targetFar: number;
  /**
   * The configured settings (model, threshold) on the production form, all-vs-all pairs: what the
   * gateway would do with these people. Rates are fractions.
   */
  readonly production: { readonly threshold: number; readonly far: number; readonly frr: number; readonly noFace: number; readonly pairs: number; readonly impostors: number; readonly genuine: number };
  readonly forms: readonly FormReport[];
  readonly cardProbeBytes: { readonly median: number; readonly max: number };
  /** Milliseconds: one 640x480 live frame analysed (detect, landmarks, descriptor). */
  readonly frameMs: readonly number[];
  /** Milliseconds: one card probe enrolled (JPEG 2000 decode, face, descriptor). */
  readonly enrolMs: readonly number[];
  readonly rssMb: number;
}

export interface CalibrationOptions {
  readonly dir: string;
  readonly model?: FaceModel;
  /** The threshold in force; unset: the model's measured one. */
  readonly threshold?: number;
  readonly targetFar?: number;
  readonly onProgress?: (message: string) => void;
}

/** The face filling the tight form: a square of 1.1 face heights around the face box. */
const TIGHT = { side: 150, faceScale: 1.1 } as const;

async function liveDescriptor(engine: FaceEngine, frame: RgbImage): Promise<Float32Array | null> {
  const [face] = await engine.detect(frame, 'tiny');
  return face ? (await engine.describe(frame, face)).descriptor : null;
}

export async function calibrate(options: CalibrationOptions): Promise<CalibrationReport | { skipped: string }> {
  const pairs = readPairs(options.dir);
  if (!pairs) return { skipped: `no labelled face set at ${options.dir}` };
  const model = options.model ?? DEFAULT_FACE_MODEL;
  const threshold = thresholdFor(model, options.threshold);
  const progress = options.onProgress ?? (() => {});
  const targetFar = options.targetFar ?? 0.001;
  const engine = await loadFaceEngine(model);
  const cv = await loadOpenCv();
  const pad = async (i: RgbImage) => padImage(cv, i, 0.25);
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const sides = new Map<string, Sides>();
  const frameMs: number[] = [], enrolMs: number[] = [], probeBytes: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (const [n, file] of files.entries()) {
    const bytes = readFileSync(join(options.dir, file));
    const full = await decodeImage(bytes, 'FACE_TIMEOUT');
    // The labelled face: the largest one in the picture.
    const [face] = await engine.detect(full, 'ssd');
    let started = performance.now();
    const frame = frameImage(cv, full, 640, 480);
    const live = await liveDescriptor(engine, frame);
    frameMs.push(performance.now() - started);
    let card: Float32Array | null = null, cardTight: Float32Array | null = null, tight: Float32Array | null = null;
    if (face) {
      const probe = await cardLikeProbe(full, face.box, { grey: true });
      probeBytes.push(probe.length);
      started = performance.now();
      card = await describePortrait(engine, await decodeImage(probe), pad);
      enrolMs.push(performance.now() - started);
      const tightImage = cropSquare(cv, full, tightSquare(face.box), TIGHT.side);
      tight = await describePortrait(engine, tightImage, pad);
      cardTight = await describePortrait(engine, await decodeImage(await encodeGreyJp2(tightImage)), pad);
    }
    sides.set(file, { card, live, cardTight, tight });
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    progress(`face: ${n + 1}/${files.length} images described`);
  }
  const score = (list: readonly LabelledPair[], a: keyof Sides, b: keyof Sides): ScoredPair[] => list.map((p) => {
    const x = sides.get(p.a)?.[a], y = sides.get(p.b)?.[b];
    return { same: p.same, score: x && y ? engine.similarity(x, y) : null };
  });
  const everyPair = allVsAll(pairs);
  const forms: FormReport[] = [];
  for (const [form, a, b] of [['production', 'card', 'live'], ['tight', 'cardTight', 'tight']] as const) {
    for (const [pairSource, list] of [['all-vs-all', everyPair], ['pairs.csv', pairs]] as const) {
      const scored = score(list, a, b);
      const at = rocPoint(scored, threshold);
      forms.push({
        form, pairSource,
        atThreshold: { threshold, far: at.far, frr: at.frr },
        operating: thresholdForFar(scored, targetFar),
        eer: equalErrorRate(scored).eer,
        noFace: scored.filter((s) => s.score === null).length / Math.max(1, scored.length),
      });
    }
  }
  const scored = score(everyPair, 'card', 'live');
  const at = rocPoint(scored, threshold);
  const impostors = scored.filter((s) => !s.same).length;
  const sorted = [...probeBytes].sort((x, y) => x - y);
  return {
    dir: options.dir, model, images: files.length, targetFar,
    production: {
      threshold, far: at.far, frr: at.frr,
      noFace: scored.filter((s) => s.score === null).length / Math.max(1, scored.length),
      pairs: scored.length, impostors, genuine: scored.length - impostors,
    },
    forms,
    cardProbeBytes: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    frameMs, enrolMs, rssMb: Math.round(peakRss / 2 ** 20),
  };
}

function tightSquare(box: Rect): Rect {
  const side = Math.max(box.width, box.height) * TIGHT.faceScale;
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side };
}
