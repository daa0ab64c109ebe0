// Invariant 1: the Individual Number's application and files can never be selected. The guard
// sits under every APDU the driver sends; these tests try every way in and run every operation
// (and every fault) while watching the wire.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { CardChannel } from '../../../../drivers/card/apdu/card-channel.js';
import { SelectGuard } from '../../../../drivers/card/apdu/allowlist.js';
import { AID } from '../../../../drivers/card/apdu/constants.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { CARD_FAULTS } from '../../../../drivers/card/sim/faults.js';
import { createHash } from 'node:crypto';
import { directSession, virtualCard } from '../../../helpers/card-fixtures.js';

const forbiddenAid = AID.cardInfoInputSupport.toString('hex');

t.test('the guard refuses the Individual Number AP and anything not listed', async (t) => {
  const g = new SelectGuard();
  const refused = { name: 'GatewayError', code: 'INTERNAL_ERROR' };
  t.throws(() => g.check(Buffer.from(`00a4040c0a${forbiddenAid}`, 'hex')), refused, 'by DF name');
  t.throws(() => g.check(Buffer.from(`00a4040000`, 'hex')), refused, 'empty DF name');
  t.throws(() => g.check(Buffer.from(`00a4040c09${forbiddenAid.slice(0, 18)}`, 'hex')), refused, 'AID prefix (partial match)');
  t.throws(() => g.check(Buffer.from('00a4020c020001', 'hex')), refused, 'file id with no AP open');
  t.throws(() => g.check(Buffer.from('00a4000c023f00', 'hex')), refused, 'MF / P1=00');
  t.throws(() => g.check(Buffer.from('00a4080c04d3920001', 'hex')), refused, 'path from MF');
  t.throws(() => g.check(Buffer.from('00a4090c020001', 'hex')), refused, 'path from current DF');
  t.throws(() => g.check(Buffer.from('00b0810000', 'hex')), refused, 'READ BINARY by short EF id');
  t.throws(() => g.check(Buffer.from('80a4040c0ad392f000260100000001', 'hex')), refused, 'SELECT with a proprietary class');
  g.check(Buffer.from('00a4040c0ad392f000260100000001', 'hex'));
  t.equal(g.currentApp, 'jpki');
  g.check(Buffer.from('00a4020c02000a', 'hex'));
  t.throws(() => g.check(Buffer.from('00a4020c020001', 'hex')), refused, 'JPKI signature certificate is not needed, so not listed');
  t.throws(() => g.check(Buffer.from('00a4020c020002', 'hex')), refused);
  t.throws(() => g.check(Buffer.from(`00a4040c0a${forbiddenAid}`, 'hex')), refused, 'even with an AP open');
});

t.test('a hand-built SELECT never reaches the card', async (t) => {
  const card = virtualCard();
  const seen: Buffer[] = [];
  const channel = new CardChannel({ transmit: async (a) => { seen.push(a); return card.process(a); } }, { timeoutMs: 1000, removed: new AbortController().signal });
  await t.rejects(channel.send({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: AID.cardInfoInputSupport }), { code: 'INTERNAL_ERROR' });
  t.equal(seen.length, 0);
  t.same(card.forbiddenSelects, []);
});

t.test('no operation, under any fault, sends a forbidden SELECT', async (t) => {
  let apdus = 0;
  for (const fault of CARD_FAULTS) {
    for (let seed = 1; seed <= 5; seed++) {
      const { session, card, sent } = directSession(virtualCard('yamada-taro', { protocol: seed % 2 ? 't1' : 't0' }), { fault, seed, timeoutMs: 150, slowMs: 5 });
      const ops = [
        () => session.readUserAuthCertificate(), () => session.readFacePhoto(), () => session.pinTriesLeft(),
        () => session.verifyPin(new PinDigits('1234')), () => session.signDigest(createHash('sha256').digest()),
      ];
      for (const op of ops) await op().catch(() => undefined);
      t.same(card.forbiddenSelects, [], `${fault}/${seed}: card saw no forbidden select`);
      for (const a of sent) {
        apdus++;
        if (a[1] === 0xa4 && a.includes(AID.cardInfoInputSupport[5]!) && a.toString('hex').includes(forbiddenAid)) t.fail(`sent ${a.toString('hex')}`);
        if (a[1] === 0xb0 && (a[2]! & 0x80)) t.fail('READ BINARY by short EF id');
      }
    }
  }
  t.ok(apdus > 100, `${apdus} APDUs checked`);
});

t.test('the Individual Number AID appears in the sources only where it is named and refused', async (t) => {
  // A second line of defence against someone bypassing allowlist.ts with raw bytes.
  const hits: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && /D3\s*,?\s*(0x)?92\s*,?\s*(0x)?10.*0408|d3921000310001010408/i.test(readFileSync(path, 'utf8'))) hits.push(path.slice(fromRoot().length + 1));
    }
  };
  walk(fromRoot('drivers'));
  walk(fromRoot('daemon'));
  t.same(hits, ['drivers/card/apdu/constants.ts']);
});
