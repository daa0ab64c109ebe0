// The fused model's descriptor layout and score, without the models: parts side by side in a fixed
// order, each compared by its own measure, the weighted mean clamped to [0, 1]; wrong lengths throw.
// And dlib's chip: the five points land where DLIB_CHIP frames them.
import t from 'tap';
import { FUSED_LENGTH, FUSION, fuseDescriptors, fusedSimilarity, partSimilarities } from '../../../../drivers/face/descriptor-fusion.js';
import { ARCFACE_TEMPLATE, DLIB_CHIP, similarityTransform, warpGrey } from '../../../../drivers/face/onnx-engine.js';
import { MODEL_THRESHOLDS, thresholdFor } from '../../../../drivers/face/model-thresholds.js';

/** A unit vector of `n` values with 1 at `i`. */
function unit(n: number, i: number): Float32Array {
  const v = new Float32Array(n);
  v[i] = 1;
  return v;
}

t.test('layout: fr512, MobileFaceNet, dlib in that order; lengths checked', async (t) => {
  t.same(FUSION.map((p) => [p.name, p.length]), [['fr512', 512], ['mobilefacenet', 192], ['dlib', 128]]);
  t.equal(FUSED_LENGTH, 832);
  const fused = fuseDescriptors([unit(512, 3), unit(192, 5), new Float32Array(128).fill(0.25)]);
  t.equal(fused.length, 832);
  t.same([fused[3], fused[512 + 5], fused[704], fused[831]], [1, 1, 0.25, 0.25], 'each part at its offset');
  t.throws(() => fuseDescriptors([unit(512, 0), unit(128, 0), unit(128, 0)]), /mobilefacenet descriptor has 128 values/);
  t.throws(() => fuseDescriptors([unit(512, 0)]), /expected 3 descriptors/);
  t.throws(() => fusedSimilarity(new Float32Array(512), new Float32Array(832)), /fused descriptors have 832/);
});

t.test('score: each part by its own measure, then the weighted mean, clamped to [0, 1]', async (t) => {
  const dlibA = new Float32Array(128), dlibB = new Float32Array(128);
  dlibB[0] = 0.3; // distance 0.3: dlib similarity 0.7
  const a = fuseDescriptors([unit(512, 0), unit(192, 0), dlibA]);
  // fr512 cosine 0.6, MobileFaceNet cosine 0 (orthogonal), dlib 0.7
  const fr = new Float32Array(512); fr[0] = 0.6; fr[1] = 0.8;
  const b = fuseDescriptors([fr, unit(192, 1), dlibB]);
  const sims = partSimilarities(a, b);
  t.ok(Math.abs(sims[0]! - 0.6) < 1e-6 && Math.abs(sims[1]!) < 1e-6 && Math.abs(sims[2]! - 0.7) < 1e-6, `part similarities ${sims.join(', ')}`);
  const w = FUSION.map((p) => p.weight);
  const expected = (w[0]! * 0.6 + w[1]! * 0 + w[2]! * 0.7) / (w[0]! + w[1]! + w[2]!);
  t.ok(Math.abs(fusedSimilarity(a, b) - expected) < 1e-6, 'the weighted mean');
  t.equal(fusedSimilarity(a, a), 1, 'a face against itself scores 1');
  const opposite = fuseDescriptors([unit(512, 0).map((x) => -x), unit(192, 0).map((x) => -x), new Float32Array(128).fill(1)]);
  t.equal(fusedSimilarity(a, opposite), 0, 'never below 0');
  t.equal(thresholdFor('fused', undefined), MODEL_THRESHOLDS.fused);
  t.ok(MODEL_THRESHOLDS.fused > 0 && MODEL_THRESHOLDS.fused < 1);
});

t.test("dlib's chip: the template's points land at DLIB_CHIP's framing, and the warp samples there", async (t) => {
  // A picture whose grey level is its x coordinate: the chip's pixel (u, v) must read the x that the
  // inverse map sends it to, which for an upright, unscaled face is linear in u.
  const width = 400, height = 400;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(Math.min(255, x), (y * width + x) * 3, (y * width + x) * 3 + 3);
  const points = ARCFACE_TEMPLATE.map(([x, y]) => [x + 100, y + 100] as const);
  const k = DLIB_CHIP.side / DLIB_CHIP.span;
  const target = ARCFACE_TEMPLATE.map(([x, y]) => [DLIB_CHIP.side / 2 + (x - DLIB_CHIP.centre[0]) * k, DLIB_CHIP.side / 2 + (y - DLIB_CHIP.centre[1]) * k] as const);
  const m = similarityTransform(points, target);
  const chip = warpGrey({ data, width, height }, m, DLIB_CHIP.side);
  t.equal(chip.length, DLIB_CHIP.side * DLIB_CHIP.side);
  // Chip pixel u reads picture x = 100 + centre_x + (u - side/2) / k.
  for (const u of [0, 40, 75, 149]) {
    const x = 100 + DLIB_CHIP.centre[0] + (u - DLIB_CHIP.side / 2) / k;
    t.ok(Math.abs(chip[20 * DLIB_CHIP.side + u]! - x) <= 1, `chip column ${u} reads x ${x.toFixed(1)} (got ${chip[20 * DLIB_CHIP.side + u]})`);
  }
});
