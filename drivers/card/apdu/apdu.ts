// Command and response APDUs (ISO 7816-4, short form only: the JPKI AP needs nothing longer).
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { LIMITS } from './constants.js';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Lc is its length, 1..255). */
  readonly data?: Buffer;
  /** Expected response length, 1..256 (256 is sent as 00); absent: no Le. */
  readonly le?: number;
}

export interface ResponseApdu {
  readonly data: Buffer;
  readonly sw: number;
}

const isByte = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xff;

export function encodeCommand(cmd: CommandApdu): Buffer {
  if (![cmd.cla, cmd.ins, cmd.p1, cmd.p2].every(isByte)) throw new RangeError('APDU header bytes must be 0..255');
  const parts: Buffer[] = [Buffer.from([cmd.cla, cmd.ins, cmd.p1, cmd.p2])];
  if (cmd.data && cmd.data.length > 0) {
    if (cmd.data.length > 255) throw new RangeError('short APDU data is at most 255 bytes');
    parts.push(Buffer.from([cmd.data.length]), cmd.data);
  }
  if (cmd.le !== undefined) {
    if (!Number.isInteger(cmd.le) || cmd.le < 1 || cmd.le > LIMITS.maxShortLe) throw new RangeError('Le must be 1..256');
    parts.push(Buffer.from([cmd.le & 0xff]));
  }
  return Buffer.concat(parts);
}

/** Parses a short command APDU (cases 1-4); null when the bytes are not one. The virtual card
 * and the allowlist guard use it, so both read a command the same way. */
export function decodeCommand(raw: Buffer): CommandApdu | null {
  if (raw.length < 4) return null;
  const [cla, ins, p1, p2] = [raw[0]!, raw[1]!, raw[2]!, raw[3]!];
  if (raw.length === 4) return { cla, ins, p1, p2 };
  if (raw.length === 5) return { cla, ins, p1, p2, le: raw[4] === 0 ? 256 : raw[4]! };
  const lc = raw[4]!;
  if (lc === 0) return null; // extended length: not spoken here
  const data = raw.subarray(5, 5 + lc);
  if (data.length !== lc) return null;
  if (raw.length === 5 + lc) return { cla, ins, p1, p2, data: Buffer.from(data) };
  if (raw.length === 6 + lc) return { cla, ins, p1, p2, data: Buffer.from(data), le: raw[5 + lc] === 0 ? 256 : raw[5 + lc]! };
  return null;
}

/** Splits a response into data and status word. Every byte the card sends passes through here,
 * so it rejects anything that cannot be a short response (invariant 7). */
export function parseResponse(raw: unknown): ResponseApdu {
  if (!Buffer.isBuffer(raw)) throw new GatewayError('CARD_ERROR', 'card response is not bytes');
  if (raw.length < 2) throw new GatewayError('CARD_ERROR', `card response too short (${raw.length} bytes)`);
  if (raw.length > LIMITS.maxShortLe + 2) throw new GatewayError('CARD_ERROR', `card response too long (${raw.length} bytes)`);
  const sw = raw.readUInt16BE(raw.length - 2);
  return { data: Buffer.from(raw.subarray(0, raw.length - 2)), sw };
}

export function encodeResponse(data: Buffer, sw: number): Buffer {
  const out = Buffer.alloc(data.length + 2);
  data.copy(out);
  out.writeUInt16BE(sw, data.length);
  return out;
}
