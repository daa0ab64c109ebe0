// Writes the card face file (券面事項確認AP EF 0002) the way a card stores it, for the virtual card
// and the parser tests: FF 20 82 LL LL, the offset table DF21 (one big-endian u16 per object, from
// the first byte of the file), then DF22..DF2A, then filler. Layout: soltia48/myna-card
// src/ap/surface.rs (CardFace, test helper with_offsets) and src/data.rs (check_offsets, filler
// note in TlvFields::parse). The images are small synthetic PNGs; the signature is a placeholder
// (the 券面AP signing keys are J-LIS's; the gateway does not check this signature).
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { berTlv } from '../apdu/ber.js';
import { CARD_FACE_FIELD, CARD_FACE_TAG } from '../card-face.js';

export interface CardFaceContent {
  /** YYYYMMDD, Gregorian (DF22). */
  readonly birthDate: string;
  /** One ASCII digit, JIS X 0303: '1' male, '2' female, '9' not applicable (DF23). */
  readonly sex: string;
  /** RSA modulus (256 bytes) of the card's own key (DF24: 90 03 010001 91 82 0100 <n>). */
  readonly modulus: Buffer;
  readonly photo: Buffer;
  /** YYYYMMDD, Gregorian (DF29). */
  readonly expiry: string;
  /** Seeds the placeholder images and signature. */
  readonly seed: string;
}

/** A 1-bit greyscale PNG of w x h with a deterministic pattern (stands for the rendered text). */
export function syntheticPng(width: number, height: number, seed: string): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = Math.ceil(width / 8);
  const pattern = createHash('sha256').update(seed).digest();
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < rowBytes; x++) raw[y * (rowBytes + 1) + 1 + x] = pattern[(x + y) % pattern.length]!;
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The card face file; `filler` bytes of FF follow the object, as read off a card. */
export function buildCardFaceFile(content: CardFaceContent, filler = 0): Buffer {
  const f = CARD_FACE_FIELD;
  const publicKey = Buffer.concat([Buffer.from('9003010001918201 00'.replace(/ /g, ''), 'hex'), content.modulus]);
  const signature = createHash('sha512').update(`sig:${content.seed}`).digest();
  const objects = [
    berTlv(f.birthDate, Buffer.from(content.birthDate, 'ascii')),
    berTlv(f.sex, Buffer.from(content.sex, 'ascii')),
    berTlv(f.publicKey, publicKey),
    berTlv(f.nameImage, syntheticPng(256, 32, `name:${content.seed}`)),
    berTlv(f.addressImage, syntheticPng(256, 64, `address:${content.seed}`)),
    berTlv(f.photo, content.photo),
    berTlv(f.signature, Buffer.concat([signature, signature, signature, signature])), // 256 bytes
    berTlv(f.expiry, Buffer.from(content.expiry, 'ascii')),
    berTlv(f.securityCodeImage, syntheticPng(24, 12, `code:${content.seed}`)), // 24x12 as surveyed
  ];
  const tableLength = berTlv(f.offsets, Buffer.alloc(objects.length * 2)).length;
  const bodyLength = tableLength + objects.reduce((n, o) => n + o.length, 0);
  const headerLength = berTlv(CARD_FACE_TAG, Buffer.alloc(bodyLength)).length - bodyLength;
  const table = Buffer.alloc(objects.length * 2);
  let pos = headerLength + tableLength;
  objects.forEach((o, i) => { table.writeUInt16BE(pos, i * 2); pos += o.length; });
  const file = berTlv(CARD_FACE_TAG, Buffer.concat([berTlv(f.offsets, table), ...objects]));
  return filler > 0 ? Buffer.concat([file, Buffer.alloc(filler, 0xff)]) : file;
}
