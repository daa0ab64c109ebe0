// The in-process simulator the demo and the flow tests drive: insert / remove / profiles, events,
// and PIN counters that survive re-insertion like the real card's.
import t from 'tap';
import { once } from 'node:events';
import { silentLogger } from '../../../../vocabulary/log.js';
import { CardConfigSchema, type CardConfig } from '../../../../drivers/card/config.js';
import type { CardSession } from '../../../../drivers/card/card-reader.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { createCardReader, SimCardReader } from '../../../../drivers/card/index.js';
import { summariseCertificate } from '../../../../drivers/card/certificate.js';
import { Value } from '@sinclair/typebox/value';
import { ensurePki, PKI_DIR } from '../../../helpers/card-fixtures.js';

ensurePki();

const reader = (profiles: string[] = []) => new SimCardReader({ pkiDir: PKI_DIR, profiles, timeoutMs: 1000, logger: silentLogger });

t.test("createCardReader('sim') with the config defaults makes a SimCardReader", async (t) => {
  const config = Value.Default(CardConfigSchema, {}) as CardConfig;
  t.equal(config.driver, 'sim');
  t.equal(config.pkiDir, '', 'empty: var/pki under the package');
  t.equal(config.simFault, 'none');
  const r = createCardReader({ ...config, pkiDir: PKI_DIR }, silentLogger);
  t.ok(r instanceof SimCardReader);
});

t.test('start, profiles in turn, insert and remove', async (t) => {
  const r = reader(['sato-hanako', 'ito-sakura']);
  const events: string[] = [];
  r.on('reader', (e) => events.push(`${e.name}:${e.present}`));
  t.throws(() => r.insert(), /not started/);
  await r.start();
  t.same(r.profiles(), ['sato-hanako', 'ito-sakura']);
  t.equal(r.health().ok, true);
  r.insert();
  const [first] = (await once(r, 'inserted')) as [CardSession];
  t.equal(first.kind, 'mynumber');
  t.equal(r.currentCard()?.id, 'sato-hanako');
  const serial1 = summariseCertificate(await first.readUserAuthCertificate()).serial;
  r.insert(); // swapping cards removes the first
  t.ok(first.removed.aborted);
  const [second] = (await once(r, 'inserted')) as [CardSession];
  t.equal(r.currentCard()?.id, 'ito-sakura');
  t.not(summariseCertificate(await second.readUserAuthCertificate()).serial, serial1);
  r.remove();
  t.ok(second.removed.aborted);
  await t.rejects(second.readUserAuthCertificate(), { code: 'CARD_REMOVED' });
  t.equal(r.currentCard(), null);
  r.remove(); // no-op
  t.throws(() => r.insert('nobody'), /unknown sim card profile/);
  await r.stop();
  t.same(events, [`${r.readerName}:true`, `${r.readerName}:false`]);
  t.equal(r.health().ok, false);
});

t.test('unknown profiles in config are a start-up error naming them', async (t) => {
  await t.rejects(reader(['nobody']).start(), /card.simProfiles: unknown test people nobody/);
});

t.test('a card locked in one visit is still locked at the next', async (t) => {
  const r = reader(['tanaka-yuki']);
  await r.start();
  for (let i = 0; i < 3; i++) {
    r.insert();
    const [s] = (await once(r, 'inserted')) as [CardSession];
    t.same(await s.verifyPin(new PinDigits('9999')), { ok: false, triesLeft: 2 - i });
    r.remove();
  }
  r.insert();
  const [s] = (await once(r, 'inserted')) as [CardSession];
  t.equal(await s.pinTriesLeft(), 0);
  t.same(await s.verifyPin(new PinDigits('1234')), { ok: false, triesLeft: 0 });
  await r.stop();
});

t.test('removal in the middle of a read ends it with CARD_REMOVED', async (t) => {
  const r = new SimCardReader({ pkiDir: PKI_DIR, timeoutMs: 1000, logger: silentLogger, fault: 'slow', slowMs: 20 });
  await r.start();
  r.insert('yamada-taro');
  const [s] = (await once(r, 'inserted')) as [CardSession];
  const reading = s.readUserAuthCertificate();
  setTimeout(() => r.remove(), 50);
  await t.rejects(reading, { code: 'CARD_REMOVED' });
  r.setFault('remove-mid-read');
  r.insert('yamada-taro');
  const [s2] = (await once(r, 'inserted')) as [CardSession];
  await t.rejects(s2.readUserAuthCertificate(), { code: 'CARD_REMOVED' });
  t.ok(s2.removed.aborted);
  t.equal(r.currentCard(), null, 'the card left the reader');
  await r.stop();
});
