// The card driver's interface. The core sees only this; PC/SC and the simulator implement it.
import type { EventEmitter } from 'node:events';
import type { FaceKey } from '../../vocabulary/face-key.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import type { PhotoFormat } from './card-face.js';

export type CardKind = 'mynumber' | 'unknown';

/** What EF 0006 of the JPKI AP names (soltia48/myna-card src/ap/jpki.rs TokenType). */
export type TokenName = 'card' | 'android' | 'iphone' | 'juki' | 'unknown';

/** What the patient holds over the reader: the plastic card, or a phone carrying the
 * スマホ用電子証明書 (マイナ保険証 on a smartphone, since September 2025). */
export type CardToken = 'card' | 'smartphone';

/** The user-authentication PIN: set (triesLeft 0 = locked), or none at all (顔認証マイナンバーカード). */
export type PinStatus =
  | { readonly state: 'set'; readonly triesLeft: number }
  | { readonly state: 'none' };

export type FacePhotoResult =
  | { readonly ok: true; readonly photo: Buffer; readonly format: PhotoFormat; readonly bytesRead: number }
  | { readonly ok: false; readonly reason: 'NO_KEY' | 'NO_CARD_FACE' | 'KEY_REFUSED' | 'KEY_LOCKED'; readonly triesLeft?: number };

export type VerifyAndSignResult =
  | { readonly ok: true; readonly signature: Buffer }
  | { readonly ok: false; readonly triesLeft: number };

export type PinVerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly triesLeft: number }; // 0 means locked

/** One card on the reader, from insertion to removal. Every call may throw a GatewayError
 * (CARD_REMOVED, CARD_TIMEOUT, CARD_ERROR, PIN_LOCKED ...). */
export interface CardSession {
  readonly atr: Buffer;
  readonly kind: CardKind;
  /** Card or smartphone (from EF 0006); 'card' for anything that is not a My Number token. */
  readonly token: CardToken;
  /** Aborted when the card leaves the reader. */
  readonly removed: AbortSignal;
  /** DER of the user-authentication certificate (利用者証明用電子証明書); no PIN needed. */
  readUserAuthCertificate(signal?: AbortSignal): Promise<Buffer>;
  /** The face photo (JPEG 2000) with the reader's own 照合番号B source, or null where not
   * readable (no key, no card-surface AP, key refused: the refusal is remembered and the same
   * key is never presented twice to one card). */
  readFacePhoto(signal?: AbortSignal): Promise<Buffer | null>;
  /** The face photo with this 照合番号B: one VERIFY, the outcome named (tries left on a refusal). */
  readFacePhotoWith(key: FaceKey, signal?: AbortSignal): Promise<FacePhotoResult>;
  /** The PIN's state without using a try. */
  pinStatus(signal?: AbortSignal): Promise<PinStatus>;
  /** Tries left (0 = locked); IDENTITY_UNAVAILABLE on a card with no PIN. */
  pinTriesLeft(signal?: AbortSignal): Promise<number>;
  /** Exactly one VERIFY with the digits the patient typed; never retried by the driver. */
  verifyPin(pin: PinDigits, signal?: AbortSignal): Promise<PinVerifyResult>;
  /** PKCS#1 v1.5 signature with the user-authentication key over a SHA-256 digest (after VERIFY). */
  signDigest(sha256: Buffer, signal?: AbortSignal): Promise<Buffer>;
  /** VERIFY then sign as ONE operation (exclusive card access from the VERIFY to the signature,
   * and the verified state cleared afterwards where the reader can): what the flow uses. */
  verifyPinAndSign(pin: PinDigits, sha256: Buffer, signal?: AbortSignal): Promise<VerifyAndSignResult>;
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

/** Where a certificate stands (expiring, grace ...): part of the interface the core may use. */
export { certificateStanding, standingOf, type CertificateStanding } from './certificate.js';
