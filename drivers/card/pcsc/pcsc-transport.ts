// ApduTransport over one connected PC/SC card (@pokusew/pcsclite). A transmit cannot be cancelled
// in PC/SC; CardChannel races it against the timeout and removal, and a late answer is dropped.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { ApduTransport } from '../apdu/transport.js';

import type { NativeReader } from './pcsc-native.js';

/** Largest response we accept from the reader: a short APDU's 256 bytes + SW, with room to spare. */
const MAX_RESPONSE = 4096;

/** PC/SC error texts that mean the card is gone (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD ...). */
/** pcscd notices a vanished card at its next presence poll; wait this long for that news. */
const REMOVAL_GRACE_MS = 1500;

const REMOVED = /removed|no ?smart ?card|0x80100069|0x8010000c|reset|unpowered|0x80100068|0x80100067/i;

export class PcscTransport implements ApduTransport {
  readonly #reader: NativeReader;
  readonly #protocol: number;

  constructor(reader: NativeReader, protocol: number) {
    this.#reader = reader;
    this.#protocol = protocol;
  }

  /** True when `signal` (which includes the card's removal) fires within the grace period. */
  #abortedSoon(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(false); }, REMOVAL_GRACE_MS);
      const onAbort = () => { clearTimeout(timer); resolve(true); };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  transmit(apdu: Buffer, signal: AbortSignal): Promise<Buffer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      this.#reader.transmit(apdu, MAX_RESPONSE, this.#protocol, (err, response) => {
        // An empty answer is what vpcd (and some readers) give when the card vanished mid-command.
        if (!err && response.length > 0) return resolve(response);
        const text = err ? (err instanceof Error ? err.message : String(err)) : 'empty response';
        if (REMOVED.test(text)) return reject(new GatewayError('CARD_REMOVED', 'card removed during a command', { pcsc: text }));
        // Not obviously a removal: the reader's status events (which abort `signal` on removal)
        // may simply not have caught up yet. Never call get_status() here: in @pokusew/pcsclite it
        // starts another monitoring thread, and close() then hangs.
        void this.#abortedSoon(signal).then((aborted) => reject(
          aborted ? signal.reason : new GatewayError('CARD_ERROR', `PC/SC transmit failed: ${text}`, { pcsc: text })));
      });
    });
  }
}
