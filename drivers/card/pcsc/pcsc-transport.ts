// ApduTransport over one PC/SC card (@pokusew/pcsclite). A transmit cannot be cancelled in PC/SC;
// CardChannel races it against the timeout and removal, and a late answer is dropped.
//
// Exclusive access (issue 12): @pokusew/pcsclite 0.6.0 exposes SCardConnect (with a share mode),
// SCardDisconnect (with a disposition), SCardTransmit, SCardControl and SCardGetStatusChange, but
// NOT SCardBeginTransaction/EndTransaction (nor SCardReconnect). The nearest honest mechanism is
// the one jpki/myna libmyna/reader.go uses, scoped to one operation: connect with
// SCARD_SHARE_EXCLUSIVE for each multi-APDU operation, disconnect as soon as it ends. While we hold
// it, pcscd refuses every other connection (SCARD_E_SHARING_VIOLATION), so nobody can change the
// selected application between our SELECT and READ. While someone else holds the card, we retry
// until `waitMs`. An operation that verified a PIN or 照合番号B ends with SCARD_UNPOWER_CARD:
// only a power cycle clears the card's security status (soltia48/myna-card src/transport/pcsc.rs
// power_cycle), so nobody can use the key after our VERIFY without the PIN.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { ApduTransport, ExclusiveOptions } from '../apdu/transport.js';

import type { NativeReader } from './pcsc-native.js';

/** Largest response we accept from the reader: a short APDU's 256 bytes + SW, with room to spare. */
const MAX_RESPONSE = 4096;

/** pcscd notices a vanished card at its next presence poll; wait this long for that news. */
const REMOVAL_GRACE_MS = 1500;
/** Between two tries to get the card while another program holds it. */
const BUSY_RETRY_MS = 25;
/** How long an operation's end waits for its disconnect before returning to the caller. */
const DISCONNECT_WAIT_MS = 500;

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => { clearTimeout(timer); resolve(true); }, () => { clearTimeout(timer); resolve(true); });
  });
}

/** PC/SC error texts that mean the card is gone (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD ...). */
const REMOVED = /removed|no ?smart ?card|0x80100069|0x8010000c|reset|unpowered|0x80100068|0x80100067/i;
/** SCARD_E_SHARING_VIOLATION: another program holds the card. */
const BUSY = /sharing violation|0x8010000b/i;

export interface PcscTransportOptions {
  /** How long to wait for another program to let go of the card. */
  readonly waitMs: number;
  /** Aborted when the card leaves the reader. */
  readonly removed: AbortSignal;
}

export class PcscTransport implements ApduTransport {
  readonly #reader: NativeReader;
  readonly #options: PcscTransportOptions;
  #protocol: number | null = null;
  #disconnecting: Promise<void> | null = null;
  /** Exclusive sections of this process, one after the other. */
  #lock: Promise<unknown> = Promise.resolve();
  /** Times we found the card held by another program (diagnostics, tests). */
  busyWaits = 0;

  constructor(reader: NativeReader, options: PcscTransportOptions) {
    this.#reader = reader;
    this.#options = options;
  }

  exclusive<T>(operation: () => Promise<T>, options: ExclusiveOptions): Promise<T> {
    const run = this.#lock.then(async () => {
      // A disconnect still waiting on pcscd (a card that never answered) must finish first, or
      // the binding would hand us its stale connection; it gets as long as a busy card.
      if (this.#disconnecting && !(await settlesWithin(this.#disconnecting, this.#options.waitMs))) {
        throw new GatewayError('CARD_TIMEOUT', 'the card is still busy with an earlier command');
      }
      this.#protocol = await this.#connect(options.signal);
      try {
        return await operation();
      } finally {
        this.#protocol = null;
        const done = this.#disconnect(options.clearSecurityState);
        this.#disconnecting = done;
        void done.then(() => { if (this.#disconnecting === done) this.#disconnecting = null; });
        // Usually immediate; a transmit stuck in pcscd delays it: do not hold the caller for that.
        await settlesWithin(done, DISCONNECT_WAIT_MS);
      }
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }

  #connect(signal?: AbortSignal): Promise<number> {
    const deadline = Date.now() + this.#options.waitMs;
    const reader = this.#reader;
    const attempt = (resolve: (p: number) => void, reject: (e: unknown) => void): void => {
      if (this.#options.removed.aborted) return reject(new GatewayError('CARD_REMOVED', 'the card has been removed'));
      if (signal?.aborted) return reject(signal.reason instanceof GatewayError ? signal.reason : new GatewayError('CARD_TIMEOUT', 'aborted while waiting for the card'));
      reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE }, (err, protocol) => {
        if (!err) return resolve(protocol);
        const text = err instanceof Error ? err.message : String(err);
        if (BUSY.test(text) && Date.now() < deadline) {
          this.busyWaits++;
          setTimeout(() => attempt(resolve, reject), BUSY_RETRY_MS);
          return;
        }
        if (BUSY.test(text)) return reject(new GatewayError('CARD_TIMEOUT', `another program held the card for more than ${this.#options.waitMs} ms`, { pcsc: text }));
        if (REMOVED.test(text)) return reject(new GatewayError('CARD_REMOVED', 'card removed', { pcsc: text }));
        reject(new GatewayError('CARD_ERROR', `PC/SC connect failed: ${text}`, { pcsc: text }));
      });
    };
    return new Promise(attempt);
  }

  #disconnect(unpower: boolean): Promise<void> {
    const reader = this.#reader;
    return new Promise((resolve) => reader.disconnect(unpower ? reader.SCARD_UNPOWER_CARD : reader.SCARD_LEAVE_CARD, () => resolve()));
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
    const protocol = this.#protocol;
    // Every APDU goes inside an exclusive section (ChannelCardSession, the probe): never shared.
    if (protocol === null) return Promise.reject(new GatewayError('INTERNAL_ERROR', 'APDU outside an exclusive card section'));
    return new Promise((resolve, reject) => {
      this.#reader.transmit(apdu, MAX_RESPONSE, protocol, (err, response) => {
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
