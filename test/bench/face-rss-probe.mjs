// Run as a child process by face.bench.ts: the resident memory of a process that has loaded the
// face model and done the gateway's work once (a card enrolled, 20 live frames analysed), without
// the benchmark's own data around it. Prints one JSON line.
// Plain JavaScript on the compiled driver (dist/, `npm run build`), because that is how the
// daemon runs (bin/oqsgw.js): under tsx the same steps held ~34 MB more, tsx's own compiler.
import { readFileSync } from 'node:fs';

const dist = new URL('../../dist/drivers/face/', import.meta.url);
const { describePortrait } = await import(new URL('camera-face-matcher.js', dist).href);
const { loadFaceEngine } = await import(new URL('face-engine.js', dist).href);
const { cardLikeProbe } = await import(new URL('card-probe.js', dist).href);
const { decodeImage, frameImage, loadOpenCv, padImage } = await import(new URL('opencv-image.js', dist).href);

const [model, picture] = process.argv.slice(2);
const cv = await loadOpenCv();
const engine = await loadFaceEngine(model);
const full = await decodeImage(readFileSync(picture));
const [face] = await engine.detect(full, 'tiny');
if (!face) throw new Error(`no face in ${picture}`);
const probe = await cardLikeProbe(full, face.box, { grey: true });
const card = await describePortrait(engine, await decodeImage(probe), async (i) => padImage(cv, i, 0.25));
const frame = frameImage(cv, full, 640, 480);
for (let i = 0; i < 20; i++) {
  const [f] = await engine.detect(frame, 'tiny');
  if (f && card) engine.similarity(card, (await engine.describe(frame, f)).descriptor);
}
console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
