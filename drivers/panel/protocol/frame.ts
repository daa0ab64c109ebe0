// The panel link's frame codec, used by both ends (the gateway's serial driver and the panel
// simulator). Layout (drivers/panel/PROTOCOL.md):
//   START(0xA5) LEN(u16 BE) TYPE(u8) SEQ(u8) PAYLOAD(LEN bytes) CRC16(u16 BE)
// CRC-16/CCITT-FALSE over LEN..PAYLOAD. The decoder never throws on input: garbage, torn
// frames, bad lengths, unknown types and bad CRCs become fault events and it resyncs on the
// next start byte after the one that failed.
import crc16ccitt from 'crc/crc16ccitt';

export const FRAME_START = 0xa5;
export const HEADER_BYTES = 5; // START LEN LEN TYPE SEQ
export const CRC_BYTES = 2;
export const MAX_PAYLOAD = 4096;
export const MAX_FRAME = HEADER_BYTES + MAX_PAYLOAD + CRC_BYTES;

/** Every frame type on the wire. ACK and NAK are never acknowledged; every other type is. */
export const FRAME_TYPES = {
  HELLO: 0x01, // gateway -> panel: protocol versions offered; resets sequence state
  HELLO_REPLY: 0x02, // panel -> gateway: version chosen, model
  ACK: 0x06, // SEQ = the sequence number acknowledged; no payload
  PING: 0x07, // gateway -> panel: keep-alive; its ACK is the answer
  NAK: 0x15, // a corrupt frame arrived: resend the outstanding one; no payload
  SHOW: 0x10, // gateway -> panel: a screen to show (JSON)
  ASK: 0x11, // gateway -> panel: a question (JSON)
  ANSWER: 0x12, // panel -> gateway: the patient's answer (JSON)
  PIN: 0x13, // panel -> gateway: ask id (u16 BE) + 4 ASCII digits; binary so it is never JSON
  WITHDRAW: 0x14, // gateway -> panel: a question is withdrawn (timeout, card removed) (JSON)
  KEY: 0x20, // panel -> gateway: a staff key (assist) (JSON)
} as const;

export type FrameTypeName = keyof typeof FRAME_TYPES;
export type FrameType = (typeof FRAME_TYPES)[FrameTypeName];

const TYPE_NAMES = new Map<number, FrameTypeName>(
  (Object.entries(FRAME_TYPES) as [FrameTypeName, FrameType][]).map(([name, code]) => [code, name]),
);

export function frameTypeName(type: number): FrameTypeName | undefined {
  return TYPE_NAMES.get(type);
}

export function isUnacknowledged(type: number): boolean {
  return type === FRAME_TYPES.ACK || type === FRAME_TYPES.NAK;
}

export interface Frame {
  readonly type: FrameType;
  readonly seq: number;
  readonly payload: Buffer;
}

export function crc16(bytes: Uint8Array): number {
  return crc16ccitt(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function encodeFrame(type: FrameType, seq: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`Panel frame payload ${payload.length} > ${MAX_PAYLOAD} bytes`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 255) throw new RangeError(`Panel frame sequence ${seq} out of 0..255`);
  const frame = Buffer.alloc(HEADER_BYTES + payload.length + CRC_BYTES);
  frame[0] = FRAME_START;
  frame.writeUInt16BE(payload.length, 1);
  frame[3] = type;
  frame[4] = seq;
  frame.set(payload, HEADER_BYTES);
  frame.writeUInt16BE(crc16(frame.subarray(1, HEADER_BYTES + payload.length)), HEADER_BYTES + payload.length);
  return frame;
}

/** Why bytes were dropped; counted and logged by the link, never fatal. */
export type FrameFault = 'garbage' | 'bad-length' | 'bad-type' | 'bad-crc' | 'torn';

export type DecodeEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'fault'; readonly fault: FrameFault; readonly bytes: number };

export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  /** True while the bytes received so far begin a frame that has not completed. */
  get hasPartial(): boolean {
    return this.#buffer.length > 0;
  }

  push(chunk: Uint8Array): DecodeEvent[] {
    if (this.#buffer.length === 0) this.#buffer = Buffer.from(chunk);
    else {
      const joined = Buffer.concat([this.#buffer, chunk]);
      this.#buffer.fill(0); // the copy left behind may hold part of a PIN frame
      this.#buffer = joined;
    }
    return this.#drain();
  }

  /** The line went quiet mid-frame (a torn frame): drop its start byte and look again. */
  dropPartial(): DecodeEvent[] {
    if (this.#buffer.length === 0) return [];
    this.#buffer = this.#buffer.subarray(1);
    return [{ kind: 'fault', fault: 'torn', bytes: 1 }, ...this.#drain()];
  }

  reset(): void {
    this.#buffer = Buffer.alloc(0);
  }

  #drain(): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    for (;;) {
      const start = this.#buffer.indexOf(FRAME_START);
      if (start < 0) {
        if (this.#buffer.length > 0) events.push({ kind: 'fault', fault: 'garbage', bytes: this.#buffer.length });
        this.#buffer = Buffer.alloc(0);
        break;
      }
      if (start > 0) {
        events.push({ kind: 'fault', fault: 'garbage', bytes: start });
        this.#buffer = this.#buffer.subarray(start);
      }
      if (this.#buffer.length < HEADER_BYTES) break;
      const length = this.#buffer.readUInt16BE(1);
      const type = this.#buffer[3]!;
      // Header checks first, so a bad header does not make us wait for a payload that never comes.
      const headerFault: FrameFault | null = length > MAX_PAYLOAD ? 'bad-length' : !TYPE_NAMES.has(type) ? 'bad-type' : null;
      if (headerFault) {
        events.push({ kind: 'fault', fault: headerFault, bytes: 1 });
        this.#buffer = this.#buffer.subarray(1);
        continue;
      }
      const total = HEADER_BYTES + length + CRC_BYTES;
      if (this.#buffer.length < total) break;
      const expected = this.#buffer.readUInt16BE(HEADER_BYTES + length);
      if (crc16(this.#buffer.subarray(1, HEADER_BYTES + length)) !== expected) {
        events.push({ kind: 'fault', fault: 'bad-crc', bytes: 1 });
        this.#buffer = this.#buffer.subarray(1);
        continue;
      }
      const frame: Frame = {
        type: type as FrameType,
        seq: this.#buffer[4]!,
        payload: Buffer.from(this.#buffer.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      };
      events.push({ kind: 'frame', frame });
      // Wipe what was read (a PIN frame's digits among it) rather than leave it to the GC.
      this.#buffer.fill(0, 0, total);
      this.#buffer = this.#buffer.subarray(total);
    }
    // A fresh buffer, so a long-lived decoder does not pin the memory of old chunks.
    if (this.#buffer.length > 0 && this.#buffer.byteOffset > MAX_FRAME) this.#buffer = Buffer.from(this.#buffer);
    return events;
  }
}
