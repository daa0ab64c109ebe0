// Card misbehaviour for tests and demos. A fault decides, per command, how late the answer comes,
// whether the card vanishes, and what bytes come back instead of the right ones.
import { INS } from '../apdu/constants.js';

export const CARD_FAULTS = ['none', 'slow', 'mute', 'remove-mid-read', 'garbage', 'truncated', 'wrong-sw'] as const;
export type CardFault = (typeof CARD_FAULTS)[number];

export interface FaultDecision {
  readonly delayMs: number;
  /** null: the card left the reader instead of answering. */
  readonly response: Buffer | null;
  /** Never answer (the host keeps the card present but silent). */
  readonly mute?: boolean;
}

export interface FaultOptions {
  readonly slowMs?: number;
  /** Random source in [0, 1); tests pass a seeded one. */
  readonly random?: () => number;
}

const WRONG_SWS = [0x6f00, 0x6a82, 0x6982, 0x6700, 0x6d00, 0x6e00, 0x6b00, 0x6581, 0x6400];

export class FaultInjector {
  readonly fault: CardFault;
  readonly #slowMs: number;
  readonly #random: () => number;
  #reads = 0;

  constructor(fault: CardFault, options: FaultOptions = {}) {
    this.fault = fault;
    this.#slowMs = options.slowMs ?? 200;
    this.#random = options.random ?? Math.random;
  }

  apply(command: Buffer, response: Buffer): FaultDecision {
    const isRead = command[1] === INS.readBinary;
    if (isRead) this.#reads++;
    switch (this.fault) {
      case 'none': return { delayMs: 0, response };
      case 'slow': return { delayMs: this.#slowMs, response };
      case 'mute': return { delayMs: 0, response: null, mute: true };
      // After the header read, during the body: the card is pulled away half-way.
      case 'remove-mid-read': return isRead && this.#reads >= 2 ? { delayMs: 0, response: null } : { delayMs: 0, response };
      // At least one byte: an empty frame is a different fault (the card said nothing at all).
      case 'garbage': return { delayMs: 0, response: this.#bytes(1 + Math.floor(this.#random() * 300)) };
      case 'truncated': return { delayMs: 0, response: response.subarray(0, Math.max(1, Math.floor(this.#random() * response.length))) };
      case 'wrong-sw': {
        const out = Buffer.from(response);
        const sw = WRONG_SWS[Math.floor(this.#random() * WRONG_SWS.length)]!;
        if (out.length >= 2) out.writeUInt16BE(sw, out.length - 2);
        return { delayMs: 0, response: out };
      }
    }
  }

  #bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.#random() * 256);
    return b;
  }
}
