// The panel end of the protocol, for demos, tests and labs: it runs on a serial device (a socat
// pty in tests), shows what the gateway sends and answers its questions through a Patient (a
// script or a person at a terminal). It can also misbehave on request (garbage, corrupt frames,
// silence) so the gateway's recovery can be tested over a real device.
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import type { Consents } from '../../../vocabulary/consent.js';
import { FRAME_TYPES, type Frame } from '../protocol/frame.js';
import { FrameLink } from '../protocol/link.js';
import {
  AskSchema, BOOT_SESSION, decodeJson, encodeJson, encodePin, HelloReplySchema, HelloSchema, KeySchema, AnswerSchema, ShowSchema, WithdrawSchema,
  type Ask, type Hello, type Show,
} from '../protocol/messages.js';
import { closePort, openPort } from '../serial-port.js';

export type PatientReply =
  | { readonly kind: 'identity'; readonly choice: 'face' | 'pin' }
  | { readonly kind: 'pin'; readonly digits: string }
  | { readonly kind: 'consent'; readonly consents: Consents }
  | { readonly kind: 'registration'; readonly answer: 'register' | 'decline' }
  | { readonly kind: 'cancel' };

/** Who answers the questions: a script, or a person at a terminal. */
export interface Patient {
  /** The reply to one question; may never settle (the gateway then withdraws it: signal aborts). */
  answer(ask: Ask, signal: AbortSignal): Promise<PatientReply>;
}

export interface PanelSimulatorOptions {
  readonly path: string;
  readonly baudRate?: number;
  readonly patient: Patient;
  readonly ackTimeoutMs?: number;
  readonly maxResends?: number;
  /** Protocol versions this panel speaks (a test offers [2] to see a mismatch refused). */
  readonly versions?: readonly number[];
  readonly model?: string;
  /** How often to try reopening a port that vanished. */
  readonly reopenMs?: number;
}

export interface PanelSimulatorEvents {
  hello: [Hello];
  screen: [Show];
  ask: [Ask];
  withdraw: [number];
  /** The port opened (true) or vanished (false). */
  port: [boolean];
}

export class PanelSimulator extends EventEmitter<PanelSimulatorEvents> {
  #port: SerialPort | null = null;
  #link: FrameLink | null = null;
  #session = '';
  #stopped = true;
  #reopenTimer: NodeJS.Timeout | undefined;
  #watchTimer: NodeJS.Timeout | undefined;
  #pending: { readonly id: number; readonly abort: AbortController } | null = null;
  #corrupt = 0;
  #muted = false;
  readonly screens: Show[] = [];

  constructor(private readonly options: PanelSimulatorOptions) {
    super();
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#open();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reopenTimer);
    await this.#close();
  }

  /** Staff press (true) or release (false) the assist key. */
  pressAssist(active: boolean): Promise<void> {
    return this.#send(FRAME_TYPES.KEY, encodeJson(KeySchema, { key: 'assist', active }));
  }

  /** Writes bytes as they are, outside the protocol (garbage, torn frames). */
  injectRaw(bytes: Buffer): void {
    this.#port?.write(bytes);
  }

  /** Spoils the CRC of the next n frames this panel sends (ACKs included). */
  corruptNext(n: number): void {
    this.#corrupt = n;
  }

