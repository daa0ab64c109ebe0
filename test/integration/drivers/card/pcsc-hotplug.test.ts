// Reader hot-plug as the driver sees it: pcscd (and with it the vpcd reader) goes away and comes
// back; the driver reports the reader gone, keeps retrying, and picks the new one up.
import t from 'tap';
import { once } from 'node:events';
import { silentLogger } from '../../../../vocabulary/log.js';
import { PcscCardReader } from '../../../../drivers/card/pcsc/pcsc-card-reader.js';
import { VpcdHost } from '../../../../drivers/card/sim/vpcd-host.js';
import type { CardSession } from '../../../../drivers/card/card-reader.js';
import { virtualCard } from '../../../helpers/card-fixtures.js';
import { pcscUnavailable, startPcscStack, type PcscStack } from '../../../helpers/pcsc-daemon.js';

const why = pcscUnavailable();
if (why) {
  t.plan(0, `skipped: ${why}`);
} else {
  t.test('pcscd restarts: reader gone, then back, and cards work again', async (t) => {
    let stack: PcscStack | null = await startPcscStack();
    t.teardown(async () => { await stack?.stop(); });
    if (!stack.owned) { t.pass('skipped: a system pcscd is running, and it is not ours to restart'); return; }
    const reader = new PcscCardReader({ readerName: 'Virtual PCD 00 00', timeoutMs: 1000, logger: silentLogger, retryMs: 200 });
    t.teardown(() => reader.stop());
    const events: boolean[] = [];
    reader.on('reader', (e) => events.push(e.present));
    const first = once(reader, 'reader');
    await reader.start();
    await first;
    t.equal(reader.health().ok, true);

    const gone = once(reader, 'reader');
    await stack.stop();
    stack = null;
    await gone;
    t.equal(reader.health().ok, false, 'health says so while pcscd is away');

    const back = once(reader, 'reader');
    stack = await startPcscStack();
    await back;
    t.same(events, [true, false, true]);

    const host = new VpcdHost(virtualCard('sato-hanako'), { port: stack.vpcdPort });
    t.teardown(() => host.remove());
    const inserted = once(reader, 'inserted') as Promise<[CardSession]>;
    await host.insert();
    const [session] = await inserted;
    t.ok((await session.readUserAuthCertificate()).length > 500);
    host.remove();
    await once(session.removed, 'abort');
  });
}
