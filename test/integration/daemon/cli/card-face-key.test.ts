// `oqsgw card read --json --face-key <照合番号B>` through a real pcscd + vpcd against a virtual card
// built the way the public readers describe (FF20 card face, EF 0012 key): the certificate and
// the photo (format, bytes, sha256; never the image), every APDU inside the allowlist, and a
// wrong key presented exactly once with a clear error. Also `card watch --read --face-key`.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { VpcdHost, type ApduCard } from '../../../../drivers/card/sim/vpcd-host.js';
import { loadProfile } from '../../../../drivers/card/sim/profiles.js';
import { ensurePki, virtualCard } from '../../../helpers/card-fixtures.js';
import { pcscUnavailable, startPcscStack } from '../../../helpers/pcsc-daemon.js';

const MAIN = fromRoot('daemon', 'cli', 'main.ts');

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: fromRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return { child, out: () => out, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

/** Every INS / P2 the gateway may send (issue 12): SELECT, READ BINARY, VERIFY, COMPUTE SIGNATURE, GET RESPONSE. */
function outsideAllowlist(apdus: Buffer[]): string[] {
  return apdus.filter((a) => {
    const ins = a[1]!;
    if (![0xa4, 0xb0, 0x20, 0x2a, 0xc0].includes(ins)) return true;
    if ((ins === 0x20 || ins === 0x2a) && a[3] !== 0x80) return true;
    if (ins === 0xa4 && a.length >= 7 && a[2] === 0x02 && ['0005', '0011', '0013'].includes(a.subarray(5, 7).toString('hex'))) return true;
    if (ins === 0xa4 && a.toString('hex').includes('d3921000310001010408')) return true;
    return ins === 0xb0 && (a[2]! & 0x80) !== 0;
  }).map((a) => a.toString('hex'));
}

const why = pcscUnavailable();
t.test('card read --face-key through pcscd + vpcd', { skip: why ?? false }, async (t) => {
  const pki = ensurePki();
  const stack = await startPcscStack();
  t.teardown(() => stack.stop());
  const card = virtualCard('ito-sakura');
  const sent: Buffer[] = [];
  const recording: ApduCard = { atr: card.atr, reset: () => card.reset(), process: (a) => { sent.push(Buffer.from(a)); return card.process(a); } };
  const host = new VpcdHost(recording, { port: stack.vpcdPort });
  await host.insert();
  t.teardown(() => host.remove());
  const photo = loadProfile(pki, 'ito-sakura').photo!;

  const read = cli(['card', 'read', '--json', '--reader', stack.readerName, '--wait', '20', '--face-key', card.surfaceKey]);
  t.equal(await read.exited, 0, read.out());
  const result = JSON.parse(read.out().trim().split('\n').at(-1)!) as Record<string, unknown>;
  t.match(result, { token: 'card', keyBits: 2048, pinTriesLeft: 3 });
  t.same(result.photo, { format: 'jp2', bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') });
  t.notMatch(read.out(), /jP {2}|6a502020/, 'no image bytes on the terminal');
  t.same(outsideAllowlist(sent), [], `${sent.length} APDUs, all allowlisted`);
  t.same(card.forbiddenSelects, []);
  t.equal(sent.filter((a) => a[1] === 0x20 && a.length > 5).length, 1, 'one VERIFY with data (照合番号B)');

  // A wrong key (a Gregorian birth year where the era year belongs): once, then a clear error.
  sent.length = 0;
  const wrongDigits = `${card.surfaceKey.slice(0, 6)}${card.surfaceKey.slice(6, 10)}${((Number(card.surfaceKey.slice(10)) + 1) % 10000).toString().padStart(4, '0')}`;
  const wrong = cli(['card', 'read', '--json', '--reader', stack.readerName, '--wait', '20', '--face-key', wrongDigits]);
  t.equal(await wrong.exited, 1);
  const error = JSON.parse(wrong.out().trim().split('\n').at(-1)!) as { error: Record<string, unknown> };
  t.match(error.error, { code: 'CARD_ERROR', reason: 'KEY_REFUSED', triesLeft: 9 });
  t.equal(sent.filter((a) => a[1] === 0x20 && a.length > 5).length, 1, 'the wrong key was presented once');
  t.equal(card.faceKeyTriesLeft, 9);

  // A malformed key never reaches the card.
  sent.length = 0;
  const malformed = cli(['card', 'read', '--json', '--reader', stack.readerName, '--wait', '5', '--face-key', '1980021720352285']);
  t.not(await malformed.exited, 0);
  t.match(malformed.out(), /NOT_14_DIGITS/);
  t.equal(sent.filter((a) => a[1] === 0x20).length, 0);

  // card watch --read --face-key reads the photo of the card it sees.
  const watch = cli(['card', 'watch', '--read', '--reader', stack.readerName, '--face-key', card.surfaceKey]);
  const end = Date.now() + 20000;
  while (!watch.out().includes('"event":"certificate"') && !watch.out().includes('"event":"error"') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  watch.child.kill('SIGTERM');
  await watch.exited;
  t.match(watch.out(), /"event":"certificate".*"photo":\{"format":"jp2","bytes":\d+,"sha256":"[0-9a-f]{64}"\}/);
  t.equal(card.faceKeyTriesLeft, 10, 'the right key reset the counter');
});
