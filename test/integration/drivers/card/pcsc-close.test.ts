// Opening and closing the reader many times, as a daemon restart or a hot-plug does: every stop
// must return, and the process must be able to exit afterwards. @pokusew/pcsclite 0.6.0 lost a
// cancel sent before its status thread was waiting (close() then blocked the event loop) and left
// an async handle open when the thread stopped at its loop check (the process never exited): on
// this box 40 of 200 cycles took the slow path and the process hung at the end. Fixed by
// scripts/patches/ (applied on install by scripts/patch-pcsclite.mjs); a hang fails this file
// by tap's timeout.
import t from 'tap';
import { once } from 'node:events';
import { silentLogger } from '../../../../vocabulary/log.js';
import { PcscCardReader } from '../../../../drivers/card/pcsc/pcsc-card-reader.js';
import { pcscUnavailable, startPcscStack } from '../../../helpers/pcsc-daemon.js';

const why = pcscUnavailable();
if (why) {
  t.plan(0, `skipped: ${why}`);
} else {
  t.test('100 start/stop cycles all stop, and nothing is left running', async (t) => {
    const stack = await startPcscStack();
    t.teardown(() => stack.stop());
    let stopped = 0;
    for (let i = 0; i < 100; i++) {
      const reader = new PcscCardReader({ readerName: stack.readerName, timeoutMs: 1000, logger: silentLogger, retryMs: 200 });
      const seen = once(reader, 'reader');
      await reader.start();
      const [event] = (await seen) as [{ present: boolean }];
      if (!event.present) t.fail(`cycle ${i}: the reader was not found`);
      await reader.stop();
      stopped++;
    }
    t.equal(stopped, 100);
  });
}
