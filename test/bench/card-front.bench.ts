// Card-front benchmark: 照合番号B read from generated fronts (drivers/card/sim/front-generator.ts,
// seeds 1..N) with the full camera damage, frames as a camera would deliver them (up to
// CARD_FRONT_BENCH_FRAMES per front, default 12: what the default 8 s time limit leaves room for
// several times over), through the reader the flow uses (front-vote.ts). Reports the share
// of fronts fully in view whose key came out exactly right, the number of WRONG keys handed out
// (must be 0: a wrong key burns one of the card's tries), and the reader's time per front
// (generation not counted), both per front and until the key for the fronts that gave one. CARD_FRONT_BENCH_N sets N (default 500, the figure),
// CARD_FRONT_BENCH_FROM the first seed.
import { performance } from 'node:perf_hooks';
import { createFrontOcr } from '../../drivers/card/front/front-ocr.js';
import { CardFrontReader, type FrontFrameSource } from '../../drivers/card/front/front-reader.js';
import { loadFrontOpenCv } from '../../drivers/card/front/opencv.js';
import { frontCamera } from '../../drivers/card/sim/front-generator.js';
import { summarise, type BenchReport } from './report.js';


export default async function bench(): Promise<BenchReport> {
  const n = Number(process.env.CARD_FRONT_BENCH_N ?? 500);
  // CARD_FRONT_BENCH_FROM: first seed (default 1), so a long run can be split into parts.
  const from = Number(process.env.CARD_FRONT_BENCH_FROM ?? 1);
  // The frames one front may take. The daemon reads until card.front.timeLimitMs (8 s by default),
  // room for ~25 frames at ~0.3 s; a cap keeps the bench's length fixed whatever the load.
  const FRAMES = Number(process.env.CARD_FRONT_BENCH_FRAMES ?? 12);
  const name = 'card front: 照合番号B by OCR';
  let cv: Awaited<ReturnType<typeof loadFrontOpenCv>>;
  let reader: CardFrontReader;
  try {
    cv = await loadFrontOpenCv();
    reader = new CardFrontReader(cv, createFrontOcr(cv));
  } catch (error) {
    return { name, method: '', figures: [], skipped: error instanceof Error ? error.message : String(error) };
  }
  let inView = 0;
  let right = 0;
  let rightAny = 0;
  let wrong = 0;
  let disagreed = 0;
  let framesUsed = 0;
  const ms: number[] = [];
  // Until the key, for the fronts that gave the right one: what a patient waits when it works.
  const msToKey: number[] = [];
  // CPU time of the process (all its threads: the OCR runs on a worker thread) per front, camera
  // work taken off. The reader works one step after another, so on an idle box its wall time is
  // about its CPU time: a figure that a loaded box (other jobs) inflates far less than the wall time.
  const cpuMs: number[] = [];
  const cpuMsToKey: number[] = [];
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const failures: Record<string, number> = {};
  for (let seed = from; seed < from + n; seed++) {
    const front = frontCamera(cv, seed);
    const full = front.shot(0).fullyInView;
    if (full) inView++;
    let next = 0;
    // Rendering and decoding are the camera's work, not the reader's: taken off its time.
    let cameraMs = 0;
    let cameraCpuMs = 0;
    const source: FrontFrameSource = {
      open: async () => {},
      close: async () => {},
      describe: () => 'generated',
      read: async () => {
        const t = performance.now();
        const c = cpuNow();
        const mat = cv.imdecode(front.shot(next++).jpeg);
        cameraMs += performance.now() - t;
        cameraCpuMs += cpuNow() - c;
        return mat;
      },
    };
    const start = performance.now();
    const startCpu = cpuNow();
    const result = await reader.readKey(source, { timeLimitMs: 600_000, maxFrames: FRAMES, now: () => new Date('2026-11-29T00:00:00Z') });
    const took = performance.now() - start - cameraMs;
    const tookCpu = cpuNow() - startCpu - cameraCpuMs;
    ms.push(took);
    cpuMs.push(tookCpu);
    framesUsed += result.frames;
    if (result.ok) {
      if (result.key.bytes().toString('ascii') === front.key) {
        rightAny++;
        msToKey.push(took);
        cpuMsToKey.push(tookCpu);
        if (full) right++;
      } else {
        wrong++;
        // The seed only (the fronts are synthetic; still, no field or key goes to the report).
        process.stderr.write(`card front bench: seed ${seed}: WRONG key\n`);
      }
    } else {
      failures[result.why] = (failures[result.why] ?? 0) + 1;
      if (result.lastFrame === 'FRAMES_DISAGREE') disagreed++;
      if (full) process.stderr.write(`card front bench: seed ${seed}: no key, ${result.why} (last: ${result.lastFrame})\n`);
    }
    if ((seed - from + 1) % 25 === 0) process.stderr.write(`card front bench: ${seed - from + 1}/${n} right ${right}/${inView} wrong ${wrong}\n`);
  }
  await reader.close();
  const { median, p95 } = summarise(ms);
  const toKey = summarise(msToKey);
  const cpuToKey = summarise(cpuMsToKey);
  const cpu = summarise(cpuMs);
  return {
    name,
    method: `${n} generated fronts (seeds ${from}..${from + n - 1}), full damage, up to ${FRAMES} frames each (1920x1080 JPEG); key handed out by the reader's vote (two sizes agree; a one-digit era year never when a frame read two; any other disagreement outnumbered by 2, by 1 when the rival only lost a digit: front-vote.ts); time = reader only (find, deskew, OCR, checks) per front until a key or ${FRAMES} frames`,
    figures: [
      { name: 'fronts fully in view', value: inView, unit: 'fronts' },
      { name: 'key exactly right (fully in view)', value: Number(((100 * right) / Math.max(1, inView)).toFixed(1)), unit: '%' },
      { name: 'key exactly right (all fronts)', value: Number(((100 * rightAny) / n).toFixed(1)), unit: '%' },
      { name: 'WRONG keys handed out', value: wrong, unit: 'keys' },
      { name: 'no key (all fronts)', value: Number(((100 * (n - rightAny - wrong)) / n).toFixed(1)), unit: '%' },
      { name: 'no key: FRONT_NOT_FOUND', value: failures.FRONT_NOT_FOUND ?? 0, unit: 'fronts' },
      { name: 'no key: FRONT_UNREADABLE', value: failures.FRONT_UNREADABLE ?? 0, unit: 'fronts' },
      { name: 'no key: frames disagreed (of the unreadable)', value: disagreed, unit: 'fronts' },
      { name: 'frames read per front (mean)', value: Number((framesUsed / n).toFixed(2)), unit: 'frames' },
      { name: 'time to the key median (fronts with the right key)', value: Math.round(toKey.median), unit: 'ms' },
      { name: 'time to the key p95 (fronts with the right key)', value: Math.round(toKey.p95), unit: 'ms' },
      { name: 'time per front median (all, a front without a key counts all its frames)', value: Math.round(median), unit: 'ms' },
      { name: 'time per front p95 (all)', value: Math.round(p95), unit: 'ms' },
      { name: 'CPU time to the key median (fronts with the right key)', value: Math.round(cpuToKey.median), unit: 'ms' },
      { name: 'CPU time to the key p95 (fronts with the right key)', value: Math.round(cpuToKey.p95), unit: 'ms' },
      { name: 'CPU time per front median (all)', value: Math.round(cpu.median), unit: 'ms' },
      { name: 'CPU time per front p95 (all)', value: Math.round(cpu.p95), unit: 'ms' },
    ],
  };
}
