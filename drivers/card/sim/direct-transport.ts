// Runs a VirtualCard in this process as an ApduTransport, with its faults: the in-process
// simulator and the unit tests use it; the vpcd host does the same over TCP.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { ApduTransport } from '../apdu/transport.js';
import { FaultInjector } from './faults.js';
import type { VirtualCard } from './virtual-card.js';

export class DirectTransport implements ApduTransport {
  readonly #card: VirtualCard;
  readonly #faults: FaultInjector;
  readonly #onVanish: () => void;

  constructor(card: VirtualCard, faults: FaultInjector = new FaultInjector('none'), onVanish: () => void = () => undefined) {
    this.#card = card;
    this.#faults = faults;
    this.#onVanish = onVanish;
  }

  async transmit(apdu: Buffer, signal: AbortSignal): Promise<Buffer> {
    if (signal.aborted) throw signal.reason;
    const decision = this.#faults.apply(apdu, this.#card.process(apdu));
    if (decision.mute) return waitForAbort(signal);
    if (decision.delayMs > 0) await delay(decision.delayMs, signal);
    if (decision.response === null) {
      this.#onVanish();
      throw new GatewayError('CARD_REMOVED', 'card removed during a command');
    }
    return decision.response;
  }
}

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