  /** A hung panel: reads nothing and answers nothing until unmuted. */
  mute(on: boolean): void {
    this.#muted = on;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  async #open(): Promise<void> {
    try {
      const port = await openPort(this.options.path, this.options.baudRate ?? 115200);
      if (this.#stopped) return void (await closePort(port));
      this.#port = port;
      this.#watch(port);
      const link = new FrameLink((bytes) => port.write(this.#maybeCorrupt(bytes)), {
        ackTimeoutMs: this.options.ackTimeoutMs ?? 250, maxResends: this.options.maxResends ?? 3,
      });
      this.#link = link;
      port.on('data', (chunk: Buffer) => {
        if (!this.#muted) link.receive(chunk);
      });
      port.on('close', () => void this.#vanished());
      port.on('error', () => void this.#vanished());
      link.on('frame', (frame) => this.#onFrame(frame));
      this.emit('port', true);
      // Tell a gateway that may still hold its end that this panel (re)started.
      this.#session = '';
      const boot = { version: 0, model: this.options.model ?? 'oqsgw panel simulator', session: BOOT_SESSION };
      link.send(FRAME_TYPES.HELLO_REPLY, encodeJson(HelloReplySchema, boot)).catch(() => undefined);
    } catch {
      this.#scheduleReopen();
    }
  }

  /** A pty end whose peer died does not always report it on read; so also watch the device
   * node: gone, or the name now pointing at another device, means the cable was pulled. */
  #watch(port: SerialPort): void {
    const device = (): string | null => {
      try {
        const st = statSync(this.options.path);
        return `${st.rdev}:${st.ino}`;
      } catch {
        return null;
      }
    };
    const opened = device();
    clearInterval(this.#watchTimer);
    this.#watchTimer = setInterval(() => {
      if (this.#port !== port) return clearInterval(this.#watchTimer);
      if (device() !== opened) void this.#vanished();
    }, this.options.reopenMs ?? 250);
  }

  async #vanished(): Promise<void> {
    if (!this.#port) return;
    await this.#close();
    this.emit('port', false);
    this.#scheduleReopen();
  }

  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => void this.#open(), this.options.reopenMs ?? 250);
  }

  async #close(): Promise<void> {
    clearInterval(this.#watchTimer);
    this.#withdraw();
    this.#link?.close();
    this.#link = null;
    const port = this.#port;
    this.#port = null;
    if (port) await closePort(port);
  }

  #maybeCorrupt(bytes: Buffer): Buffer {
    if (this.#corrupt <= 0) return bytes;
    this.#corrupt--;
    const spoilt = Buffer.from(bytes);
    spoilt[spoilt.length - 1]! ^= 0xff;
    return spoilt;
  }

  #send(type: (typeof FRAME_TYPES)[keyof typeof FRAME_TYPES], payload: Buffer): Promise<void> {
    if (!this.#link) return Promise.reject(new Error('panel simulator: port not open'));
    return this.#link.send(type, payload);
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case FRAME_TYPES.HELLO: {
        const hello = decodeJson(HelloSchema, frame.payload);
        // A resent HELLO (our ACK was lost) is the same session: answer it, do not reset again.
        if (!hello) return;
        if (hello.session !== this.#session) {
          this.#session = hello.session;
          this.#withdraw();
          this.#link?.reset('new session');
        }
        const versions = this.options.versions ?? [1];
        const version = Math.max(0, ...hello.versions.filter((v) => versions.includes(v)));
        this.emit('hello', hello);
        const reply = { version, model: this.options.model ?? 'oqsgw panel simulator', session: hello.session };
        this.#send(FRAME_TYPES.HELLO_REPLY, encodeJson(HelloReplySchema, reply)).catch(() => undefined);
        return;
      }
      case FRAME_TYPES.SHOW: {
        const show = decodeJson(ShowSchema, frame.payload);
        if (!show) return;
        this.screens.push(show);
        if (this.screens.length > 100) this.screens.shift();
        this.emit('screen', show);
        return;
      }
      case FRAME_TYPES.ASK: {
        const ask = decodeJson(AskSchema, frame.payload);
        if (ask) this.#answer(ask);
        return;
      }
      case FRAME_TYPES.WITHDRAW: {
        const withdraw = decodeJson(WithdrawSchema, frame.payload);
        if (withdraw && this.#pending?.id === withdraw.id) {
          this.#withdraw();
          this.emit('withdraw', withdraw.id);
        }
        return;
      }
      default:
        return; // PING: the ACK the link already sent is the whole answer.
    }
  }

  #withdraw(): void {
    this.#pending?.abort.abort(new Error('withdrawn'));
    this.#pending = null;
  }

  #answer(ask: Ask): void {
    // One question on screen at a time: a new one replaces the last.
    this.#withdraw();
    const abort = new AbortController();
    this.#pending = { id: ask.id, abort };
    this.emit('ask', ask);
    this.options.patient.answer(ask, abort.signal).then(
      (reply) => {
        if (abort.signal.aborted) return;
        this.#pending = null;
        const sent = reply.kind === 'pin'
          ? this.#send(FRAME_TYPES.PIN, encodePin(ask.id, Buffer.from(reply.digits, 'ascii')))
          : this.#send(FRAME_TYPES.ANSWER, encodeJson(AnswerSchema, { id: ask.id, ...reply }));
        sent.catch(() => undefined);
      },
      () => undefined,
    );
  }
}
