// The face driver's pure logic, without the model or OpenCV: image sniffing, similarity, the ROC
// arithmetic, the liveness measure on synthetic landmarks, and every decision rule of a match.
import t from 'tap';
import type { Point } from '../../../../drivers/face/face-api-types.js';
import { meanLuma, sharpness, sniffImageFormat, type RgbImage } from '../../../../drivers/face/image.js';
import { affineResidual, assessLiveness, landmarkMotion } from '../../../../drivers/face/liveness.js';
import { MatchSession, type FrameObservation, type MatchPolicy } from '../../../../drivers/face/match-session.js';
import { equalErrorRate, rocPoint, thresholdForFar, type ScoredPair } from '../../../../drivers/face/roc.js';
import { euclideanDistance, similarity } from '../../../../drivers/face/similarity.js';

/** A made-up 68-point face with eyes, nose, mouth corners and chin where the iBUG layout has them. */
function syntheticFace(open = 0, eyelid = 3): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) pts.push({ x: 100 + 40 * Math.cos(i * 0.7), y: 100 + 50 * Math.sin(i * 1.3) });
  const eye = (cx: number, from: number) => { for (let k = 0; k < 6; k++) pts[from + k] = { x: cx + 8 * Math.cos((k * Math.PI) / 3), y: 90 + eyelid * Math.sin((k * Math.PI) / 3) }; };
  eye(80, 36); eye(120, 42);
  pts[0] = { x: 55, y: 95 }; pts[16] = { x: 145, y: 95 }; pts[30] = { x: 100, y: 115 };
  pts[27] = { x: 100, y: 92 }; pts[31] = { x: 93, y: 118 }; pts[35] = { x: 107, y: 118 };
  pts[48] = { x: 85, y: 135 }; pts[54] = { x: 115, y: 135 }; pts[8] = { x: 100, y: 150 };
  // "open" drops the chin and turns the nose: changes a flat picture cannot make by moving.
  pts[8] = { x: 100, y: 150 + open };
  pts[30] = { x: 100 + open / 2, y: 115 };
  return pts;
}
const affine = (pts: Point[], a: number, b: number, c: number, d: number, e: number, f: number): Point[] => pts.map((p) => ({ x: a * p.x + b * p.y + c, y: d * p.x + e * p.y + f }));

t.test('image formats are recognised by their leading bytes only', async (t) => {
  t.equal(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0])), 'jpeg');
  t.equal(sniffImageFormat(Buffer.from('89504e470d0a1a0a00', 'hex')), 'png');
  t.equal(sniffImageFormat(Buffer.from('0000000c6a5020200d0a870a', 'hex')), 'jp2');
  t.equal(sniffImageFormat(Buffer.from('ff4fff51002f', 'hex')), 'jp2');
  t.equal(sniffImageFormat(Buffer.from('GIF89a')), null);
  t.equal(sniffImageFormat(Buffer.alloc(0)), null);
});

