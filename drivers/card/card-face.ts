// The card face file (券面事項確認AP EF 0002) as cards store it: a BER template FF20 holding an
// offset table DF21 and then DF22 birth date, DF23 sex, DF24 the card's public key, DF25 name image,
// DF26 address image, DF27 the photo (JPEG 2000), DF28 signature, DF29 expiry, DF2A security-code
// image; filler (00 or FF) may follow. Layout: soltia48/myna-card src/ap/surface.rs (CardFace) and
// src/data.rs (TlvFields, check_offsets); jpki/myna libmyna/visual_ap.go (VisualInfo, private tags
// 32..42); siketyan/jpki-rs core/src/ap/surface.rs (the same ten objects). Only the photo leaves
// this file: the name, address and birth date are checked for shape and dropped.
import { GatewayError } from '../../vocabulary/result-codes.js';
import { readBerHeader } from './apdu/ber.js';

export const CARD_FACE_TAG = 0xff20;
export const CARD_FACE_FIELD = {
  offsets: 0xdf21,
  birthDate: 0xdf22,
  sex: 0xdf23,
  publicKey: 0xdf24,
  nameImage: 0xdf25,
  addressImage: 0xdf26,
  photo: 0xdf27,
  signature: 0xdf28,
  expiry: 0xdf29,
  securityCodeImage: 0xdf2a,
} as const;

/** Why a card face file was refused (details.reason of the CARD_ERROR). */
export type CardFaceProblem =
  | 'TRUNCATED'        // the outer header or a field header is cut off
  | 'NOT_CARD_FACE'    // the outer tag is not FF20
  | 'LENGTH_PAST_END'  // a length runs past the end of the file or of the template
  | 'NO_OFFSET_TABLE'  // DF21 missing or not first
  | 'OFFSET_MISMATCH'  // DF21 disagrees with where the objects start
  | 'DUPLICATE_FIELD'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'        // a date that is not 8 digits, an empty field ...
  | 'NOT_JPEG2000';    // DF27 is not a JP2 file or a J2K codestream

export type PhotoFormat = 'jp2' | 'j2k';

export interface CardFacePhoto {
  readonly photo: Buffer;
  readonly format: PhotoFormat;
}

const JP2_SIGNATURE = Buffer.from('0000000c6a5020200d0a870a', 'hex');
const J2K_CODESTREAM = Buffer.from('ff4fff51', 'hex');

export function photoFormatOf(data: Buffer): PhotoFormat | null {
  if (data.subarray(0, JP2_SIGNATURE.length).equals(JP2_SIGNATURE)) return 'jp2';
  if (data.subarray(0, J2K_CODESTREAM.length).equals(J2K_CODESTREAM)) return 'j2k';
  return null;
}

function refuse(reason: CardFaceProblem, why: string): GatewayError {
  return new GatewayError('CARD_ERROR', `card face file: ${why}`, { reason });
}

/** Total length of the FF20 object from its header (for sizing the READ BINARYs), or null when
 * the first bytes are not a plausible card face header. */
export function cardFaceLength(head: Buffer): number | null {
  const h = readBerHeader(head);
  if (!h || h.tag !== CARD_FACE_TAG) return null;
  return h.headerLength + h.valueLength;
}

const DATE = /^[0-9]{8}$/;
const REQUIRED = Object.values(CARD_FACE_FIELD).filter((t) => t !== CARD_FACE_FIELD.offsets);

/** Parses and checks the whole file; returns the photo. Every refusal is a CARD_ERROR with a
 * named `details.reason`. */
export function parseCardFace(file: Buffer): CardFacePhoto {
  const outer = readBerHeader(file);
  if (!outer) throw refuse('TRUNCATED', 'the header is cut off or malformed');
  if (outer.tag !== CARD_FACE_TAG || !outer.constructed) throw refuse('NOT_CARD_FACE', `outer tag ${outer.tag.toString(16).toUpperCase()} is not FF20`);
  const end = outer.headerLength + outer.valueLength;
  if (end > file.length) throw refuse('LENGTH_PAST_END', `the template says ${end} bytes, the file has ${file.length}`);

  const fields = new Map<number, Buffer>();
  const starts: number[] = [];
  let table: Buffer | null = null;
  let pos = outer.headerLength;
  while (pos < end) {
    // Filler inside the template ends the objects (soltia48 src/data.rs TlvFields::parse).
    if (file[pos] === 0x00 || file[pos] === 0xff) break;
    const h = readBerHeader(file.subarray(0, end), pos);
    if (!h) throw refuse('TRUNCATED', `the field header at ${pos} is cut off or malformed`);
    const valueStart = pos + h.headerLength;
    const fieldEnd = valueStart + h.valueLength;
    if (fieldEnd > end) throw refuse('LENGTH_PAST_END', `field ${h.tag.toString(16).toUpperCase()} runs past the end of the template`);
    const value = file.subarray(valueStart, fieldEnd);
    if (h.tag === CARD_FACE_FIELD.offsets) {
      if (table || fields.size > 0) throw refuse('NO_OFFSET_TABLE', 'the offset table is not the first object');
      table = value;
    } else {
      if (!table) throw refuse('NO_OFFSET_TABLE', 'the first object is not the offset table DF21');
      if (fields.has(h.tag)) throw refuse('DUPLICATE_FIELD', `field ${h.tag.toString(16).toUpperCase()} appears twice`);
      fields.set(h.tag, value);
      starts.push(pos);
    }
    pos = fieldEnd;
  }
  if (!table) throw refuse('NO_OFFSET_TABLE', 'no offset table DF21');
  // The table: one big-endian u16 per following object, from the first byte of the file.
  if (table.length !== starts.length * 2) throw refuse('OFFSET_MISMATCH', `offset table of ${table.length} bytes for ${starts.length} objects`);
  starts.forEach((start, i) => {
    const declared = table!.readUInt16BE(i * 2);
    if (declared !== start) throw refuse('OFFSET_MISMATCH', `offset ${i} says ${declared}, the object starts at ${start}`);
  });
  for (const tag of REQUIRED) {
    if (!fields.has(tag)) throw refuse('MISSING_FIELD', `field ${tag.toString(16).toUpperCase()} is missing`);
  }
  for (const tag of [CARD_FACE_FIELD.birthDate, CARD_FACE_FIELD.expiry]) {
    if (!DATE.test(fields.get(tag)!.toString('latin1'))) throw refuse('BAD_FIELD', `field ${tag.toString(16).toUpperCase()} is not a YYYYMMDD date`);
  }
  if (fields.get(CARD_FACE_FIELD.sex)!.length !== 1) throw refuse('BAD_FIELD', 'the sex field is not one byte');
  const photo = fields.get(CARD_FACE_FIELD.photo)!;
  const format = photoFormatOf(photo);
  if (!format) throw refuse('NOT_JPEG2000', 'the photo is not JPEG 2000');
  return { photo: Buffer.from(photo), format };
}
