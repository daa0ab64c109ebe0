// A camera that is missing at start-up does not stop the gateway: it starts, reports the camera
// down, and the patient who chose the face is taken through the PIN instead.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../config/load.js';
import type { CheckinEvent } from '../../../daemon/flow/checkin-event.js';
import { Gateway } from '../../../daemon/gateway.js';
import { FEATURES } from '../../../daemon/features.js';
import { silentLogger } from '../../../vocabulary/log.js';
import { fromRoot } from '../../../vocabulary/paths.js';

t.test('no camera: the gateway starts and check-ins go through the PIN', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-camera-down-'));
  const config = validateConfig({
    gatewayId: 'camdown',
    dataDir: join(dir, 'data'),
    mqtt: { embeddedPort: 0 },
    status: { enabled: false },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: ['yamada-taro'] },
    face: { driver: 'camera', source: 'v4l2', device: join(dir, 'no-such-video-device') },
    panel: { driver: 'sim', simIdentity: 'face' },
    line: { driver: 'sim' },
  });
  const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(async () => {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.equal(gateway.devices.face.health().ok, false, 'the camera is reported down');
  const cards = gateway.devices.card as unknown as { insert(id?: string): void; remove(): void };
  const event = await new Promise<CheckinEvent>((resolve) => {
    gateway.bus.once('checkin', resolve);
    cards.insert('yamada-taro');
  });
  t.equal(event.result.code, 'ELIGIBLE', JSON.stringify({ code: event.result.code, method: event.method, face: event.face }));
  t.equal(event.method, 'pin', 'face was chosen, the camera was down, the PIN took over');
  cards.remove();
});
