// The liveness check on the real model at the shipped setting (face.livenessMinMotion's default):
// a still photo held up to the camera by a hand (simulated: turned, tilted, moved, noisy) must not
// count as live, and a face whose nose moves against the rest of it (a head turning a little) must.
// Pictures are the face-api package's sample photos, cut as test/helpers/face-images.ts does.
import t from 'tap';
import type { Point } from '../../../../drivers/face/face-api-types.js';
import { FaceConfigSchema } from '../../../../drivers/face/config.js';
import { loadFaceEngine } from '../../../../drivers/face/face-engine.js';
import type { RgbImage } from '../../../../drivers/face/image.js';
import { assessLiveness } from '../../../../drivers/face/liveness.js';
import { handheldFrames } from '../../../../drivers/face/sim/still-photo.js';
import { liveFrames, peopleFrom, type Person } from '../../../helpers/face-images.js';

const MIN_MOTION = FaceConfigSchema.properties.livenessMinMotion.default as number;
/** Nose shifts (eye distances): a head turning a little left and right. */
const LIVE_TURNS = [0, 0.25, -0.25, 0.15];

const engine = await loadFaceEngine();
const people: Person[] = [...(await peopleFrom(3, 2)), ...(await peopleFrom(5, 2))];
t.ok(people.length >= 3, `${people.length} people cut from two sample photos`);

async function landmarksOf(frames: readonly RgbImage[]): Promise<Array<readonly Point[]>> {
  const sets: Array<readonly Point[]> = [];
  for (const frame of frames) {
    const [face] = await engine.detect(frame, 'tiny');
    if (face) sets.push((await engine.describe(frame, face)).landmarks);
  }
  return sets;
}

// These faces are large in their frame (~90 px between the eyes). Landmark jitter is about a pixel,
// so smaller faces now and then reach the threshold (docs/face.md, "Liveness": 5-6 of 32 simulated
// sequences with 45-70 px between the eyes). Before the fix (landmarks on the axis-aligned template
// square), 5 of these 8 sequences passed as live, one photo even "blinked" (0.63), and the most a
// still photo moved (0.081) was more than a turning face did (0.048).
t.test(`hand-held still photos stay below livenessMinMotion ${MIN_MOTION}; a turning face reaches it`, async (t) => {
  const still: number[] = [];
  for (const [i, person] of people.entries()) {
    for (const seed of [1, 2]) {
      const sets = await landmarksOf(await handheldFrames(person.frame, 6, 10 * i + seed));
      t.ok(sets.length >= 5, `person ${i}, seed ${seed}: the face is found in the moved photo`);
      const result = assessLiveness(sets, MIN_MOTION);
      t.ok(result.blink > 0.65, `person ${i}, seed ${seed}: a photo does not blink (${result.blink.toFixed(2)})`);
      still.push(result.motion);
    }
  }
  const passed = still.filter((m) => m >= MIN_MOTION);
  t.equal(passed.length, 0, `still photos taken for live: ${passed.length} of ${still.length} (motions ${still.map((m) => m.toFixed(3)).join(' ')})`);
  const live: number[] = [];
  for (const [i, person] of people.entries()) {
    const result = assessLiveness(await landmarksOf(await liveFrames(person.frame, LIVE_TURNS)), MIN_MOTION);
    t.ok(result.live, `person ${i}: a turning face is live (motion ${result.motion.toFixed(3)})`);
    live.push(result.motion);
  }
  t.ok(Math.max(...still) < Math.min(...live), `the most a still photo moved (${Math.max(...still).toFixed(3)}) is below the least a turning face did (${Math.min(...live).toFixed(3)})`);
});
