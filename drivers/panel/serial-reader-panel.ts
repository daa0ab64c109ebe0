// The reader's panel over a serial port (drivers/panel/PROTOCOL.md). Owns the connection: open,
// version handshake, heartbeat, and reopen with backoff when the port vanishes or the panel stops
// answering; reports each change as a 'link' event so the core can show the reader as `error`
// meanwhile. PIN digits go from the PIN frame straight into a PinDigits and nowhere else.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { SerialPort } from 'serialport';
import { PinDigits } from '../../vocabulary/pin-digits.js';
import type { ConsentItem } from '../../vocabulary/consent.js';
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { PanelConfig } from './config.js';
import { FRAME_TYPES, type Frame } from './protocol/frame.js';
import { FrameLink, type LinkFault } from './protocol/link.js';
import {
  AnswerSchema, AskSchema, BOOT_SESSION, decodeJson, decodePin, encodeJson, HelloReplySchema, HelloSchema, KeySchema, PROTOCOL_VERSIONS, ShowSchema,
  WithdrawSchema, type Ask, type HelloReply, type Show,
} from './protocol/messages.js';
import { readConsent, readIdentity, readPin, readRegistration, type PanelReply, type Reading } from './protocol/replies.js';
import { consentAsk, identityAsk, pinAsk, registrationAsk, showPayload } from './protocol/wording.js';
import type {
  ConsentAnswer, IdentityChoice, PinEntry, ReaderPanel, ReaderPanelEvents, RegistrationAnswer, Screen,
} from './reader-panel.js';
import { Backoff, closePort, openPort } from './serial-port.js';
import type { PinReason } from '../../vocabulary/front-guidance.js';

type SerialPanelConfig = Pick<
  PanelConfig, 'path' | 'baudRate' | 'language' | 'ackTimeoutMs' | 'maxResends' | 'heartbeatMs' | 'reconnectMinMs' | 'reconnectMaxMs'
>;

interface PendingAsk {
  /** False when the reply is no answer to this question. */
  readonly accept: (reply: PanelReply) => boolean;
  readonly fail: (error: unknown) => void;
}

export class SerialReaderPanel extends EventEmitter<ReaderPanelEvents> implements ReaderPanel {
  #port: SerialPort | null = null;
  #link: FrameLink | null = null;
  #generation = 0;
  #up = false;
  #reported: boolean | null = null;
  #detail = 'not started';
  #stopped = true;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #helloWaiter: ((reply: HelloReply) => void) | null = null;
  readonly #backoff: Backoff;
  readonly #asks = new Map<number, PendingAsk>();
  #nextAskId = 1;
  #lastShow: Show | null = null;
  #assisted = false;
  #rehandshaking = false;
  /** Recovered link faults since start, by kind (for /status and the benchmark). */
  readonly faults: Partial<Record<LinkFault | 'bad-payload', number>> = {};

  constructor(private readonly config: SerialPanelConfig, private readonly logger: Logger) {
    super();
    this.#backoff = new Backoff(config.reconnectMinMs, config.reconnectMaxMs);
  }

  get assisted(): boolean {
    return this.#assisted;
  }

