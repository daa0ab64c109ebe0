// panel.driver 'pty': the demo's panel through a real tty (socat pair + simulator + serial driver),
// created from config like any driver, with its script, assist key and cable controls.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { silentLogger } from '../../../../vocabulary/log.js';
import { PanelConfigSchema, type PanelConfig } from '../../../../drivers/panel/config.js';
import { createReaderPanel, PtySimReaderPanel } from '../../../../drivers/panel/index.js';
import { waitFor } from '../../../helpers/panel-rig.js';

const open = () => new AbortController().signal;

t.test('pty driver: answers from config and script, assist, cable pulled and back, clean stop', async (t) => {
  const config = Value.Default(PanelConfigSchema, { driver: 'pty', simPin: '4455', heartbeatMs: 300, reconnectMinMs: 50, reconnectMaxMs: 200, ackTimeoutMs: 150 }) as PanelConfig;
  const panel = createReaderPanel(config, silentLogger);
  if (!(panel instanceof PtySimReaderPanel)) throw new Error('expected the pty panel');
  const links: boolean[] = [];
  panel.on('link', ({ up }) => links.push(up));
  t.teardown(() => panel.stop());
  await panel.start();
  if (!panel.health().ok) await waitFor(panel, 'link', (s: { up: boolean }) => s.up);
  await panel.show({ kind: 'welcome' });
  const pin = await panel.askPin(3, open());
  t.ok(pin.kind === 'pin' && pin.digits.consume().toString('ascii') === '4455', 'config simPin');
  panel.script({ identity: 'pin', consent: 'all-no' });
  t.equal(await panel.askIdentityMethod(['face', 'pin'], open()), 'pin');
  t.same(await panel.askConsent(['drugInfo'], open()), { kind: 'answered', consents: { drugInfo: false } });
  const pressed = waitFor(panel, 'assist');
  await panel.pressAssist(true);
  await pressed;
  t.ok(panel.assisted);

  const down = waitFor(panel, 'link', (s: { up: boolean }) => !s.up);
  await panel.pullCable();
  await down;
  await t.rejects(panel.show({ kind: 'please-wait' }), { code: 'PANEL_DOWN' });
  const up = waitFor(panel, 'link', (s: { up: boolean }) => s.up);
  await panel.plugCable();
  await up;
  t.equal(await panel.askIdentityMethod(['face', 'pin'], open()), 'pin', 'works again');
  t.same(links.slice(0, 3), [true, false, true]);
  await panel.stop();
  t.notOk(panel.health().ok);
  await t.rejects(panel.show({ kind: 'welcome' }), { code: 'PANEL_DOWN' });
});
