// The virtual card's file system, built from a profile. Same AIDs and file ids as a real card,
// including the 券面事項入力補助AP with a fake Individual Number, so that a test can prove the
// driver never goes there (the card counts every attempt).
import { AID, JPKI_FILE, SURFACE_FILE } from '../apdu/constants.js';
import { derTlv } from '../apdu/der.js';

export type Access = 'always' | 'userAuthPin' | 'surfaceKey' | 'never';

export interface VirtualFile {
  readonly kind: 'binary' | 'pin' | 'key';
  readonly data: Buffer;
  /** Who may READ BINARY (binary files) or use the key (key files). */
  readonly access: Access;
}

export interface VirtualApp {
  readonly name: 'jpki' | 'cardSurface' | 'cardInfoInputSupport';
  readonly aid: Buffer;
  readonly files: ReadonlyMap<number, VirtualFile>;
}

/** Files of the card-info input support AP (券面事項入力補助AP). */
export const CARD_INFO_FILE = { individualNumber: 0x0001, basicFour: 0x0002, pin: 0x0011 } as const;

export interface CardContent {
  readonly certificate: Buffer;
  readonly caCertificate: Buffer | null;
  readonly photo: Buffer | null;
  /** Fake but well-formed, only so that reading it would be detectable. */
  readonly individualNumber: string;
}

/** Front side DER: header, birth date, sex, public key, name, address, photo, signature, expiry,
 * security code. Only the photo matters to the gateway; the rest are placeholders. */
export function buildFrontSide(photo: Buffer): Buffer {
  const item = (tag: number, text: string | Buffer) => derTlv(tag, typeof text === 'string' ? Buffer.from(text, 'ascii') : text);
  return derTlv(0x30, Buffer.concat([
    item(0xdf21, 'OQS-TEST'), item(0xdf22, '19700101'), item(0xdf23, '9'), item(0xdf24, Buffer.alloc(0)),
    item(0xdf25, Buffer.alloc(0)), item(0xdf26, Buffer.alloc(0)), item(0xdf27, photo), item(0xdf28, Buffer.alloc(0)),
    item(0xdf29, '20351231'), item(0xdf2a, Buffer.alloc(0)),
  ]));
}

export function buildApps(content: CardContent): VirtualApp[] {
  const jpki = new Map<number, VirtualFile>([
    [JPKI_FILE.userAuthCertificate, { kind: 'binary', data: content.certificate, access: 'always' }],
    [JPKI_FILE.userAuthPin, { kind: 'pin', data: Buffer.alloc(0), access: 'always' }],
    [JPKI_FILE.userAuthPrivateKey, { kind: 'key', data: Buffer.alloc(0), access: 'userAuthPin' }],
  ]);
  if (content.caCertificate) jpki.set(JPKI_FILE.userAuthCaCertificate, { kind: 'binary', data: content.caCertificate, access: 'always' });
  const apps: VirtualApp[] = [{ name: 'jpki', aid: AID.jpki, files: jpki }];
  if (content.photo) {
    apps.push({
      name: 'cardSurface',
      aid: AID.cardSurface,
      files: new Map([
        [SURFACE_FILE.pinB, { kind: 'pin', data: Buffer.alloc(0), access: 'always' }],
        [SURFACE_FILE.frontSide, { kind: 'binary', data: buildFrontSide(content.photo), access: 'surfaceKey' }],
      ]),
    });
  }
  apps.push({
    name: 'cardInfoInputSupport',
    aid: AID.cardInfoInputSupport,
    files: new Map([
      [CARD_INFO_FILE.individualNumber, { kind: 'binary', data: derTlv(0x30, Buffer.from(content.individualNumber, 'ascii')), access: 'never' }],
      [CARD_INFO_FILE.basicFour, { kind: 'binary', data: derTlv(0x30, Buffer.alloc(0)), access: 'never' }],
      [CARD_INFO_FILE.pin, { kind: 'pin', data: Buffer.alloc(0), access: 'always' }],
    ]),
  });
  return apps;
}