t.test('luma and sharpness: a flat grey has no edges, a checkerboard has many', async (t) => {
  const make = (f: (x: number, y: number) => number): RgbImage => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.fill(f(x, y), (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    return { data, width: 64, height: 64 };
  };
  const flat = make(() => 128), board = make((x, y) => ((x >> 2) + (y >> 2)) % 2 ? 255 : 0);
  t.equal(Math.round(meanLuma(flat, 0, 0, 64, 64)), 128);
  t.equal(sharpness(flat, 0, 0, 64, 64), 0);
  t.ok(sharpness(board, 0, 0, 64, 64) > 1000);
});

t.test('similarity is 1 - Euclidean distance, clamped', async (t) => {
  const a = new Float32Array([0, 0, 0]), b = new Float32Array([0.375, 0.5, 0]);
  t.equal(euclideanDistance(a, b), 0.625);
  t.equal(similarity(a, b), 0.375);
  t.equal(similarity(a, new Float32Array([3, 4, 0])), 0);
  t.throws(() => euclideanDistance(a, new Float32Array(2)));
});

t.test('ROC: FAR, FRR, the threshold for a target FAR, and unfound faces as rejects', async (t) => {
  const pairs: ScoredPair[] = [
    { same: true, score: 0.9 }, { same: true, score: 0.7 }, { same: true, score: 0.45 }, { same: true, score: null },
    { same: false, score: 0.5 }, { same: false, score: 0.3 }, { same: false, score: 0.2 }, { same: false, score: null },
  ];
  t.same(rocPoint(pairs, 0.5), { threshold: 0.5, far: 0.25, frr: 0.5 });
  const op = thresholdForFar(pairs, 0.001);
  t.equal(op.far, 0, 'the set cannot show 0.1%, so FAR 0');
  t.equal(op.threshold, 0.501, 'just above the best impostor');
  t.equal(op.frr, 0.5);
  t.equal(op.resolution, 0.25);
  t.ok(equalErrorRate(pairs).eer >= 0.25);
});

t.test('liveness: a flat picture moved and tilted (affine) shows no motion; a mouth opening does', async (t) => {
  const face = syntheticFace();
  const moved = affine(face, 0.95, 0.1, 12, -0.08, 1.05, -7);
  t.ok(affineResidual(face, moved) < 1e-6);
  t.ok(landmarkMotion(face, moved) < 1e-6);
  t.ok(landmarkMotion(face, syntheticFace(12)) > 0.05);
  const still = assessLiveness([face, moved, affine(face, 1.1, 0, 3, 0, 1.1, 4)], 0.02);
  t.equal(still.live, false);
  const live = assessLiveness([face, moved, syntheticFace(12)], 0.02);
  t.equal(live.live, true);
  t.equal(assessLiveness([face, syntheticFace(12)], 0.02).live, false, 'two frames are too few to judge');
  const blink = assessLiveness([face, face, syntheticFace(0, 0.5), face], 0.02);
  t.equal(blink.motion < 0.02, true, 'a blink barely moves the steady landmarks');
  t.ok(blink.blink < 0.3, `blink ratio ${blink.blink}`);
  t.equal(blink.live, true, 'but the eyes closing shows a live face');
  t.equal(assessLiveness([face, face, face], 0.02).blink, 1);
});

const policy: MatchPolicy = { threshold: 0.5, framesToDecide: 3, framesToReject: 5, liveness: 'movement', livenessMinMotion: 0.02, maxFrames: 100 };
const good = (similarity: number, open = 0): FrameObservation => ({ kind: 'good', similarity, quality: 1, landmarks: syntheticFace(open) });

t.test('match: decides as soon as enough alike frames show a live face', async (t) => {
  const s = new MatchSession(policy);
  t.same(s.add({ kind: 'no-face' }), { guidance: 'look-at-camera' });
  t.same(s.add({ kind: 'poor', guidance: 'come-closer' }), { guidance: 'come-closer' });
  t.same(s.add(good(0.7, 0)), { guidance: 'hold-still' });
  s.add(good(0.72, 6));
  const step = s.add(good(0.68, 12));
  t.equal(step.outcome?.decision, 'match');
  t.equal(step.outcome?.score, 0.7, 'median of the compared frames');
  t.equal(step.outcome?.frames, 5);
});

t.test('match: an alike but motionless face is a spoof at the deadline, never a match', async (t) => {
  const s = new MatchSession(policy);
  for (let i = 0; i < 10; i++) t.notOk(s.add(good(0.8)).outcome, 'no early decision');
  const end = s.finish();
  t.equal(end.decision, 'spoof');
  t.equal(end.score, 0.8);
  t.equal(new MatchSession({ ...policy, liveness: 'off' }).add(good(0.8)).outcome, undefined);
});

t.test('match: a different face ends as a mismatch after framesToReject frames', async (t) => {
  const s = new MatchSession(policy);
  for (let i = 0; i < 4; i++) t.notOk(s.add(good(0.3, i * 4)).outcome);
  t.equal(s.add(good(0.3, 20)).outcome?.decision, 'mismatch');
});

t.test('match: nobody, or only two faces, is no-face; one stray alike frame does not pass', async (t) => {
  const nobody = new MatchSession(policy);
  nobody.add({ kind: 'no-face' });
  t.same(nobody.finish(), { decision: 'no-face', score: null, frames: 1, liveness: { motion: 0, blink: 1, frames: 0, live: false } });
  const two = new MatchSession(policy);
  t.same(two.add({ kind: 'many-faces', count: 2 }), { guidance: 'one-person-only' });
  t.equal(two.finish().decision, 'no-face');
  const brief = new MatchSession(policy);
  brief.add(good(0.9));
  t.equal(brief.finish().decision, 'no-face', 'too few frames to judge liveness is a timeout, not a spoof');
  const outlier = new MatchSession({ ...policy, liveness: 'off' });
  outlier.add(good(0.2)); outlier.add(good(0.9)); outlier.add(good(0.3));
  t.equal(outlier.finish().decision, 'mismatch', 'the median, not the best frame, decides');
});

t.test('frame quality: size, light, pose and blur each give their own guidance', async (t) => {
  const { assessFrame, boxGuidance, poseOf, DEFAULT_QUALITY_LIMITS } = await import('../../../../drivers/face/frame-quality.js');
  const w = 320, h = 240;
  const image = (f: (x: number, y: number) => number): RgbImage => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    return { data, width: w, height: h };
  };
  const textured = image((x, y) => 90 + ((x * 7 + y * 13) % 5) * 30);
  const dark = image(() => 20), flat = image(() => 128);
  const box = { x: 100, y: 60, width: 120, height: 120 };
  t.equal(boxGuidance(textured, { ...box, width: 40 }), 'come-closer');
  t.equal(boxGuidance(textured, { x: 0, y: 0, width: 235, height: 235 }), 'move-back');
  t.equal(boxGuidance(dark, box), 'more-light');
  t.equal(boxGuidance(textured, box), null);
  const face = syntheticFace().map((p) => ({ x: p.x + 60, y: p.y }));
  t.ok(poseOf(face).yawOffset < 0.05, 'the synthetic face is frontal');
  t.equal(assessFrame(textured, box, face).guidance, null);
  t.equal(assessFrame(flat, box, face).guidance, 'hold-still', 'no detail at all reads as blur');
  const turned = face.map((p, i) => (i === 30 ? { x: p.x + 30, y: p.y } : p));
  t.equal(assessFrame(textured, box, turned).guidance, 'look-at-camera');
  t.ok(assessFrame(textured, box, face).score > assessFrame(textured, { ...box, width: 90, height: 90 }, face).score, 'bigger faces rank higher');
  t.equal(DEFAULT_QUALITY_LIMITS.minFacePx, 80);
});
