// The inquiry limiter: never more than N at once, the rest in arrival order, failures release.
import t from 'tap';
import { Limiter } from '../../../../daemon/ehr/limiter.js';

t.test('at most N at once, in arrival order', async (t) => {
  const limiter = new Limiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) => limiter.run(async () => {
    started.push(i);
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    if (i === 1) throw new Error('a failed inquiry');
    return i;
  }));
  const settled = Promise.allSettled(tasks); // observed at once: the failing one must not go unhandled
  for (let released = 0; released < 5; released++) {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    t.ok(running <= 2);
    gates.shift()?.();
  }
  const results = await settled;
  t.equal(peak, 2, 'never more than two at once');
  t.same(started, [0, 1, 2, 3, 4], 'in arrival order');
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'], 'a failure releases its slot');
  t.equal(limiter.queued, 0);
});
