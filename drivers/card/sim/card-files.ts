// The virtual card's file system, built from a profile, following the public readers (cited field
// by field in drivers/card/README.md): the JPKI AP with EF 0006 naming the token, the card-surface
// AP with the card face as a BER template (card-face-file.ts) and ALL its key and data files —
// including the ones the gateway must never reach (0005 the Number's picture, 0013 照合番号A,
// 0011 the birth-date key) — and the 券面事項入力補助AP with a fake Individual Number, so a test can
// prove the driver never goes there (the card counts every attempt).
import { AID, JPKI_FILE, SURFACE_FILE, SURFACE_FORBIDDEN_FILE, TOKEN_NAME } from '../apdu/constants.js';
import { berTlv } from '../apdu/ber.js';
import { buildCardFaceFile } from './card-face-file.js';

/** Who may read a data file or use a key. */
export type Access = 'always' | 'userAuthPin' | 'faceKey' | 'numberKey' | 'birthKey' | 'never';

export interface VirtualFile {
  readonly kind: 'binary' | 'pin' | 'key';
  readonly data: Buffer;
  /** Who may READ BINARY (binary files) or use the key (key files). */
  readonly access: Access;
  /** pin files: the secret and the number of tries (null secret: no PIN set on this card). */
  readonly secret?: string | null;
  readonly tries?: number;
}

export type AppName = 'jpki' | 'cardSurface' | 'cardInfoInputSupport';

export interface VirtualApp {
  readonly name: AppName;
  readonly aid: Buffer;
  readonly files: ReadonlyMap<number, VirtualFile>;
}

/** Files of the card-info input support AP (券面事項入力補助AP). */
export const CARD_INFO_FILE = { individualNumber: 0x0001, basicFour: 0x0002, pin: 0x0011 } as const;

/** The surface AP's age record (FF10), not used by the gateway. */
const SURFACE_AGE_RECORD = 0x0001;

export type VirtualTokenName = keyof typeof TOKEN_NAME;

export interface CardContent {
  readonly certificate: Buffer;
  readonly caCertificate: Buffer | null;
  readonly photo: Buffer | null;
  /** Fake but well-formed, only so that reading it would be detectable. */
  readonly individualNumber: string;
  /** What EF 0006 names: a plastic card, a phone, an old 住基カード. */
  readonly token: VirtualTokenName;
  /** The user-authentication PIN; null on a 顔認証マイナンバーカード (no PIN set). */
  readonly pin: string | null;
  /** 照合番号B (14 digits), the birth date YYYYMMDD and the expiry YYYYMMDD printed on the front. */
  readonly faceKey: string;
  readonly birthDate: string;
  readonly expiry: string;
  /** RSA modulus for the card face's DF24 (placeholder: the person's JPKI key). */
  readonly modulus: Buffer;
  readonly id: string;
}

export const SURFACE_KEY_TRIES = 10;
export const USER_AUTH_PIN_TRIES = 3;

/** EF 0006: 160 bytes (soltia48/myna-card src/ap/jpki.rs ef::TOKEN_INFO), the first 32 the token
 * name padded with spaces; what the other 128 hold is not public: zeros here. */
export function tokenInfo(token: VirtualTokenName): Buffer {
  const file = Buffer.alloc(160, 0);
  file.write(TOKEN_NAME[token].padEnd(32, ' '), 0, 'latin1');
  return file;
}

export function buildApps(content: CardContent): VirtualApp[] {
  const phone = content.token === 'android' || content.token === 'iphone';
  const jpki = new Map<number, VirtualFile>([
    [JPKI_FILE.tokenInfo, { kind: 'binary', data: tokenInfo(content.token), access: 'always' }],
    // EF 0008: 8F 8F 00 with both certificates; a PIN-less card carries no 署名用 certificate.
    [0x0008, { kind: 'binary', data: Buffer.from(content.pin === null ? '008f00' : '8f8f00', 'hex'), access: 'always' }],
    [JPKI_FILE.userAuthCertificate, { kind: 'binary', data: content.certificate, access: 'always' }],
    [JPKI_FILE.userAuthPin, { kind: 'pin', data: Buffer.alloc(0), access: 'always', secret: content.pin, tries: USER_AUTH_PIN_TRIES }],
    // A phone's key is usable once the phone has authenticated its user (its app, biometrics or
    // the PIN on the phone): modelled as no VERIFY from the reader. Not confirmed in public code.
    [JPKI_FILE.userAuthPrivateKey, { kind: 'key', data: Buffer.alloc(0), access: phone ? 'always' : 'userAuthPin' }],
  ]);
  if (content.caCertificate) jpki.set(JPKI_FILE.userAuthCaCertificate, { kind: 'binary', data: content.caCertificate, access: 'always' });
  const apps: VirtualApp[] = [{ name: 'jpki', aid: AID.jpki, files: jpki }];
  // A phone carries the JPKI only: no chip photo, no Individual Number application.
  if (phone) return apps;
  if (content.photo) {
    const face = buildCardFaceFile({
      birthDate: content.birthDate, sex: '9', modulus: content.modulus, photo: content.photo, expiry: content.expiry, seed: content.id,
    }, 32);
    const pinKey = (secret: string, tries: number): VirtualFile => ({ kind: 'pin', data: Buffer.alloc(0), access: 'always', secret, tries });
    apps.push({
      name: 'cardSurface',
      aid: AID.cardSurface,
      files: new Map<number, VirtualFile>([
        [SURFACE_AGE_RECORD, { kind: 'binary', data: berTlv(0xff10, berTlv(0xdf11, Buffer.from(content.birthDate, 'ascii'))), access: 'birthKey' }],
        [SURFACE_FILE.cardFace, { kind: 'binary', data: face, access: 'faceKey' }],
        [SURFACE_FORBIDDEN_FILE.numberImage, { kind: 'binary', data: berTlv(0xff40, berTlv(0xdf41, Buffer.from(content.individualNumber, 'ascii'))), access: 'numberKey' }],
        [SURFACE_FORBIDDEN_FILE.birthDateKey, pinKey(content.faceKey.slice(0, 6), SURFACE_KEY_TRIES)],
        [SURFACE_FILE.faceKey, pinKey(content.faceKey, SURFACE_KEY_TRIES)],
        [SURFACE_FORBIDDEN_FILE.numberKey, pinKey(content.individualNumber, SURFACE_KEY_TRIES)],
      ]),
    });
  }
  apps.push({
    name: 'cardInfoInputSupport',
    aid: AID.cardInfoInputSupport,
    files: new Map([
      [CARD_INFO_FILE.individualNumber, { kind: 'binary', data: berTlv(0x30, Buffer.from(content.individualNumber, 'ascii')), access: 'never' }],
      [CARD_INFO_FILE.basicFour, { kind: 'binary', data: berTlv(0x30, Buffer.alloc(0)), access: 'never' }],
      [CARD_INFO_FILE.pin, { kind: 'pin', data: Buffer.alloc(0), access: 'always', secret: null, tries: 3 }],
    ]),
  });
  return apps;
}
