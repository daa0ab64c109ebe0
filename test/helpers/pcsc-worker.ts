// A second (and third) program on the same PC/SC reader, for the exclusive-access test. Run as
// `node --import tsx test/helpers/pcsc-worker.ts <mode> <readerName> <ms> [sha256]`; prints one JSON line.
//   driver-cert  our driver (PcscCardReader): reads the certificate again and again, checks its hash
//   raw-select   a foreign program, raw @pokusew/pcsclite in SHARED mode: connect, SELECT the
//                card-surface AP and its EF 0002, disconnect, again and again (what would break an
//                unprotected SELECT..READ of another program)
//   raw-cert     the control: a raw SHARED client doing SELECT JPKI, SELECT 000A, READ 4 bytes on one
//                held connection, with no exclusive access: counts answers that are not the cert header
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { silentLogger } from '../../vocabulary/log.js';
import type { CardSession } from '../../drivers/card/card-reader.js';
import { PcscCardReader } from '../../drivers/card/pcsc/pcsc-card-reader.js';
import type { NativeContext, NativeReader } from '../../drivers/card/pcsc/pcsc-native.js';

const [mode, readerName = '', msText = '5000', expected = ''] = process.argv.slice(2);
const until = Date.now() + Number(msText);
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function driverCert(): Promise<void> {
  const reader = new PcscCardReader({ readerName, timeoutMs: 3000, logger: silentLogger, exclusiveWaitMs: 10000 });
  const session = await new Promise<CardSession>((resolve) => { reader.once('inserted', resolve); void reader.start(); });
  let ok = 0;
  const errors: string[] = [];
  // At least three reads whatever the machine's load (a slow start must not leave the window
  // empty), within a hard cap so a hang still ends.
  const cap = until + 30000;
  while ((Date.now() < until || ok + errors.length < 3) && Date.now() < cap) {
    try {
      const der = await session.readUserAuthCertificate();
      if (createHash('sha256').update(der).digest('hex') === expected) ok++;
      else errors.push('wrong bytes');
    } catch (error) {
      errors.push((error as { code?: string }).code ?? String(error));
    }
  }
  await reader.stop();
  out({ mode, ok, errors });
}

function raw(): Promise<{ context: NativeContext; reader: NativeReader }> {
  const pcsc = createRequire(import.meta.url)('@pokusew/pcsclite') as () => NativeContext;
  const context = pcsc();
  return new Promise((resolve) => context.on('reader', (reader: NativeReader) => { if (reader.name.includes(readerName)) resolve({ context, reader }); else reader.close(); }));
}

const connect = (reader: NativeReader) => new Promise<number>((resolve, reject) =>
  reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (err, protocol) => (err ? reject(err) : resolve(protocol))));
const disconnect = (reader: NativeReader) => new Promise<void>((resolve) => reader.disconnect(reader.SCARD_LEAVE_CARD, () => resolve()));
const transmit = (reader: NativeReader, protocol: number, hex: string) => new Promise<Buffer>((resolve, reject) =>
  reader.transmit(Buffer.from(hex, 'hex'), 4096, protocol, (err, r) => (err ? reject(err) : resolve(r))));

async function rawSelect(): Promise<void> {
  const { context, reader } = await raw();
  let done = 0;
  let refused = 0;
  while (Date.now() < until) {
    try {
      const protocol = await connect(reader);
      await transmit(reader, protocol, '00a4040c0ad3921000310001010402');
      await transmit(reader, protocol, '00a4020c020002');
      done++;
      await disconnect(reader);
    } catch {
      refused++; // SCARD_E_SHARING_VIOLATION while our driver holds the card
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  reader.close();
  context.close();
  out({ mode, done, refused });
}

async function rawCert(): Promise<void> {
  const { context, reader } = await raw();
  const protocol = await connect(reader);
  let ok = 0;
  let wrong = 0;
  while (Date.now() < until) {
    await transmit(reader, protocol, '00a4040c0ad392f000260100000001');
    await transmit(reader, protocol, '00a4020c02000a');
    const r = await transmit(reader, protocol, '00b0000004');
    if (r.length === 6 && r[0] === 0x30 && r[1] === 0x82 && r.readUInt16BE(4) === 0x9000) ok++;
    else wrong++;
  }
  await disconnect(reader);
  reader.close();
  context.close();
  out({ mode, ok, wrong });
}

const run = mode === 'driver-cert' ? driverCert : mode === 'raw-select' ? rawSelect : mode === 'raw-cert' ? rawCert : null;
if (!run) throw new Error(`unknown mode ${mode}`);
await run();
setTimeout(() => process.exit(0), 200).unref();
