// The systemd watchdog is pinged only while the process is healthy: a blocked event loop or an
// unhealthy probe withholds the ping, and pings resume once healthy. The pings go over a real unix
// datagram socket to a receiver in another process, which timestamps what really arrived.
import t from 'tap';
import { createNotifier, watchdogIntervalMs } from '../../../../daemon/ops/notify.js';
import { Watchdog } from '../../../../daemon/ops/watchdog.js';
import { startNotifyReceiver } from '../../../helpers/ops-notify.js';
import { waitFor } from '../../../helpers/ports.js';

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* the event loop is blocked on purpose */ }
}

const nextEvent = (dog: Watchdog, name: 'ping' | 'withheld') =>
  new Promise<{ at: number; reason?: string }>((resolve) => {
    const handler = (reason?: string) => resolve({ at: Date.now(), reason });
    dog.once(name, handler);
  });

t.test('WATCHDOG_USEC and WATCHDOG_PID are read as sd_watchdog_enabled(3) says', async (t) => {
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }), 30000);
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) }), 30000);
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' }), null, 'meant for another process');
  t.equal(watchdogIntervalMs({}), null);
  t.equal(createNotifier({}).enabled, false, 'not run by systemd: a no-op notifier');
  t.throws(() => createNotifier({ NOTIFY_SOCKET: '@abstract' }), /abstract/);
});

t.test('a blocked event loop withholds the ping; pings resume afterwards', async (t) => {
  const receiver = await startNotifyReceiver();
  const notifier = createNotifier({ NOTIFY_SOCKET: receiver.path });
  const dog = new Watchdog({ notifier, intervalMs: 100, maxLagMs: 400, probe: async () => null });
  t.teardown(async () => {
    dog.stop();
    notifier.close();
    await receiver.stop();
  });
  dog.start();
  await waitFor('three pings at the receiver', () => receiver.messages.filter((m) => m.m === 'WATCHDOG=1').length >= 3, 10000);

  const withheld = nextEvent(dog, 'withheld');
  const blockedFrom = Date.now();
  busyWait(1500);
  const { at: withheldAt, reason } = await withheld;
  t.match(reason, /event loop blocked for \d+ ms \(limit 400 ms\)/, 'the reason names the block');
  const during = receiver.messages.filter((m) => m.m === 'WATCHDOG=1' && m.t > blockedFrom + 50 && m.t <= withheldAt);
  t.same(during, [], 'no ping arrived while the loop was blocked, nor right after it');

  const resumed = await nextEvent(dog, 'ping');
  await waitFor('the resumed ping at the receiver', () => receiver.messages.some((m) => m.m === 'WATCHDOG=1' && m.t >= resumed.at - 5), 5000);
  t.ok(resumed.at > withheldAt, 'pings resume once the loop runs freely');
});

t.test('an unhealthy probe withholds the ping until it is healthy again', async (t) => {
  const receiver = await startNotifyReceiver();
  const notifier = createNotifier({ NOTIFY_SOCKET: receiver.path });
  let sick: string | null = null;
  const dog = new Watchdog({ notifier, intervalMs: 50, maxLagMs: 5000, probe: async () => sick });
  t.teardown(async () => {
    dog.stop();
    notifier.close();
    await receiver.stop();
  });
  dog.start();
  await nextEvent(dog, 'ping');
  sick = 'card unhealthy for 600 s: no reader';
  const first = await nextEvent(dog, 'withheld');
  t.equal(first.reason, sick);
  // Several intervals pass without a ping.
  for (let i = 0; i < 3; i++) await nextEvent(dog, 'withheld');
  const pingsWhileSick = receiver.messages.filter((m) => m.m === 'WATCHDOG=1' && m.t > first.at);
  t.same(pingsWhileSick, [], 'no ping while the probe reports a problem');
  sick = null;
  const back = await nextEvent(dog, 'ping');
  await waitFor('a ping after recovery', () => receiver.messages.some((m) => m.m === 'WATCHDOG=1' && m.t >= back.at - 5), 5000);
  t.pass('pings resume after recovery');
});

t.test('a probe that throws counts as unhealthy', async (t) => {
  const sent: string[] = [];
  const dog = new Watchdog({
    notifier: { enabled: true, notify: async (m) => void sent.push(m), close: () => {} },
    intervalMs: 20, maxLagMs: 5000, probe: async () => { throw new Error('the SQLite store did not answer within 50 ms'); },
  });
  t.teardown(() => dog.stop());
  dog.start();
  const { reason } = await nextEvent(dog, 'withheld');
  t.match(reason, /health probe failed: .*SQLite store/);
  t.same(sent, []);
});
