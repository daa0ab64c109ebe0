// The reliable half of the panel protocol, used by both ends: stop-and-wait with ACK/NAK, a
// bounded number of resends, duplicate suppression by sequence number, and a quiet timer that
// drops a torn frame when the line goes silent mid-frame. Bytes in via receive(), bytes out via
// the write function; the owner (serial driver or simulator) decides what a dead link means.
import { EventEmitter } from 'node:events';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import {
  encodeFrame, FRAME_TYPES, FrameDecoder, frameTypeName, isUnacknowledged, type DecodeEvent, type Frame, type FrameFault, type FrameType,
} from './frame.js';

export interface LinkOptions {
  /** Wait this long for an ACK before resending. */
  readonly ackTimeoutMs: number;
  /** Resends of one frame before the link is declared dead. */
  readonly maxResends: number;
  /** Silence this long in the middle of a frame means it was torn. */
  readonly quietMs?: number;
}

export type LinkFault = FrameFault | 'duplicate' | 'resend' | 'stray-ack';

export interface LinkEvents {
  /** A reliable frame from the peer: acknowledged, deduplicated, in order. */
  frame: [Frame];
  /** Something went wrong and was recovered from; for counters and debug logs. */
  fault: [LinkFault];
  /** A frame went unacknowledged after every resend: the peer is gone. */
  dead: [string];
}

interface Outgoing {
  readonly type: FrameType;
  readonly payload: Buffer;
  seq: number;
  tries: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class FrameLink extends EventEmitter<LinkEvents> {
  readonly #decoder = new FrameDecoder();
  readonly #queue: Outgoing[] = [];
  #outstanding: Outgoing | null = null;
  #txSeq = 0;
  #rxSeq: number | null = null;
  #ackTimer: NodeJS.Timeout | undefined;
  #quietTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** When the peer last sent anything valid (ms since epoch); the owner's heartbeat reads it. */
  lastHeard = 0;
  lastSent = 0;

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly options: LinkOptions,
  ) {
    super();
  }

  /** Sends a reliable frame; resolves on its ACK, rejects PANEL_DOWN when the link gives up. */
  send(type: FrameType, payload: Buffer = Buffer.alloc(0)): Promise<void> {
    if (this.#closed) return Promise.reject(new GatewayError('PANEL_DOWN', 'The reader panel link is closed'));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ type, payload, seq: -1, tries: 0, resolve, reject });
      this.#pump();
    });
  }

  receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#handle(this.#decoder.push(chunk));
  }

  /** A new session (HELLO): sequence numbers restart and anything queued is dropped. */
  reset(reason = 'link reset'): void {
    this.#failAll(reason);
    this.#txSeq = 0;
    this.#rxSeq = null;
  }

  close(reason = 'link closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(reason);
    clearTimeout(this.#quietTimer);
    this.#decoder.reset();
  }

  #handle(events: DecodeEvent[]): void {
    for (const event of events) {
      if (event.kind === 'fault') {
        this.emit('fault', event.fault);
        // A frame was (probably) there but damaged: ask for it again rather than wait.
        if (event.fault === 'bad-crc' || event.fault === 'torn') this.#raw(FRAME_TYPES.NAK, 0);
        continue;
      }
      this.lastHeard = Date.now();
      this.#onFrame(event.frame);
      if (this.#closed) return;
    }
    clearTimeout(this.#quietTimer);
    if (this.#decoder.hasPartial) {
      this.#quietTimer = setTimeout(() => this.#handle(this.#decoder.dropPartial()), this.options.quietMs ?? 100);
    }
  }

  #onFrame(frame: Frame): void {
    if (frame.type === FRAME_TYPES.ACK) {
      const out = this.#outstanding;
      if (!out || out.seq !== frame.seq) return void this.emit('fault', 'stray-ack');
      clearTimeout(this.#ackTimer);
      this.#outstanding = null;
      out.resolve();
      this.#pump();
      return;
    }
    if (frame.type === FRAME_TYPES.NAK) {
      if (this.#outstanding) this.#resend();
      return;
    }
    this.#raw(FRAME_TYPES.ACK, frame.seq);
    // HELLO and HELLO_REPLY start sessions, so they pass even with a repeated number (a restarted
    // peer counts from 0 again); their session field tells a resend from a new session.
    const opensSession = frame.type === FRAME_TYPES.HELLO || frame.type === FRAME_TYPES.HELLO_REPLY;
    if (frame.seq === this.#rxSeq && !opensSession) {
      // Our ACK was lost and the peer resent: acknowledged again above, delivered once.
      this.emit('fault', 'duplicate');
      return;
    }
    this.#rxSeq = frame.seq;
    this.emit('frame', frame);
  }

  #pump(): void {
    if (this.#outstanding || this.#closed) return;
    const next = this.#queue.shift();
    if (!next) return;
    next.seq = this.#txSeq;
    this.#txSeq = (this.#txSeq + 1) & 0xff;
    this.#outstanding = next;
    this.#transmit(next);
  }

  #transmit(out: Outgoing): void {
    this.#raw(out.type, out.seq, out.payload);
    clearTimeout(this.#ackTimer);
    this.#ackTimer = setTimeout(() => this.#resend(), this.options.ackTimeoutMs);
  }

  #resend(): void {
    const out = this.#outstanding;
    if (!out) return;
    out.tries++;
    if (out.tries > this.options.maxResends) {
      const reason = `no ACK for ${frameTypeName(out.type) ?? out.type} after ${this.options.maxResends} resends`;
      this.#failAll(reason);
      this.emit('dead', reason);
      return;
    }
    this.emit('fault', 'resend');
    this.#transmit(out);
  }

  #raw(type: FrameType, seq: number, payload?: Buffer): void {
    try {
      this.write(encodeFrame(type, seq, payload));
      if (!isUnacknowledged(type)) this.lastSent = Date.now();
    } catch {
      // The port is gone; the ACK timer (or the port's close event) reports it.
    }
  }

  #failAll(reason: string): void {
    clearTimeout(this.#ackTimer);
    const pending = [...(this.#outstanding ? [this.#outstanding] : []), ...this.#queue.splice(0)];
    this.#outstanding = null;
    for (const out of pending) out.reject(new GatewayError('PANEL_DOWN', `Reader panel: ${reason}`));
  }
}