  /** Resolves after the first connection attempt, up or not; reconnecting continues behind. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    await this.#teardown('stopped');
    this.#report(false, 'stopped');
  }

  async show(screen: Screen): Promise<void> {
    if (screen.kind === 'welcome') this.#assisted = false;
    const payload = showPayload(screen);
    // Remembered even while down, so the panel shows the latest screen when it returns.
    this.#lastShow = payload;
    await this.#require().send(FRAME_TYPES.SHOW, encodeJson(ShowSchema, payload));
  }

  askIdentityMethod(choices: readonly IdentityChoice[], signal: AbortSignal): Promise<IdentityChoice> {
    return this.#ask((id) => identityAsk(id, choices), signal, (reply) => readIdentity(reply, choices));
  }

  askPin(triesLeft: number, signal: AbortSignal, reason?: PinReason): Promise<PinEntry> {
    return this.#ask((id) => pinAsk(id, triesLeft, reason), signal, readPin);
  }

  askConsent(items: readonly ConsentItem[], signal: AbortSignal): Promise<ConsentAnswer> {
    return this.#ask((id) => consentAsk(id, items), signal, (reply) => readConsent(reply, items));
  }

  askRegistration(signal: AbortSignal): Promise<RegistrationAnswer> {
    return this.#ask((id) => registrationAsk(id), signal, readRegistration);
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    return { ok: this.#up, detail: this.#detail };
  }

  #require(): FrameLink {
    if (!this.#up || !this.#link) throw new GatewayError('PANEL_DOWN', `The reader panel is not connected (${this.#detail})`);
    return this.#link;
  }

  #ask<T>(build: (id: number) => Ask, signal: AbortSignal, read: (reply: PanelReply) => Reading<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const link = this.#require();
      const id = this.#nextAskId;
      this.#nextAskId = (this.#nextAskId % 0xffff) + 1;
      const onAbort = (): void => {
        finish();
        // Take the question off the screen; if that fails the link is down and it is gone anyway.
        link.send(FRAME_TYPES.WITHDRAW, encodeJson(WithdrawSchema, { id })).catch(() => undefined);
        reject(signal.reason);
      };
      const finish = (): void => {
        this.#asks.delete(id);
        signal.removeEventListener('abort', onAbort);
      };
      this.#asks.set(id, {
        accept: (reply) => {
          const reading = read(reply);
          if (!reading) return false;
          finish();
          if ('value' in reading) resolve(reading.value);
          else reject(reading.error);
          return true;
        },
        fail: (error) => (finish(), reject(error)),
      });
      signal.addEventListener('abort', onAbort, { once: true });
      link.send(FRAME_TYPES.ASK, encodeJson(AskSchema, build(id))).catch((error: unknown) => this.#asks.get(id)?.fail(error));
    });
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const port = await openPort(this.config.path, this.config.baudRate);
      if (this.#stopped || generation !== this.#generation) return void (await closePort(port));
      const link = new FrameLink((bytes) => port.write(bytes), { ackTimeoutMs: this.config.ackTimeoutMs, maxResends: this.config.maxResends });
      this.#port = port;
      this.#link = link;
      port.on('data', (chunk: Buffer) => {
        link.receive(chunk);
        chunk.fill(0); // the decoder has its copy; a PIN frame's digits stay nowhere else
      });
      port.on('close', () => this.#lost(generation, 'port closed'));
      port.on('error', (error: Error) => this.#lost(generation, `port error: ${error.message}`));
      link.on('frame', (frame) => this.#onFrame(frame));
      link.on('fault', (fault) => {
        this.faults[fault] = (this.faults[fault] ?? 0) + 1;
      });
      link.on('dead', (reason) => this.#lost(generation, reason));
      const reply = await this.#handshake(link);
      if (!PROTOCOL_VERSIONS.some((v) => v === reply.version)) throw new Error(`panel speaks no protocol version we do (${reply.version})`);
      if (generation !== this.#generation || this.#stopped) return;
      this.#up = true;
      this.#backoff.reset();
      this.#report(true, `${reply.model}, protocol v${reply.version} on ${this.config.path}`);
      this.#heartbeat = setInterval(() => this.#beat(link), Math.max(50, Math.floor(this.config.heartbeatMs / 2)));
      if (this.#lastShow) link.send(FRAME_TYPES.SHOW, encodeJson(ShowSchema, this.#lastShow)).catch(() => undefined);
    } catch (error) {
      this.#lost(generation, error instanceof Error ? error.message : String(error));
    }
  }

  #handshake(link: FrameLink): Promise<HelloReply> {
    const session = randomBytes(8).toString('hex');
    const wait = this.config.ackTimeoutMs * (this.config.maxResends + 2);
    return new Promise<HelloReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no HELLO_REPLY from the panel')), wait);
      this.#helloWaiter = (reply) => {
        if (reply.session !== session) return;
        clearTimeout(timer);
        this.#helloWaiter = null;
        resolve(reply);
      };
      const hello = { versions: [...PROTOCOL_VERSIONS], session, language: this.config.language };
      link.send(FRAME_TYPES.HELLO, encodeJson(HelloSchema, hello)).catch((error: unknown) => (clearTimeout(timer), reject(error)));
    });
  }

  /** The panel restarted behind a port that stayed open: its question and sequence numbers are
   * gone. Shake hands again on the same port and put the last screen back. */
  async #rehandshake(): Promise<void> {
    const link = this.#link;
    const generation = this.#generation;
    if (!this.#up || !link || this.#rehandshaking) return;
    this.#rehandshaking = true;
    this.logger.warn('reader panel restarted; shaking hands again');
    const error = new GatewayError('PANEL_DOWN', 'The reader panel restarted during a question');
    for (const ask of [...this.#asks.values()]) ask.fail(error);
    link.reset('panel restarted');
    try {
      const reply = await this.#handshake(link);
      if (!PROTOCOL_VERSIONS.some((v) => v === reply.version)) throw new Error(`panel speaks no protocol version we do (${reply.version})`);
      if (this.#lastShow) await link.send(FRAME_TYPES.SHOW, encodeJson(ShowSchema, this.#lastShow));
    } catch (failure) {
      this.#lost(generation, failure instanceof Error ? failure.message : String(failure));
    } finally {
      this.#rehandshaking = false;
    }
  }

  /** Sends a PING when the line has been quiet; its missing ACK makes the link dead. */
  #beat(link: FrameLink): void {
    const idle = Date.now() - Math.max(link.lastHeard, link.lastSent);
    if (idle >= this.config.heartbeatMs) link.send(FRAME_TYPES.PING).catch(() => undefined);
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case FRAME_TYPES.HELLO_REPLY: {
        const reply = decodeJson(HelloReplySchema, frame.payload);
        if (!reply) return this.#badPayload(frame);
        if (reply.session === BOOT_SESSION) return void this.#rehandshake();
        return this.#helloWaiter?.(reply);
      }
      case FRAME_TYPES.ANSWER: {
        const answer = decodeJson(AnswerSchema, frame.payload);
        if (!answer) return this.#badPayload(frame);
        if (!this.#asks.get(answer.id)?.accept({ answer })) this.logger.warn({ kind: answer.kind }, 'panel answer to no open question');
        return;
      }
      case FRAME_TYPES.PIN: {
        const pin = decodePin(frame.payload);
        if (!pin) return this.#badPayload(frame);
        const digits = new PinDigits(pin.digits);
        if (!this.#asks.get(pin.id)?.accept({ pin: digits })) {
          digits.consume().fill(0);
          this.logger.warn('panel sent a PIN to no open PIN question; discarded');
        }
        return;
      }
      case FRAME_TYPES.KEY: {
        const key = decodeJson(KeySchema, frame.payload);
        if (!key) return this.#badPayload(frame);
        this.#assisted = key.active;
        this.logger.info({ assisted: key.active }, 'staff assist key');
        this.emit('assist', { active: key.active });
        return;
      }
      default:
        this.#badPayload(frame);
    }
  }

  #badPayload(frame: Frame): void {
    this.faults['bad-payload'] = (this.faults['bad-payload'] ?? 0) + 1;
    // The type only: a payload may carry patient answers.
    this.logger.warn({ type: frame.type }, 'panel frame with an unexpected type or payload dropped');
  }

  #lost(generation: number, reason: string): void {
    if (generation !== this.#generation || this.#stopped) return;
    this.#generation++;
    void this.#teardown(reason);
    this.#report(false, reason);
    const wait = this.#backoff.next();
    this.logger.debug({ waitMs: wait }, 'panel reconnect scheduled');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#connect(), wait);
  }

  async #teardown(reason: string): Promise<void> {
    this.#up = false;
    clearInterval(this.#heartbeat);
    this.#helloWaiter = null;
    const error = new GatewayError('PANEL_DOWN', `The reader panel went away (${reason})`);
    for (const ask of [...this.#asks.values()]) ask.fail(error);
    this.#link?.close(reason);
    this.#link = null;
    const port = this.#port;
    this.#port = null;
    if (port) await closePort(port);
  }

  #report(up: boolean, detail: string): void {
    this.#detail = detail;
    if (this.#reported === up) return;
    this.#reported = up;
    if (up) this.logger.info({ detail }, 'reader panel link up');
    // Our own stop closes the link: that is not a fault worth a warning.
    else if (this.#stopped) this.logger.info({ detail }, 'reader panel link closed');
    else this.logger.warn({ detail }, 'reader panel link down');
    this.emit('link', { up, detail });
  }
}
