import t from 'tap';
import { CircuitBreaker } from '../../../../drivers/line/breaker.js';
import { backoffMs, sleep } from '../../../../drivers/line/backoff.js';

t.test('opens after the threshold, probes once after the cool-down', async (t) => {
  let now = 0;
  const b = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, now: () => now });
  t.equal(b.state, 'closed');
  b.failure('x'); b.failure('x');
  t.ok(b.tryAcquire(), 'still closed below the threshold');
  b.failure('ECONNREFUSED');
  t.equal(b.state, 'open');
  t.notOk(b.tryAcquire(), 'open: fail fast');
  t.equal(b.retryInMs(), 1000);
  now = 1000;
  t.equal(b.state, 'half-open');
  t.ok(b.tryAcquire(), 'one probe');
  t.notOk(b.tryAcquire(), 'only one probe at a time');
  b.failure('still down');
  t.equal(b.state, 'open', 'a failed probe re-opens');
  now = 2000;
  t.ok(b.tryAcquire());
  b.success();
  t.equal(b.state, 'closed');
  t.equal(b.lastError, '');
});

t.test('a success resets the count; an aborted probe frees the slot', async (t) => {
  let now = 0;
  const b = new CircuitBreaker({ threshold: 2, cooldownMs: 100, now: () => now });
  b.failure('a'); b.success(); b.failure('b');
  t.equal(b.state, 'closed');
  b.failure('c');
  t.equal(b.state, 'open');
  now = 100;
  t.ok(b.tryAcquire());
  b.release();
  t.ok(b.tryAcquire(), 'next caller may probe at once');
});

t.test('backoff has full jitter under a growing cap', async (t) => {
  t.equal(backoffMs(0, 100, 5000, () => 0.999), 99);
  t.equal(backoffMs(3, 100, 5000, () => 0.5), 400);
  t.equal(backoffMs(10, 100, 5000, () => 0.999), 4995, 'capped');
  t.equal(backoffMs(2, 100, 5000, () => 0), 0);
  const ac = new AbortController();
  const p = sleep(60000, ac.signal);
  ac.abort(new Error('stop'));
  await t.rejects(p, { message: 'stop' });
});
