// Invariant 1: the Individual Number's application and files can never be selected. The guard
// sits under every APDU the driver sends; these tests try every way in and run every operation
// (and every fault) while watching the wire.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { CardChannel } from '../../../../drivers/card/apdu/card-channel.js';
import { ApduGuard } from '../../../../drivers/card/apdu/allowlist.js';
import { AID } from '../../../../drivers/card/apdu/constants.js';
import { PinDigits } from '../../../../vocabulary/pin-digits.js';
import { CARD_FAULTS } from '../../../../drivers/card/sim/faults.js';
import { createHash } from 'node:crypto';
import { directSession, faceKeyOf, virtualCard } from '../../../helpers/card-fixtures.js';

const forbiddenAid = AID.cardInfoInputSupport.toString('hex');

const refused = { name: 'GatewayError', code: 'INTERNAL_ERROR' };
const hexb = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');
const JPKI = '00a4040c0ad392f000260100000001';
const SURFACE = '00a4040c0ad3921000310001010402';
/** A guard that believes what a card answering 90 00 to everything would make it believe. */
function opened(...apdus: string[]): ApduGuard {
  const g = new ApduGuard();
  for (const a of apdus) { g.check(hexb(a)); g.observe(0x9000); }
  return g;
}

t.test('the guard refuses the Individual Number AP and anything not listed', async (t) => {
  const g = new ApduGuard();
  t.throws(() => g.check(hexb(`00a4040c0a${forbiddenAid}`)), refused, 'by DF name');
  t.throws(() => g.check(hexb(`00a4040000`)), refused, 'empty DF name');
  t.throws(() => g.check(hexb(`00a4040c09${forbiddenAid.slice(0, 18)}`)), refused, 'AID prefix (partial match)');
  t.throws(() => g.check(hexb('00a4020c020001')), refused, 'file id with no AP open');
  t.throws(() => g.check(hexb('00a4000c023f00')), refused, 'MF / P1=00');
  t.throws(() => g.check(hexb('00a4080c04d3920001')), refused, 'path from MF');
  t.throws(() => g.check(hexb('00a4090c020001')), refused, 'path from current DF');
  t.throws(() => g.check(hexb('00b0810000')), refused, 'READ BINARY by short EF id');
  t.throws(() => g.check(hexb('80a4040c0ad392f000260100000001')), refused, 'SELECT with a proprietary class');
  t.throws(() => g.check(hexb('00a404000ad392f000260100000001')), refused, 'SELECT asking for FCI (P2 00)');
  g.check(hexb(JPKI));
  g.observe(0x9000);
  t.equal(g.currentApp, 'jpki');
  g.check(hexb('00a4020c02000a'));
  g.observe(0x9000);
  t.throws(() => g.check(hexb('00a4020c020001')), refused, 'JPKI signature certificate is not needed, so not listed');
  t.throws(() => g.check(hexb('00a4020c020002')), refused);
  t.throws(() => g.check(hexb('00a4020c020008')), refused, 'EF 0008 is not needed either');
  t.throws(() => g.check(hexb(`00a4040c0a${forbiddenAid}`)), refused, 'even with an AP open');
});

t.test('the card-surface AP: 0013 (照合番号A), 0005 (the Number as a picture) and 0011 never', async (t) => {
  for (const ef of ['0013', '0005', '0011', '0001', '0003', '0004', '0006']) {
    t.throws(() => opened(SURFACE).check(hexb(`00a4020c02${ef}`)), refused, `SELECT ${ef}`);
  }
  // `00 20 00 93` names EF 0013 by short EF id in P2: 照合番号A without any SELECT.
  t.throws(() => opened(SURFACE, '00a4020c020012').check(hexb('0020009300')), refused, 'VERIFY P2=93 (0013 by SFI)');
  t.throws(() => opened(SURFACE, '00a4020c020012').check(hexb('002000930c313233343536373839303132')), refused, 'VERIFY P2=93 with the Number');
  t.throws(() => opened(SURFACE, '00a4020c020012').check(hexb('0020009100')), refused, 'VERIFY P2=91 (0011)');
  t.throws(() => opened(SURFACE).check(hexb('00b0850000')), refused, 'READ BINARY of 0005 by SFI');
  opened(SURFACE, '00a4020c020012').check(hexb('0020008000'));
  opened(SURFACE, '00a4020c020002').check(hexb('00b0000000'));
});

