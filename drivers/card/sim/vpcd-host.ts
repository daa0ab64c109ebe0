// Hosts a VirtualCard on vsmartcard's vpcd: the card is a TCP client of vpcd (the reader driver
// inside pcscd). Frames are a 2-byte big-endian length and a payload; a 1-byte payload from
// vpcd is a control code (vsmartcard docs, "Creating a virtual smart card"). Connecting is
// inserting the card, closing is removing it.
import { connect, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { FaultInjector } from './faults.js';

/** What the host needs from a card: the virtual My Number card, or any other test card. */
export interface ApduCard {
  readonly atr: Buffer;
  reset(): void;
  process(apdu: Buffer): Buffer;
}

/** vpcd -> card control codes; only VPCD_CTRL.atr expects an answer. */
export const VPCD_CTRL = { off: 0x00, on: 0x01, reset: 0x02, atr: 0x04 } as const;

export interface VpcdHostOptions {
  readonly host?: string;
  readonly port: number;
  readonly faults?: FaultInjector;
}

export interface VpcdHostEvents {
  /** vpcd hung up or the card was removed. */
  closed: [];
  apdu: [number];
}

export class VpcdHost extends EventEmitter<VpcdHostEvents> {
  readonly card: ApduCard;
  readonly #options: VpcdHostOptions;
  #socket: Socket | null = null;
  #buffer = Buffer.alloc(0);
  #timers = new Set<NodeJS.Timeout>();

  constructor(card: ApduCard, options: VpcdHostOptions) {
    super();
    this.card = card;
    this.#options = options;
  }

  get inserted(): boolean { return this.#socket !== null; }

  /** Connects to vpcd: from pcscd's side, the card is now in the reader. */
  insert(): Promise<void> {
    if (this.#socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.#options.host ?? '127.0.0.1', port: this.#options.port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        this.#socket = socket;
        this.card.reset();
        resolve();
      });
      socket.once('error', (error) => { if (this.#socket !== socket) reject(error); });
      socket.on('data', (chunk) => this.#onData(socket, chunk));
      socket.once('close', () => {
        if (this.#socket === socket) this.#closed();
      });
    });
  }

  /** Disconnects: the card leaves the reader. */
  remove(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#closed();
    socket.destroy();
  }

  #closed(): void {
    this.#socket = null;
    this.#buffer = Buffer.alloc(0);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.emit('closed');
  }

  #onData(socket: Socket, chunk: Buffer): void {
    if (this.#socket !== socket) return;
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 2) {
      const length = this.#buffer.readUInt16BE(0);
      if (this.#buffer.length < 2 + length) return;
      const payload = this.#buffer.subarray(2, 2 + length);
      this.#buffer = this.#buffer.subarray(2 + length);
      this.#onFrame(socket, Buffer.from(payload));
    }
  }

  #onFrame(socket: Socket, payload: Buffer): void {
    if (payload.length === 1) {
      const ctrl = payload[0];
      if (ctrl === VPCD_CTRL.atr) this.#send(socket, this.card.atr);
      else if (ctrl === VPCD_CTRL.on || ctrl === VPCD_CTRL.off || ctrl === VPCD_CTRL.reset) this.card.reset();
      return;
    }
    this.emit('apdu', payload.length);
    const faults = this.#options.faults ?? new FaultInjector('none');
    const decision = faults.apply(payload, this.card.process(payload));
    if (decision.mute) return;
    const answer = () => {
      if (decision.response === null) this.remove();
      else this.#send(socket, decision.response);
    };
    if (decision.delayMs <= 0) return answer();
    const timer = setTimeout(() => { this.#timers.delete(timer); answer(); }, decision.delayMs);
    this.#timers.add(timer);
  }

  #send(socket: Socket, payload: Buffer): void {
    if (this.#socket !== socket || socket.destroyed) return;
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length, 0);
    socket.write(Buffer.concat([header, payload]));
  }
}
