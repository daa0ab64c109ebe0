// A CardSession over any ApduTransport: the one implementation the PC/SC driver and both virtual
// card hosts share. Calls are queued, because the card has one channel and one selected file.
import { GatewayError } from '../../vocabulary/result-codes.js';
import { CardChannel } from './apdu/card-channel.js';
import type { ApduTransport } from './apdu/transport.js';
import type { CardKind, CardSession, PinVerifyResult } from './card-reader.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import * as jpki from './jpki.js';

export interface SessionOptions {
  readonly atr: Buffer;
  readonly kind: CardKind;
  readonly removed: AbortSignal;
  readonly timeoutMs: number;
  /** 照合番号B for the card-surface AP (a face-auth reader reads it off the card's front);
   * null where this reader cannot know it, and then there is no face photo. */
  readonly surfaceKey?: () => Buffer | null;
}

export class ChannelCardSession implements CardSession {
  readonly atr: Buffer;
  readonly kind: CardKind;
  readonly removed: AbortSignal;
  readonly channel: CardChannel;
  readonly #surfaceKey: () => Buffer | null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(transport: ApduTransport, options: SessionOptions) {
    this.atr = options.atr;
    this.kind = options.kind;
    this.removed = options.removed;
    this.channel = new CardChannel(transport, { timeoutMs: options.timeoutMs, removed: options.removed });
    this.#surfaceKey = options.surfaceKey ?? (() => null);
  }

  /** APDUs sent in this session so far (for the benchmark and diagnostics). */
  get apduCount(): number { return this.channel.apduCount; }

  readUserAuthCertificate(signal?: AbortSignal): Promise<Buffer> {
    return this.#run(() => jpki.readUserAuthCertificate(this.channel, signal));
  }

  readFacePhoto(signal?: AbortSignal): Promise<Buffer | null> {
    return this.#run(() => jpki.readFacePhoto(this.channel, this.#surfaceKey(), signal));
  }

  pinTriesLeft(signal?: AbortSignal): Promise<number> {
    return this.#run(() => jpki.pinTriesLeft(this.channel, signal));
  }

  verifyPin(pin: PinDigits, signal?: AbortSignal): Promise<PinVerifyResult> {
    return this.#run(() => jpki.verifyPin(this.channel, pin, signal));
  }

  signDigest(sha256: Buffer, signal?: AbortSignal): Promise<Buffer> {
    return this.#run(() => jpki.signDigest(this.channel, sha256, signal));
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => {
      if (this.removed.aborted) throw new GatewayError('CARD_REMOVED', 'the card has been removed');
      if (this.kind !== 'mynumber') throw new GatewayError('CARD_UNSUPPORTED', 'not a My Number card');
      return operation();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
