// The shared face model's calls are taken from the readers' queues in turn (fair-queue.ts): a
// reader with many calls waiting cannot starve one that has a single call. Behaviour only: the
// fake engine finishes a call when the test says so, so the order is exact and no clock matters.
import t from 'tap';
import { FairQueue, engineLane } from '../../../../drivers/face/fair-queue.js';
import type { FaceEngine, FoundFace } from '../../../../drivers/face/engine-types.js';
import type { RgbImage } from '../../../../drivers/face/image.js';

/** A fake engine: records which image each call was for, and runs one call until released. */
function fakeEngine() {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const call = <T>(label: string, value: T) => new Promise<T>((resolve) => {
    started.push(label);
    running++;
    most = Math.max(most, running);
    pending.push(() => { running--; resolve(value); });
  });
  const engine: FaceEngine = {
    model: 'fused', version: 'fake',
    detect: (image) => call((image as unknown as { label: string }).label, [] as FoundFace[]),
    describe: (image, face) => call((image as unknown as { label: string }).label, { ...face, landmarks: [], descriptor: new Float32Array(1) }),
    similarity: () => 0.5,
    memory: () => ({ tensors: 0, bytes: 0 }),
  };
  /** Lets the oldest running call finish and the queue move on. */
  const release = async () => { pending.shift()?.(); await new Promise((r) => setImmediate(r)); };
  return { engine, started, release, most: () => most };
}

const frame = (label: string) => ({ label }) as unknown as RgbImage;

t.test('a busy reader does not starve another: calls alternate between waiting readers', async (t) => {
  const { engine, started, release, most } = fakeEngine();
  const queue = new FairQueue();
  const busy = engineLane(engine, queue, 'busy');
  const other = engineLane(engine, queue, 'other');
  const third = engineLane(engine, queue, 'third');
  // The busy reader queues ten frames before the others ask anything.
  const done: Promise<unknown>[] = [];
  for (let i = 0; i < 10; i++) done.push(busy.detect(frame(`busy-${i}`), 'tiny'));
  await new Promise((r) => setImmediate(r));
  done.push(other.detect(frame('other-0'), 'tiny'), other.detect(frame('other-1'), 'tiny'));
  done.push(third.describe(frame('third-0'), { box: { x: 0, y: 0, width: 1, height: 1 }, score: 1 } as FoundFace));
  t.same(queue.waiting(), { busy: 9, other: 2, third: 1 });
  while (started.length < 13) await release();
  await release();
  await Promise.all(done);
  t.same(started.slice(0, 7), ['busy-0', 'busy-1', 'other-0', 'third-0', 'busy-2', 'other-1', 'busy-3'],
    'after the call already running, each waiting reader gets one call in turn');
  t.ok(started.indexOf('third-0') < started.indexOf('busy-3'), "the third reader's only call waits for at most one call of each other reader");
  t.same(started.filter((s) => s.startsWith('busy')), Array.from({ length: 10 }, (_, i) => `busy-${i}`), "each reader's own calls keep their order");
  t.equal(most(), 1, 'one call in the engine at a time');
  t.same(queue.waiting(), {});
});

t.test('a call that fails rejects only its caller and the queue goes on', async (t) => {
  const queue = new FairQueue();
  const failing = queue.run('a', async () => { throw new Error('model error'); });
  const next = queue.run('b', async () => 'ok');
  await t.rejects(failing, /model error/);
  t.equal(await next, 'ok');
});

t.test('with concurrency 2 two calls run at once, still taken in turn', async (t) => {
  const { engine, started, release, most } = fakeEngine();
  const queue = new FairQueue(2);
  const a = engineLane(engine, queue, 'a');
  const b = engineLane(engine, queue, 'b');
  const done = Array.from({ length: 6 }, (_, i) => a.detect(frame(`a-${i}`), 'tiny'));
  done.push(b.detect(frame('b-0'), 'tiny'));
  await new Promise((r) => setImmediate(r));
  t.same(started, ['a-0', 'a-1'], 'two of a started before b asked');
  await release();
  await release();
  t.same(started, ['a-0', 'a-1', 'a-2', 'b-0'], 'a (waiting first) gets one, then b, not a-3');
  while (started.length < 7) await release();
  for (let i = 0; i < 3; i++) await release();
  await Promise.all(done);
  t.equal(most(), 2);
});

t.test('a lane forwards the model, version and similarity of the shared engine', async (t) => {
  const { engine } = fakeEngine();
  const lane = engineLane(engine, new FairQueue(), 'x');
  t.equal(lane.model, 'fused');
  t.equal(lane.version, 'fake');
  t.equal(lane.similarity(new Float32Array(1), new Float32Array(1)), 0.5);
});