t.test('only SELECT, READ BINARY, VERIFY, COMPUTE SIGNATURE and GET RESPONSE, as the gateway sends them', async (t) => {
  const jpkiPin = () => opened(JPKI, '00a4020c020018');
  const jpkiKey = () => opened(JPKI, '00a4020c020017');
  const cert = () => opened(JPKI, '00a4020c02000a');
  for (const [apdu, why] of [
    ['00240180083132333435363738', 'CHANGE REFERENCE DATA'],
    ['0084000008', 'GET CHALLENGE'],
    ['00ca5f5100', 'GET DATA'],
    ['00b2010400', 'READ RECORD'],
    ['00880080020102', 'INTERNAL AUTHENTICATE'],
    ['80ae000000', 'SET SESSION KEY'],
    ['80fc0000', 'the iPhone last-command indicator'],
    ['00d6000001ff', 'UPDATE BINARY'],
    ['802c000000', 'RESET RETRY COUNTER'],
  ] as const) t.throws(() => jpkiPin().check(hexb(apdu)), refused, why);
  t.throws(() => jpkiPin().check(hexb('0020008104')), refused, 'VERIFY P2=81');
  t.throws(() => jpkiPin().check(hexb('002000980431323334')), refused, 'VERIFY P2=98 (0018 by SFI)');
  t.throws(() => jpkiPin().check(hexb('002001800431323334')), refused, 'VERIFY P1=01');
  t.throws(() => jpkiPin().check(hexb('802000800431323334')), refused, 'VERIFY with class 80');
  t.throws(() => cert().check(hexb('002000800431323334')), refused, 'VERIFY on a data file');
  t.throws(() => jpkiKey().check(hexb('802a009702334400')), refused, 'sign with P2=97 (0017 by SFI)');
  t.throws(() => jpkiKey().check(hexb('002a008002334400')), refused, 'sign with class 00');
  t.throws(() => jpkiPin().check(hexb('802a008002334400')), refused, 'sign with the PIN EF selected');
  t.throws(() => jpkiKey().check(hexb('00b0000004')), refused, 'READ BINARY of a key');
  t.throws(() => opened(JPKI).check(hexb('00b0000004')), refused, 'READ BINARY with no EF selected');
  t.throws(() => cert().check(hexb('00c0000100')), refused, 'GET RESPONSE with P2');
  jpkiPin().check(hexb('0020008000'));
  jpkiPin().check(hexb('002000800431323334'));
  jpkiKey().check(hexb('802a008002334400'));
  cert().check(hexb('00b0000004'));
  cert().check(hexb('00c0000010'));
});

t.test('a SELECT counts only when the card answered 90 00; a reset or a lost answer forgets', async (t) => {
  const g = new ApduGuard();
  g.check(hexb(JPKI));
  t.equal(g.currentApp, null, 'not before the answer');
  g.observe(0x6a82);
  t.equal(g.currentApp, null, 'a failed SELECT of the AP opens nothing');
  t.throws(() => g.check(hexb('00a4020c02000a')), refused, 'so no file select inside it');
  g.check(hexb(JPKI));
  g.observe(0x9000);
  g.check(hexb('00a4020c02000a'));
  g.observe(0x9000);
  g.check(hexb('00b0000004'));
  g.check(hexb('00a4020c020018'));
  g.observe(0x6a82);
  t.equal(g.currentFile, null, 'a failed EF select leaves no EF current');
  t.throws(() => g.check(hexb('002000800431323334')), refused, 'no VERIFY on what the card did not confirm');
  t.throws(() => g.check(hexb('00b0000004')), refused, 'and no READ of the EF before it either');
  g.check(hexb('00a4020c020018'));
  g.observe(0x6100); // 61xx: the GET RESPONSE decides
  g.check(hexb('00c0000000'));
  g.observe(0x9000);
  g.check(hexb('0020008000'));
  g.reset();
  t.equal(g.currentApp, null);
  t.throws(() => g.check(hexb('0020008000')), refused, 'after a reset nothing is open');
  g.check(hexb(SURFACE));
  g.lost();
  t.throws(() => g.check(hexb('00a4020c020012')), refused, 'a SELECT whose answer was lost opened nothing');
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
        () => session.readUserAuthCertificate(), () => session.readFacePhoto(), () => session.pinTriesLeft(), () => session.pinStatus(),
        () => session.verifyPin(new PinDigits('1234')), () => session.signDigest(createHash('sha256').digest()),
        () => session.verifyPinAndSign(new PinDigits('1234'), createHash('sha256').digest()),
        () => session.readFacePhotoWith(faceKeyOf('55021720352285')),
      ];
      for (const op of ops) await op().catch(() => undefined);
      t.same(card.forbiddenSelects, [], `${fault}/${seed}: card saw no forbidden select`);
      for (const a of sent) {
        apdus++;
        if (a[1] === 0xa4 && a.includes(AID.cardInfoInputSupport[5]!) && a.toString('hex').includes(forbiddenAid)) t.fail(`sent ${a.toString('hex')}`);
        if (a[1] === 0xb0 && (a[2]! & 0x80)) t.fail('READ BINARY by short EF id');
        if (![0xa4, 0xb0, 0x20, 0x2a, 0xc0].includes(a[1]!)) t.fail(`instruction ${a[1]!.toString(16)} sent`);
        if ((a[1] === 0x20 || a[1] === 0x2a) && a[3] !== 0x80) t.fail(`VERIFY/sign with P2 ${a[3]!.toString(16)}`);
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
