// BER-TLV headers as the My Number card's 券面 applications write them (soltia48/myna-card
// src/tlv/ber.rs, src/data.rs TlvFields): tags of one or more bytes (low 5 bits all set = more tag
// bytes follow, each with bit 8 set while more follow), definite lengths only (short form, or
// 81/82/83 + 1-3 length bytes). Every byte offset is checked; a bad header is null, never a throw.

export interface BerHeader {
  /** The tag bytes as a number: 0xFF20, 0xDF27, 0x30 ... */
  readonly tag: number;
  readonly constructed: boolean;
  /** Tag + length bytes. */
  readonly headerLength: number;
  readonly valueLength: number;
}

/** Longest tag we accept (bytes): the card's are 1 (30, 90, 91) or 2 (FF20, DF2x). */
const MAX_TAG_BYTES = 3;

/** The header at `offset`, or null when it is truncated, uses an indefinite or over-long length,
 * or has a tag longer than MAX_TAG_BYTES. */
export function readBerHeader(buf: Buffer, offset = 0): BerHeader | null {
  let pos = offset;
  if (pos >= buf.length) return null;
  const first = buf[pos++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    for (let n = 1; ; n++) {
      if (n >= MAX_TAG_BYTES || pos >= buf.length) return null;
      const b = buf[pos++]!;
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= buf.length) return null;
  const l = buf[pos++]!;
  let valueLength: number;
  if (l < 0x80) {
    valueLength = l;
  } else {
    const n = l & 0x7f;
    if (n === 0 || n > 3 || pos + n > buf.length) return null; // indefinite, too long, or truncated
    valueLength = buf.readUIntBE(pos, n);
    pos += n;
  }
  return { tag, constructed: (first & 0x20) !== 0, headerLength: pos - offset, valueLength };
}

/** A TLV object's encoding: tag bytes, definite length, value (for builders of test files). */
export function berTlv(tag: number, value: Buffer): Buffer {
  const tagBytes: number[] = [];
  for (let t = tag; t > 0 || tagBytes.length === 0; t = Math.floor(t / 256)) tagBytes.unshift(t & 0xff);
  const n = value.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(tagBytes), Buffer.from(length), value]);
}
