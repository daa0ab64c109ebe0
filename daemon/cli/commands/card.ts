// `oqsgw card watch`, `oqsgw card read [--json]` (the technician's reader check) and
// `oqsgw sim card [--profile NAME]` (the virtual My Number card, plugged into pcscd through vpcd).
// Nothing here prints more than the certificate summary: never an Individual Number, never a PIN.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { FaceKey } from '../../../vocabulary/face-key.js';
import { Value } from '@sinclair/typebox/value';
import { createLogger, silentLogger } from '../../../vocabulary/log.js';
import { fromRoot } from '../../../vocabulary/paths.js';
import { loadConfig } from '../../../config/load.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { CardConfigSchema, type CardConfig } from '../../../drivers/card/config.js';
import type { CardReader, CardSession } from '../../../drivers/card/card-reader.js';
import { standingOf, summariseCertificate } from '../../../drivers/card/certificate.js';
import { createCardReader, SimCardReader } from '../../../drivers/card/index.js';
import { CARD_FAULTS, type CardFault } from '../../../drivers/card/sim/faults.js';
import { VpcdLab } from '../../../drivers/card/sim/vpcd-lab.js';
import { createInterface } from 'node:readline';
import { group } from '../groups.js';
import { registerCardFrontCommand } from './card-front.js';
import { createFrontOcr } from '../../../drivers/card/front/front-ocr.js';
import { CardFrontReader } from '../../../drivers/card/front/front-reader.js';
import { ImagesFrontSource } from '../../../drivers/card/front/front-sources.js';
import { loadFrontOpenCv } from '../../../drivers/card/front/opencv.js';

interface ReaderOptions { config?: string; driver?: 'pcsc' | 'sim'; reader?: string }

function cardConfig(options: ReaderOptions): CardConfig {
  const base = options.config ? loadConfig(options.config).card : (Value.Default(CardConfigSchema, {}) as CardConfig);
  // Without a config file these commands are for checking real hardware.
  const driver = options.driver ?? (options.config ? base.driver : 'pcsc');
  return { ...base, driver, readerName: options.reader ?? base.readerName };
}

const line = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const describe = (error: unknown): Record<string, unknown> =>
  error instanceof GatewayError
    ? { code: error.code, message: error.message, ...(error.details.reason ? { reason: error.details.reason } : {}), ...(error.details.triesLeft !== undefined ? { triesLeft: error.details.triesLeft } : {}) }
    : { code: 'INTERNAL_ERROR', message: String(error) };

/** --face-key: 14 digits of 照合番号B, checked before any card sees them (a malformed key would
 * burn one of the card's tries). */
function faceKeyOption(digits: string | undefined): FaceKey | null {
  if (digits === undefined) return null;
  const parsed = FaceKey.parse(digits);
  if (!parsed.ok) throw new Error(`--face-key: ${parsed.message} (${parsed.problem})`);
  return parsed.key;
}

/** 照合番号B read off pictures of the card front with the reader's own rules (two agreeing frames). */
async function frontKeyOption(images: string[]): Promise<FaceKey> {
  const cv = await loadFrontOpenCv();
  const reader = new CardFrontReader(cv, createFrontOcr(cv));
  try {
    const source = new ImagesFrontSource(images);
    await source.open();
    const result = await reader.readKey(source, { timeLimitMs: 600_000, maxFrames: images.length });
    if (!result.ok) throw new GatewayError('CAMERA_DOWN', `--front: no 照合番号B from the pictures (${result.why}); see oqsgw card front`);
    return result.key;
  } finally {
    await reader.close();
  }
}

async function summary(session: CardSession, faceKey: FaceKey | null = null): Promise<Record<string, unknown>> {
  const der = await session.readUserAuthCertificate();
  const certificate = summariseCertificate(der);
  const pin = session.token === 'smartphone' ? null : await session.pinStatus();
  const result: Record<string, unknown> = {
    token: session.token, ...certificate,
    // 'grace': expired less than 3 months ago, the insurance check only; 'expiring': within 3 months.
    standing: standingOf(der, new Date()),
    // A phone is unlocked by its user on the phone; a 顔認証マイナンバーカード has no PIN at all.
    pinTriesLeft: pin?.state === 'set' ? pin.triesLeft : null,
    ...(pin?.state === 'none' ? { pin: 'none' } : {}),
  };
  if (!faceKey) return result;
  // One VERIFY of 照合番号B, never retried; the photo itself never goes to the terminal.
  const face = await session.readFacePhotoWith(faceKey);
  if (!face.ok) {
    const why = { NO_KEY: 'no 照合番号B', NO_CARD_FACE: 'this token has no card-surface application (a phone has no chip photo)',
      KEY_REFUSED: `the card refused this 照合番号B (${face.triesLeft ?? '?'} tries left; not retried)`, KEY_LOCKED: 'the 照合番号B key is locked' }[face.reason];
    throw new GatewayError('CARD_ERROR', why, { reason: face.reason, ...(face.triesLeft !== undefined ? { triesLeft: face.triesLeft } : {}) });
  }
  return { ...result, photo: { format: face.format, bytes: face.photo.length, sha256: createHash('sha256').update(face.photo).digest('hex') } };
}

