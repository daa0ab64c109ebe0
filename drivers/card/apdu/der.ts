// Just enough DER to size a file from its header and to walk a SEQUENCE's elements. Certificates
// themselves are parsed by node:crypto (certificate.ts), not here.
import { GatewayError } from '../../../vocabulary/result-codes.js';

export interface DerHeader {
  readonly tag: number;
  /** Bytes of tag + length. */
  readonly headerLength: number;
  readonly contentLength: number;
}

const bad = (why: string): GatewayError => new GatewayError('CARD_ERROR', `malformed DER on the card: ${why}`);

/** Reads a TLV header at `offset` (one- or two-byte tags, definite lengths up to 4 bytes). */
export function readDerHeader(buf: Buffer, offset = 0): DerHeader {
  let pos = offset;
  if (pos >= buf.length) throw bad('truncated tag');
  let tag = buf[pos++]!;
  if ((tag & 0x1f) === 0x1f) {
    // Multi-byte tag: the card surface uses two-byte private tags.
    if (pos >= buf.length) throw bad('truncated tag');
    const next = buf[pos++]!;
    if (next & 0x80) throw bad('tag longer than two bytes');
    tag = (tag << 8) | next;
  }
  if (pos >= buf.length) throw bad('truncated length');
  const first = buf[pos++]!;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw bad('unsupported length form');
    if (pos + count > buf.length) throw bad('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  }
  return { tag, headerLength: pos - offset, contentLength: length };
}

/** The contents of each element of the SEQUENCE that starts `buf`. */
export function sequenceElements(buf: Buffer): Buffer[] {
  const outer = readDerHeader(buf, 0);
  if (outer.tag !== 0x30) throw bad('expected a SEQUENCE');
  const end = outer.headerLength + outer.contentLength;
  if (end > buf.length) throw bad('SEQUENCE longer than the file');
  const out: Buffer[] = [];
  let pos = outer.headerLength;
  while (pos < end) {
    const h = readDerHeader(buf, pos);
    const start = pos + h.headerLength;
    if (start + h.contentLength > end) throw bad('element overruns its SEQUENCE');
    out.push(buf.subarray(start, start + h.contentLength));
    pos = start + h.contentLength;
  }
  return out;
}

/** Minimal DER writer for the virtual card's files. */
export function derTlv(tag: number, content: Buffer): Buffer {
  const tagBytes = tag > 0xff ? Buffer.from([tag >> 8, tag & 0xff]) : Buffer.from([tag]);
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n <= 0xff ? Buffer.from([0x81, n]) : n <= 0xffff ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([tagBytes, len, content]);
}
