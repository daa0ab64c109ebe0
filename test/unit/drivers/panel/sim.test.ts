// The in-process scripted panel: config defaults, scripts, consent combinations, hangs, link faults.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { PanelConfigSchema, type PanelConfig } from '../../../../drivers/panel/config.js';
import { createReaderPanel, SimReaderPanel } from '../../../../drivers/panel/index.js';
import { CONSENT_ITEMS, type ConsentItem } from '../../../../vocabulary/consent.js';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { silentLogger } from '../../../../vocabulary/log.js';

const defaults = (): PanelConfig => Value.Default(PanelConfigSchema, {}) as PanelConfig;
const never = () => new AbortController().signal;

async function started(): Promise<SimReaderPanel> {
  const panel = createReaderPanel(defaults(), silentLogger);
  if (!(panel instanceof SimReaderPanel)) throw new Error('expected the sim panel');
  await panel.start();
  return panel;
}

t.test('answers from config defaults', async (t) => {
  const panel = await started();
  t.equal(await panel.askIdentityMethod(['face', 'pin'], never()), 'face');
  const pin = await panel.askPin(3, never());
  t.equal(pin.kind, 'pin');
  if (pin.kind === 'pin') t.equal(pin.digits.consume().toString('ascii'), '1234');
  const consent = await panel.askConsent(CONSENT_ITEMS, never());
  t.same(consent, { kind: 'answered', consents: Object.fromEntries(CONSENT_ITEMS.map((i) => [i, true])) });
  t.same(await panel.askRegistration(never()), { kind: 'register' });
  t.ok(panel.health().ok);
});

t.test('a script sets the next answers; PINs in turn, the last repeats', async (t) => {
  const panel = await started();
  panel.script({ identity: 'pin', pins: ['0000', 'cancel'], registration: 'decline' });
  t.equal(await panel.askIdentityMethod(['face', 'pin'], never()), 'pin');
  const first = await panel.askPin(3, never());
  t.ok(first.kind === 'pin' && first.digits.consume().toString('ascii') === '0000');
  t.same(await panel.askPin(2, never()), { kind: 'cancel' });
  t.same(await panel.askPin(2, never()), { kind: 'cancel' });
  t.same(await panel.askRegistration(never()), { kind: 'decline' });
  t.equal(await panel.askIdentityMethod(['face'], never()), 'face', 'an offered choice only');
  t.same(panel.history.flatMap((r) => (r.kind === 'ask' ? [r.triesLeft ?? r.ask] : [])), ['identity', 3, 2, 2, 'registration', 'identity']);
});

t.test('every consent combination reaches the answer', async (t) => {
  const panel = await started();
  const items: readonly ConsentItem[] = CONSENT_ITEMS;
  for (let mask = 0; mask < 1 << items.length; mask++) {
    const wanted = Object.fromEntries(items.map((item, i) => [item, (mask & (1 << i)) !== 0]));
    panel.script({ consent: wanted });
    const answer = await panel.askConsent(items, never());
    if (answer.kind !== 'answered' || JSON.stringify(answer.consents) !== JSON.stringify(wanted)) t.fail(`mask ${mask}`);
  }
  panel.script({ consent: 'cancel' });
  t.same(await panel.askConsent(items, never()), { kind: 'cancel' });
  panel.script({ consent: 'all-no' });
  t.same(await panel.askConsent(['drugInfo'], never()), { kind: 'answered', consents: { drugInfo: false } }, 'only the items asked');
});

t.test('a hung ask rejects with the abort reason', async (t) => {
  const panel = await started();
  panel.script({ hang: ['consent'] });
  const ac = new AbortController();
  const pending = panel.askConsent(CONSENT_ITEMS, ac.signal);
  ac.abort(new GatewayError('CONSENT_TIMEOUT', 'timed out'));
  await t.rejects(pending, { code: 'CONSENT_TIMEOUT' });
  await t.rejects(panel.askPin(3, AbortSignal.abort(new Error('gone'))), { message: 'gone' });
});

t.test('link faults: PANEL_DOWN while down, link events, pending ask rejected', async (t) => {
  const panel = await started();
  const links: boolean[] = [];
  panel.on('link', ({ up }) => links.push(up));
  panel.script({ hang: ['pin'] });
  const pending = panel.askPin(3, never());
  panel.setLink(false);
  await t.rejects(pending, { code: 'PANEL_DOWN' });
  await t.rejects(panel.show({ kind: 'welcome' }), { code: 'PANEL_DOWN' });
  t.notOk(panel.health().ok);
  panel.setLink(true);
  await panel.show({ kind: 'welcome' });
  t.same(links, [false, true]);
  t.same(panel.lastScreen, { kind: 'welcome' });
});

t.test('assisted mode: set by the staff key, cleared by the next welcome', async (t) => {
  const panel = await started();
  const events: boolean[] = [];
  panel.on('assist', ({ active }) => events.push(active));
  panel.script({ assisted: true });
  await panel.show({ kind: 'welcome' });
  await new Promise((r) => setImmediate(r));
  t.ok(panel.assisted);
  panel.script({});
  await panel.show({ kind: 'welcome' });
  t.notOk(panel.assisted);
  t.same(events, [true]);
});
