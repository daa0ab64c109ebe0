// Several readers, one face model (issue 18): each reader's camera matcher uses the one loaded
// engine through its lane of a fair queue. Two readers matching at the same time get each its own
// answer (nothing of one reader's frames reaches the other's decision), both readers' calls went
// through the queue, and the engine is loaded once. Real model, simulated cameras (files).
import t from 'tap';
import { silentLogger } from '../../../../vocabulary/log.js';
import { CameraFaceMatcher } from '../../../../drivers/face/camera-face-matcher.js';
import { DEFAULT_FACE_MODEL, loadFaceEngine } from '../../../../drivers/face/face-engine.js';
import { FairQueue } from '../../../../drivers/face/fair-queue.js';
import type { MatchPolicy } from '../../../../drivers/face/match-session.js';
import { MODEL_THRESHOLDS } from '../../../../drivers/face/model-thresholds.js';
import { SimCamera, type SimFrame } from '../../../../drivers/face/sim/sim-camera.js';
import { liveFrames, peopleFrom, type Person } from '../../../helpers/face-images.js';

// As in camera.test.ts: low liveness motion (plumbing, not the threshold), attempts bounded by frames.
const POLICY: MatchPolicy = { threshold: MODEL_THRESHOLDS[DEFAULT_FACE_MODEL], framesToDecide: 3, framesToReject: 5, liveness: 'movement', livenessMinMotion: 0.01, maxFrames: 8 };
const LIVE_TURNS = [0, 0.25, -0.25, 0.15];

const engine = await loadFaceEngine();
const [alice] = await peopleFrom(3, 1) as [Person];
const [bob] = await peopleFrom(5, 1) as [Person];

/** Counts the calls each lane put through the queue. */
class CountingQueue extends FairQueue {
  readonly calls: Record<string, number> = {};
  override run<T>(lane: string, task: () => Promise<T>): Promise<T> {
    this.calls[lane] = (this.calls[lane] ?? 0) + 1;
    return super.run(lane, task);
  }
}

async function reader(queue: FairQueue, lane: string, scene: readonly SimFrame[], card: Buffer) {
  const matcher = new CameraFaceMatcher({ source: new SimCamera(scene, 1), policy: POLICY, detector: 'tiny', logger: silentLogger, share: { queue, lane } });
  await matcher.start();
  try {
    const reference = await matcher.enrol(card);
    const result = await matcher.match(reference, { timeoutMs: 60_000 });
    reference.dispose();
    return { result, health: matcher.health() };
  } finally {
    await matcher.stop();
  }
}

t.test('two readers at once on one model: each its own decision, both through the queue', async (t) => {
  const queue = new CountingQueue();
  const [a, b] = await Promise.all([
    reader(queue, 'entrance-1', await liveFrames(alice.frame, LIVE_TURNS), alice.card),
    // entrance-2: alice's card, but bob in front of the camera.
    reader(queue, 'entrance-2', await liveFrames(bob.frame, LIVE_TURNS), alice.card),
  ]);
  t.equal(a.result.decision, 'match', `entrance-1: the card holder (score ${a.result.score})`);
  t.equal(b.result.decision, 'mismatch', `entrance-2: someone else (score ${b.result.score})`);
  t.ok(a.result.score! >= POLICY.threshold && b.result.score! < POLICY.threshold);
  t.ok((queue.calls['entrance-1'] ?? 0) >= 2 && (queue.calls['entrance-2'] ?? 0) >= 2, `calls per lane: ${JSON.stringify(queue.calls)}`);
  t.same(queue.waiting(), {}, 'nothing left in the queue');
  t.match(a.health.detail, engine.version, "the shared engine's version");
  t.equal(await loadFaceEngine(), engine, 'one engine object for the process');
});
