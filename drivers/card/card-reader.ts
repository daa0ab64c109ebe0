// The card driver's interface. The core sees only this; PC/SC and the simulator implement it.
import type { EventEmitter } from 'node:events';
import type { PinDigits } from '../../vocabulary/pin-digits.js';

export type CardKind = 'mynumber' | 'unknown';

export type PinVerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly triesLeft: number }; // 0 means locked

/** One card on the reader, from insertion to removal. Every call may throw a GatewayError
 * (CARD_REMOVED, CARD_TIMEOUT, CARD_ERROR, PIN_LOCKED ...). */
export interface CardSession {
  readonly atr: Buffer;
  readonly kind: CardKind;
  /** Aborted when the card leaves the reader. */
  readonly removed: AbortSignal;
  /** DER of the user-authentication certificate (利用者証明用電子証明書); no PIN needed. */
  readUserAuthCertificate(signal?: AbortSignal): Promise<Buffer>;
  /** The face photo (JPEG 2000) from the card surface application, or null where not readable. */
  readFacePhoto(signal?: AbortSignal): Promise<Buffer | null>;
  pinTriesLeft(signal?: AbortSignal): Promise<number>;
  /** Exactly one VERIFY with the digits the patient typed; never retried by the driver. */
  verifyPin(pin: PinDigits, signal?: AbortSignal): Promise<PinVerifyResult>;
  /** PKCS#1 v1.5 signature with the user-authentication key over a SHA-256 digest (after VERIFY). */
  signDigest(sha256: Buffer, signal?: AbortSignal): Promise<Buffer>;
}

export interface CardReaderEvents {
  inserted: [CardSession];
  /** The reader itself came or went (hot-plug). */
  reader: [{ readonly name: string; readonly present: boolean }];
}

export interface CardReader extends EventEmitter<CardReaderEvents> {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Device health for /status; no patient data. */
  health(): { readonly ok: boolean; readonly detail: string };
}
