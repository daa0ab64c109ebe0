// A CardSession over any ApduTransport: the one implementation the PC/SC driver and both virtual
// card hosts share. Calls are queued, because the card has one channel and one selected file;
// where the transport offers it, each call runs with the card held exclusively (issue 12: another
// program must not change the selection between our SELECT and READ, or use the key after our
// VERIFY), and the guard forgets what was selected, because someone else may have changed it.
import type { FaceKey } from '../../vocabulary/face-key.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import { CardChannel } from './apdu/card-channel.js';
import type { ApduTransport } from './apdu/transport.js';
import type { CardKind, CardSession, CardToken, FacePhotoResult, PinStatus, PinVerifyResult, VerifyAndSignResult } from './card-reader.js';
import * as jpki from './jpki.js';

export interface SessionOptions {
  readonly atr: Buffer;
  readonly kind: CardKind;
  readonly token?: CardToken;
  readonly removed: AbortSignal;
  readonly timeoutMs: number;
  /** 照合番号B for the card-surface AP (a face-auth reader reads it off the card's front);
   * null where this reader cannot know it, and then there is no face photo. */
  readonly surfaceKey?: () => FaceKey | null;
}

export class ChannelCardSession implements CardSession {
  readonly atr: Buffer;
  readonly kind: CardKind;
  readonly token: CardToken;
  readonly removed: AbortSignal;
  readonly channel: CardChannel;
  readonly #transport: ApduTransport;
  readonly #surfaceKey: () => FaceKey | null;
  /** Keys this card refused: never presented again (each try counts on the card). */
  readonly #refused: FaceKey[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(transport: ApduTransport, options: SessionOptions) {
    this.atr = options.atr;
    this.kind = options.kind;
    this.token = options.token ?? 'card';
    this.removed = options.removed;
    this.#transport = transport;
    this.channel = new CardChannel(transport, { timeoutMs: options.timeoutMs, removed: options.removed });
    this.#surfaceKey = options.surfaceKey ?? (() => null);
  }

  /** APDUs sent in this session so far (for the benchmark and diagnostics). */
  get apduCount(): number { return this.channel.apduCount; }

  readUserAuthCertificate(signal?: AbortSignal): Promise<Buffer> {
    return this.#run(() => jpki.readUserAuthCertificate(this.channel, signal), signal);
  }

  async readFacePhoto(signal?: AbortSignal): Promise<Buffer | null> {
    if (this.token !== 'card') return null; // a phone has no chip photo
    const key = this.#surfaceKey();
    if (!key) return null;
    const result = await this.readFacePhotoWith(key, signal);
    return result.ok ? result.photo : null;
  }

  readFacePhotoWith(key: FaceKey, signal?: AbortSignal): Promise<FacePhotoResult> {
    if (this.#refused.some((k) => k.equals(key))) return Promise.resolve({ ok: false, reason: 'KEY_REFUSED' });
    return this.#run(async () => {
      const result = await jpki.readCardFacePhoto(this.channel, key, signal);
      if (!result.ok && (result.reason === 'KEY_REFUSED' || result.reason === 'KEY_LOCKED')) this.#refused.push(key);
      return result;
    }, signal, true);
  }

  pinStatus(signal?: AbortSignal): Promise<PinStatus> {
    return this.#run(() => jpki.pinStatus(this.channel, signal), signal);
  }

  pinTriesLeft(signal?: AbortSignal): Promise<number> {
    return this.#run(() => jpki.pinTriesLeft(this.channel, signal), signal);
  }

  verifyPin(pin: PinDigits, signal?: AbortSignal): Promise<PinVerifyResult> {
    // Not cleared afterwards: the caller signs next (signDigest). The flow uses verifyPinAndSign.
    return this.#run(() => jpki.verifyPin(this.channel, pin, signal), signal);
  }

  signDigest(sha256: Buffer, signal?: AbortSignal): Promise<Buffer> {
    return this.#run(() => jpki.signDigest(this.channel, sha256, signal), signal, true);
  }

  verifyPinAndSign(pin: PinDigits, sha256: Buffer, signal?: AbortSignal): Promise<VerifyAndSignResult> {
    if (sha256.length !== 32) return Promise.reject(new RangeError('verifyPinAndSign takes a 32-byte SHA-256 digest'));
    return this.#run(async () => {
      const verdict = await jpki.verifyPin(this.channel, pin, signal);
      if (!verdict.ok) return verdict;
      return { ok: true, signature: await jpki.signDigest(this.channel, sha256, signal) };
    }, signal, true);
  }

  #run<T>(operation: () => Promise<T>, signal?: AbortSignal, clearSecurityState = false): Promise<T> {
    const next = this.#queue.then(() => {
      if (this.removed.aborted) throw new GatewayError('CARD_REMOVED', 'the card has been removed');
      if (this.kind !== 'mynumber') throw new GatewayError('CARD_UNSUPPORTED', 'not a My Number card');
      const exclusive = this.#transport.exclusive?.bind(this.#transport);
      if (!exclusive) return operation();
      return exclusive(() => {
        this.channel.resetSelection();
        return operation();
      }, { clearSecurityState, ...(signal ? { signal } : {}) });
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