/** Runs until SIGINT/SIGTERM, then stops the reader. */
function untilSignal(reader: CardReader, extra: () => void = () => undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => { extra(); void reader.stop().then(resolve); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerCardCommands(program: Command): void {
  const card = program.command('card').description('Check the card reader: watch card events, read a card\'s certificate summary');
  const common = (c: Command) => c
    .option('--config <file>', 'take the card section of this config (default: a real reader through pcscd)')
    .option('--driver <pcsc|sim>', "override card.driver ('sim': the built-in virtual card, inserted for you)")
    .option('--reader <text>', 'use the first reader whose name contains this text');

  registerCardFrontCommand(card);

  common(card.command('watch'))
    .description('Print reader and card events as JSON lines as they happen (Ctrl-C to stop)')
    .option('--read', 'also read each card\'s certificate summary')
    .option('--face-key <digits>', 'with --read: 照合番号B (14 digits) to also read the photo (prints format, bytes, sha256)')
    .action(async (options: ReaderOptions & { read?: boolean; faceKey?: string }) => {
      const faceKey = faceKeyOption(options.faceKey);
      const reader = createCardReader(cardConfig(options), silentLogger);
      reader.on('reader', (r) => line({ time: new Date().toISOString(), event: 'reader', ...r }));
      reader.on('inserted', (session) => {
        line({ time: new Date().toISOString(), event: 'inserted', kind: session.kind, atr: session.atr.toString('hex') });
        session.removed.addEventListener('abort', () => line({ time: new Date().toISOString(), event: 'removed' }), { once: true });
        if (options.read && session.kind === 'mynumber') {
          summary(session, faceKey).then((s) => line({ time: new Date().toISOString(), event: 'certificate', ...s }),
            (e: unknown) => line({ time: new Date().toISOString(), event: 'error', ...describe(e) }));
        }
      });
      await reader.start();
      if (reader instanceof SimCardReader) reader.insert();
      await untilSignal(reader);
    });

  common(card.command('read'))
    .description('Wait for a card, print its user-authentication certificate summary (subject, serial, validity) and PIN tries left')
    .option('--json', 'print JSON')
    .option('--face-key <digits>', '照合番号B (14 digits: era birth date YYMMDD, expiry year, security code) to also read the photo')
    .option('--front <images...>', "pictures of the card's front: read 照合番号B from them (as `oqsgw card front`) and use it to read the photo")
    .option('--wait <seconds>', 'how long to wait for a card', '30')
    .action(async (options: ReaderOptions & { json?: boolean; wait: string; faceKey?: string; front?: string[] }) => {
      if (options.faceKey !== undefined && options.front) throw new Error('--face-key and --front: give one of them');
      const faceKey = options.front ? await frontKeyOption(options.front) : faceKeyOption(options.faceKey);
      const reader = createCardReader(cardConfig(options), silentLogger);
      const session = new Promise<CardSession>((resolve) => reader.once('inserted', resolve));
      await reader.start();
      if (reader instanceof SimCardReader) reader.insert();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), Number(options.wait) * 1000); });
      if (!options.json) process.stderr.write(`waiting for a card (${reader.health().detail}) ...\n`);
      const s = await Promise.race([session, waited]);
      clearTimeout(timer);
      try {
        if (!s) throw new GatewayError('CARD_TIMEOUT', `no card within ${options.wait} s (${reader.health().detail})`);
        if (s.kind !== 'mynumber') throw new GatewayError('CARD_UNSUPPORTED', `not a My Number card (ATR ${s.atr.toString('hex')})`);
        const result = await summary(s, faceKey);
        if (options.json) line(result);
        else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(13)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`);
      } catch (error) {
        if (options.json) line({ error: describe(error) });
        else process.stderr.write(`error: ${JSON.stringify(describe(error))}\n`);
        process.exitCode = 1;
      } finally {
        await reader.stop();
      }
    });

  group(program, 'sim')
    .command('card')
    .description('A virtual My Number card plugged into a running pcscd through vsmartcard vpcd (Ctrl-C removes it)')
    .option('--profile <name>', 'test person whose card it is (default: the first in the test PKI)')
    .option('--port <n>', 'vpcd port on the host (Debian /etc/reader.conf.d/vpcd: 35963)', '35963')
    .option('--host <addr>', 'vpcd host', '127.0.0.1')
    .option('--pki-dir <dir>', 'test PKI (scripts/gen-test-pki.sh)', fromRoot('var', 'pki'))
    .option('--fault <fault>', `misbehave: ${CARD_FAULTS.join(' | ')}`, 'none')
    .option('--protocol <t0|t1>', "'t0': answer with 61xx/6Cxx like cards behind T=0 readers", 't1')
    .option('--remove-after <seconds>', 'take the card out after this long (0: stay until Ctrl-C)', '0')
    .option('--interactive', 'read commands from stdin: insert [NAME] | remove | fault F | profiles | quit')
    .action(async (options: SimCardOptions) => runSimCard(options));
}

interface SimCardOptions { profile?: string; port: string; host: string; pkiDir: string; fault: string; protocol: string; removeAfter: string; interactive?: boolean }

async function runSimCard(options: SimCardOptions): Promise<void> {
  const logger = createLogger('info');
  if (!isFault(options.fault)) throw new Error(`--fault: one of ${CARD_FAULTS.join(', ')}`);
  if (options.protocol !== 't0' && options.protocol !== 't1') throw new Error('--protocol: t0 or t1');
  const lab = new VpcdLab({ pkiDir: options.pkiDir, host: options.host, port: Number(options.port), protocol: options.protocol, fault: options.fault });
  let stopping = false;
  lab.on('removed', (id) => {
    logger.info({ profile: id }, 'card out of the reader');
    if (!stopping && !options.interactive) process.exitCode = 1; // vpcd went away under us
  });
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const insert = async (id?: string) => {
    // One card at a time, as in a real reader: a second insert would pull the first card out from
    // under a running check-in (its APDUs then fail as CARD_ERROR), so it is refused and said.
    if (options.interactive && lab.current) {
      say(`a card (${lab.current}) is already in the reader: type remove first`);
      return;
    }
    try {
      const inserted = await lab.insert(id);
      logger.info({ profile: inserted, port: Number(options.port) }, 'virtual card in the reader (test PIN: see drivers/card/README.md)');
      if (options.interactive) say(`card in: ${inserted}`);
    } catch (error) {
      const text = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED'
        ? `cannot reach vpcd on ${options.host}:${options.port} (is pcscd running with vsmartcard-vpcd? restart pcscd after installing it)`
        : (error as Error).message;
      if (!options.interactive) throw new Error(text);
      logger.error(text);
    }
  };
  // Interactive: a card goes in at start only when --profile names one, and the terminal says so.
  if (!options.interactive || options.profile) await insert(options.profile ?? lab.profiles()[0]);
  if (options.interactive) {
    say(lab.current ? `card in: ${lab.current}` : 'no card in the reader');
    say(SIM_CARD_COMMANDS);
  }
  await new Promise<void>((resolve) => {
    const stop = () => { stopping = true; lab.remove(); resolve(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const after = Number(options.removeAfter);
    if (after > 0) setTimeout(stop, after * 1000).unref();
    if (!options.interactive) { lab.once('removed', () => resolve()); return; }
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (text) => {
      const [command = '', arg] = text.trim().split(/\s+/);
      if (command === 'insert') void insert(arg);
      else if (command === 'remove') {
        if (lab.current) { say(`card out: ${lab.current}`); lab.remove(); } else say('no card in the reader');
      } else if (command === 'profiles') say(lab.profiles().join(' '));
      else if (command === 'fault' && arg && isFault(arg)) { lab.setFault(arg); say(`fault for the next insert: ${arg}`); }
      else if (command === 'quit') rl.close();
      else if (command) say(SIM_CARD_COMMANDS);
    });
    rl.once('close', stop);
  });
  if (options.interactive) {
    // Let go of stdin (an open pipe keeps the process alive after `quit`), and end even if a
    // vpcd connection is still closing: the card is out, nothing is left to do.
    process.stdin.destroy();
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  }
}

const SIM_CARD_COMMANDS = 'commands: insert [NAME] | remove | fault F | profiles | quit';

const isFault = (text: string): text is CardFault => (CARD_FAULTS as readonly string[]).includes(text);
