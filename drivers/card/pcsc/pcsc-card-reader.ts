// CardReader on a real PC/SC stack (pcscd): reader hot-plug, card insert/remove from the reader's
// status events, ATR recognition, and one ChannelCardSession per card. If pcscd goes away the
// context is reopened with a back-off, so a restarted pcscd (or a replugged reader) is picked up.
import { EventEmitter } from 'node:events';
import type { FaceKey } from '../../../vocabulary/face-key.js';
import type { Logger } from '../../../vocabulary/log.js';
import { CardChannel } from '../apdu/card-channel.js';
import { probeCard } from '../atr.js';
import type { CardReader, CardReaderEvents } from '../card-reader.js';
import { ChannelCardSession } from '../card-session.js';
import { openPcscContext, type NativeContext, type NativeReader, type ReaderStatus } from './pcsc-native.js';
import { PcscTransport } from './pcsc-transport.js';

export interface PcscCardReaderOptions {
  /** Use the first reader whose name contains this text ('' = the first reader). */
  readonly readerName: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** 照合番号B source for the face photo; without one, readFacePhoto() answers null. */
  readonly surfaceKey?: (atr: Buffer) => FaceKey | null;
  /** How long one operation waits while another program holds the card exclusively. */
  readonly exclusiveWaitMs?: number;
  /** Back-off before reopening a failed PC/SC context. */
  readonly retryMs?: number;
}

interface CardState { readonly atr: Buffer; readonly removed: AbortController }

export class PcscCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  readonly #options: PcscCardReaderOptions;
  #context: NativeContext | null = null;
  #active: NativeReader | null = null;
  /** Every reader the context reported, used or not: each must be closed, or close() hangs. */
  #readers = new Set<NativeReader>();
  #card: CardState | null = null;
  #running = false;
  #retry: NodeJS.Timeout | null = null;
  #lastError = '';

  constructor(options: PcscCardReaderOptions) {
    super();
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#open();
  }

  async stop(): Promise<void> {
    this.#running = false;
    // Never close from inside a native callback's microtasks (see #onReader).
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#close();
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    if (!this.#context) return { ok: false, detail: `pcscd not reachable${this.#lastError ? `: ${this.#lastError}` : ''}` };
    if (!this.#active) return { ok: false, detail: `no reader${this.#options.readerName ? ` matching "${this.#options.readerName}"` : ''}` };
    return { ok: true, detail: `${this.#active.name}, ${this.#card ? 'card present' : 'no card'}` };
  }

  #open(): void {
    const context = openPcscContext();
    this.#context = context;
    context.on('error', (error: unknown) => setImmediate(() => {
      const text = error instanceof Error ? error.message : String(error);
      // Warn once per outage; the retries every few seconds go to debug.
      if (!this.#lastError) this.#options.logger.warn({ err: text }, 'PC/SC context failed (is pcscd running?); retrying');
      else this.#options.logger.debug({ err: text }, 'PC/SC context still failing');
      this.#lastError = text;
      this.#close();
      if (this.#running && !this.#retry) {
        this.#retry = setTimeout(() => { this.#retry = null; if (this.#running) this.#open(); }, this.#options.retryMs ?? 2000);
      }
    }));
    context.on('reader', (reader: NativeReader) => setImmediate(() => this.#onReader(reader)));
  }

  #close(): void {
    this.#dropCard();
    const active = this.#active;
    this.#active = null;
    for (const reader of this.#readers) {
      reader.removeAllListeners();
      reader.on('error', () => undefined);
      reader.close();
    }
    this.#readers.clear();
    if (active) this.emit('reader', { name: active.name, present: false });
    const context = this.#context;
    this.#context = null;
    if (context) {
      context.removeAllListeners();
      context.on('error', () => undefined); // late errors from a closed context
      context.close();
    }
  }

  #onReader(reader: NativeReader): void {
    this.#readers.add(reader);
    reader.once('end', () => this.#readers.delete(reader));
    const wanted = this.#options.readerName;
    if (this.#active || (wanted && !reader.name.includes(wanted))) {
      this.#options.logger.debug({ reader: reader.name }, 'PC/SC reader ignored');
      reader.on('error', () => undefined);
      return;
    }
    this.#active = reader;
    if (this.#lastError) this.#options.logger.info('PC/SC back');
    this.#lastError = '';
    this.#options.logger.info({ reader: reader.name }, 'PC/SC reader in use');
    this.emit('reader', { name: reader.name, present: true });
    reader.on('error', (error: unknown) => this.#options.logger.warn({ err: String(error) }, 'PC/SC reader error'));
    // @pokusew/pcsclite holds the reader's mutex while it calls this listener, and the microtasks
    // our handling sets off run before it lets go: any close() reached from them would deadlock.
    // So status changes are handled on a later turn of the event loop.
    reader.on('status', (status: ReaderStatus) => setImmediate(() => this.#onStatus(reader, status)));
    reader.on('end', () => {
      if (this.#active !== reader) return;
      this.#dropCard();
      this.#active = null;
      this.emit('reader', { name: reader.name, present: false });
    });
  }

  #onStatus(reader: NativeReader, status: ReaderStatus): void {
    if (this.#active !== reader) return;
    const present = (status.state & reader.SCARD_STATE_PRESENT) !== 0 && (status.state & reader.SCARD_STATE_MUTE) === 0;
    const atr = status.atr && status.atr.length > 0 ? Buffer.from(status.atr) : null;
    if (!present) {
      if (this.#card) this.#dropCard();
      return;
    }
    // Present without an ATR: the card is unpowered (we unpower it after a VERIFY), not gone.
    if (!atr) return;
    if (this.#card?.atr.equals(atr)) return; // same card, another state bit changed
    if (this.#card) this.#dropCard(); // swapped faster than we saw the gap
    this.#onCard(reader, atr);
  }

  #onCard(reader: NativeReader, atr: Buffer): void {
    const card: CardState = { atr, removed: new AbortController() };
    this.#card = card;
    // No connection is kept: each operation connects exclusively and lets go (PcscTransport).
    void this.#announce(reader, card);
  }

  async #announce(reader: NativeReader, card: CardState): Promise<void> {
    const { timeoutMs, logger } = this.#options;
    const transport = new PcscTransport(reader, { waitMs: this.#options.exclusiveWaitMs ?? 10000, removed: card.removed.signal });
    try {
      const probe = new CardChannel(transport, { timeoutMs, removed: card.removed.signal });
      const { kind, token, tokenName } = await transport.exclusive(() => probeCard(probe, card.atr), { clearSecurityState: false });
      if (card.removed.signal.aborted) return;
      const session = new ChannelCardSession(transport, {
        atr: card.atr, kind, token, removed: card.removed.signal, timeoutMs,
        surfaceKey: () => this.#options.surfaceKey?.(card.atr) ?? null,
      });
      logger.info({ kind, token: tokenName, atr: card.atr.toString('hex') }, 'card inserted');
      this.emit('inserted', session);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'card could not be identified');
    }
  }

  #dropCard(): void {
    const card = this.#card;
    if (!card) return;
    this.#card = null;
    card.removed.abort();
    this.#options.logger.info('card removed');
    const reader = this.#active;
    reader?.disconnect(reader.SCARD_LEAVE_CARD, () => undefined);
  }
}
