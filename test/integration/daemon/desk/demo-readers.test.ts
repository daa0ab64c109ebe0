// `oqsgw demo` on a gateway with several readers: each trigger places a card on the next free
// reader, so two triggers give two check-ins at once, one per reader; with every reader busy a
// trigger is refused; each card is taken back from the reader whose check-in finished.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../../config/load.js';
import { startDemo } from '../../../../daemon/demo.js';
import type { CheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { waitFor } from '../../../helpers/ports.js';

t.test('the demo takes turns over the readers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-demo-readers-'));
  const config = validateConfig({
    gatewayId: 'demoreaders',
    dataDir: join(dir, 'data'),
    mqtt: { embeddedPort: 0 },
    status: { enabled: false },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: ['yamada-taro'] },
    face: { driver: 'sim' },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
    readers: [{ id: 'left' }, { id: 'right' }],
  });
  const gateway = await Gateway.start(config, silentLogger, 'test', []);
  const events: CheckinEvent[] = [];
  const demo = startDemo(gateway, 0, (event) => events.push(event));
  t.teardown(async () => {
    demo.stop();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.equal(demo.trigger(), true, 'a card on the first reader');
  t.equal(demo.trigger(), true, 'a card on the second reader');
  t.equal(demo.trigger(), false, 'every reader busy: refused');
  await waitFor('two check-ins', () => events.length >= 2 || undefined, 30000);
  t.same(events.map((e) => e.readerId).sort(), ['left', 'right']);
  await waitFor('both readers idle again, cards taken back', () => gateway.desks.every((d) => d.state === 'idle' && !d.busy), 15000);
  t.equal(demo.trigger(), true, 'free again');
  await waitFor('a third check-in', () => events.length >= 3 || undefined, 30000);
});
