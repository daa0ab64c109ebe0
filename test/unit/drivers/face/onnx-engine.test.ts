// The ONNX engine's geometry and score, without the models: the 5-point alignment maps a face
// onto the template whatever its position, size and roll; the square derived from the points;
// cosine similarity clamped to [0, 1]; padding keeps pixels where they were.
import t from 'tap';
import { ARCFACE_TEMPLATE, LANDMARK_FRAMING, landmarkCrop, padRgb, warpCrop, similarityTransform, templateBox } from '../../../../drivers/face/onnx-engine.js';
import { cosineSimilarity } from '../../../../drivers/face/similarity.js';
import { MODEL_THRESHOLDS, thresholdFor } from '../../../../drivers/face/model-thresholds.js';

/** The template rotated by `deg`, scaled by `k` and moved by (dx, dy): a face as a camera sees it. */
function placed(deg: number, k: number, dx: number, dy: number): Array<[number, number]> {
  const r = (deg * Math.PI) / 180;
  return ARCFACE_TEMPLATE.map(([x, y]) => [k * (Math.cos(r) * x - Math.sin(r) * y) + dx, k * (Math.sin(r) * x + Math.cos(r) * y) + dy]);
}

t.test('alignment: a face turned, scaled and moved maps back onto the template exactly', async (t) => {
  for (const [deg, k, dx, dy] of [[0, 1, 0, 0], [25, 2.5, 300, 120], [-40, 0.6, 10, 400]] as const) {
    const m = similarityTransform(placed(deg, k, dx, dy), ARCFACE_TEMPLATE);
    placed(deg, k, dx, dy).forEach(([x, y], i) => {
      const [tx, ty] = ARCFACE_TEMPLATE[i]!;
      t.ok(Math.abs(m[0] * x + m[1] * y + m[2] - tx) < 1e-6 && Math.abs(m[3] * x + m[4] * y + m[5] - ty) < 1e-6, `point ${i} at roll ${deg}`);
    });
  }
  t.throws(() => similarityTransform([[5, 5], [5, 5], [5, 5], [5, 5], [5, 5]], ARCFACE_TEMPLATE), /coincide/);
});

t.test('the face square: the template frame mapped into the picture', async (t) => {
  const box = templateBox(placed(0, 2, 100, 50))!;
  t.same(Object.values(box).map((v) => Math.round(v * 1e6) / 1e6), [100, 50, 224, 224]);
  const turned = templateBox(placed(45, 1, 0, 0))!;
  t.ok(Math.abs(turned.width - 112 * Math.SQRT2) < 1e-6, 'a rolled face gets the square around the turned frame');
});

t.test('the landmark crop: the face upright, sized by the face and not by its roll, framed like face-api boxes', async (t) => {
  const F = LANDMARK_FRAMING;
  const x0 = 56 - (F.width * 112) / 2, y0 = 56 + F.down * 112 - (F.height * 112) / 2;
  for (const [deg, k] of [[0, 2], [-12, 2], [30, 1.5], [90, 0.8]] as const) {
    const points = placed(deg, k, 300, 120);
    const crop = landmarkCrop(points)!;
    t.same([crop.width, crop.height], [Math.round(F.width * 112 * k), Math.round(F.height * 112 * k)], `roll ${deg}°, scale ${k}: size from the scale alone`);
    // Each template point, placed in the crop at the picture's scale, lands on the face's own point.
    const [a, b, c, d, e, f] = crop.toPicture;
    ARCFACE_TEMPLATE.forEach(([tx, ty], i) => {
      const u = (tx - x0) * k, v = (ty - y0) * k;
      const [px, py] = points[i]!;
      t.ok(Math.abs(a * u + b * v + c - px) < 1e-6 && Math.abs(d * u + e * v + f - py) < 1e-6, `roll ${deg}°: point ${i} maps back onto the face`);
    });
  }
  t.equal(landmarkCrop([[5, 5], [5, 5], [5, 5], [5, 5], [5, 5]]), null, 'coincident points: no crop');
});

t.test('the landmark crop is sampled from the picture where toPicture says', async (t) => {
  // A picture whose red channel is x and green is y: the crop's pixels tell where they came from.
  const width = 200, height = 150, data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) { data[(y * width + x) * 3] = x; data[(y * width + x) * 3 + 1] = y; }
  const crop = landmarkCrop(placed(20, 0.8, 60, 20))!;
  const out = warpCrop({ data, width, height }, crop);
  const [a, b, c, d, e, f] = crop.toPicture;
  for (const [u, v] of [[3, 4], [crop.width - 5, 7], [20, crop.height - 3]] as const) {
    const o = (v * crop.width + u) * 3;
    t.ok(Math.abs(out.data[o]! - (a * u + b * v + c)) <= 1 && Math.abs(out.data[o + 1]! - (d * u + e * v + f)) <= 1, `crop pixel ${u},${v}`);
  }
});

t.test('score: cosine of unit descriptors, clamped to [0, 1]; thresholds per model', async (t) => {
  const a = new Float32Array([1, 0, 0]), b = new Float32Array([0.6, 0.8, 0]);
  t.ok(Math.abs(cosineSimilarity(a, b) - 0.6) < 1e-6);
  t.equal(cosineSimilarity(a, new Float32Array([-1, 0, 0])), 0, 'opposite descriptors score 0, not -1');
  t.equal(cosineSimilarity(a, a), 1);
  t.throws(() => cosineSimilarity(a, new Float32Array(2)), /lengths differ/);
  t.equal(thresholdFor('fr512', undefined), MODEL_THRESHOLDS.fr512);
  t.equal(thresholdFor('dlib', undefined), MODEL_THRESHOLDS.dlib);
  t.equal(thresholdFor('fr512', 0.6), 0.6, 'a configured threshold wins');
});

t.test('padding: the picture moves by the pad, edges repeat or turn grey', async (t) => {
  const image = { data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };
  const rep = padRgb(image, 0.5, 'replicate');
  t.same([rep.dx, rep.dy, rep.image.width, rep.image.height], [1, 1, 4, 3]);
  const px = (x: number, y: number, i = rep.image) => Array.from(i.data.slice((y * i.width + x) * 3, (y * i.width + x) * 3 + 3));
  t.same(px(1, 1), [10, 20, 30], 'the first pixel moved by (dx, dy)');
  t.same(px(0, 0), [10, 20, 30], 'corner repeats the nearest edge pixel');
  t.same(px(3, 2), [40, 50, 60]);
  const grey = padRgb(image, 0.5, 'grey');
  t.same(px(0, 0, grey.image), [128, 128, 128]);
  t.same(px(2, 1, grey.image), [40, 50, 60]);
});
