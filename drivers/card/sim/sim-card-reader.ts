// The in-process simulator: a CardReader with a virtual My Number card and no pcscd. It runs the
// same JPKI code (ChannelCardSession) and the same card engine (VirtualCard) as the vpcd path.
// The demo and the flow tests drive it with insert() / remove().
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../vocabulary/log.js';
import { fromRoot } from '../../../vocabulary/paths.js';
import type { CardReader, CardReaderEvents } from '../card-reader.js';
import { ChannelCardSession } from '../card-session.js';
import { DirectTransport } from './direct-transport.js';
import { FaultInjector, type CardFault } from './faults.js';
import { cardFrontFor, listProfileIds, loadProfile } from './profiles.js';
import { VirtualCard } from './virtual-card.js';

export interface SimCardReaderOptions {
  readonly pkiDir: string;
  /** Test people to cycle through; empty: all in the PKI manifest. */
  readonly profiles?: readonly string[];
  readonly timeoutMs: number;
  readonly fault?: CardFault;
  readonly slowMs?: number;
  readonly protocol?: 't0' | 't1';
  readonly logger: Logger;
  readonly readerName?: string;
}

export class SimCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  readonly readerName: string;
  readonly #options: SimCardReaderOptions;
  readonly #cards = new Map<string, VirtualCard>();
  #ids: string[] = [];
  #next = 0;
  #started = false;
  #fault: CardFault;
  #current: { card: VirtualCard; session: ChannelCardSession; remove: AbortController } | null = null;

  constructor(options: SimCardReaderOptions) {
    super();
    this.#options = options;
    this.#fault = options.fault ?? 'none';
    this.readerName = options.readerName ?? 'OQS Virtual Card Reader 00 00';
  }

  async start(): Promise<void> {
    const { pkiDir, logger } = this.#options;
    // The demo must work from a fresh checkout: make (or bring up to date) the test-only PKI.
    // The script is idempotent and returns at once when the tree is current.
    const r = spawnSync('bash', [fromRoot('scripts', 'gen-test-pki.sh'), pkiDir], { stdio: 'ignore' });
    if (r.status !== 0 && !existsSync(join(pkiDir, 'manifest.json'))) {
      throw new Error(`sim card: could not generate the test PKI in ${pkiDir} (bash scripts/gen-test-pki.sh ${pkiDir})`);
    }
    if (r.status !== 0) logger.warn({ pkiDir }, 'sim card: gen-test-pki.sh failed; using the existing tree');
    const known = listProfileIds(pkiDir);
    const wanted = this.#options.profiles ?? [];
    const unknown = wanted.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new Error(`card.simProfiles: unknown test people ${unknown.join(', ')} (known: ${known.join(', ')})`);
    this.#ids = wanted.length > 0 ? [...wanted] : known;
    this.#started = true;
    this.emit('reader', { name: this.readerName, present: true });
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.remove();
    this.#started = false;
    this.emit('reader', { name: this.readerName, present: false });
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    return this.#started
      ? { ok: true, detail: `virtual reader, ${this.#current ? 'card present' : 'no card'}${this.#fault === 'none' ? '' : `, fault ${this.#fault}`}` }
      : { ok: false, detail: 'virtual reader not started' };
  }

  /** The test people this reader cycles through (also before start(), when the PKI exists). */
  profiles(): string[] {
    if (this.#started) return [...this.#ids];
    const wanted = this.#options.profiles ?? [];
    if (wanted.length > 0) return [...wanted];
    try { return listProfileIds(this.#options.pkiDir); } catch { return []; }
  }

  /** Misbehaviour of the next cards inserted. */
  setFault(fault: CardFault): void { this.#fault = fault; }

  /** The virtual card on the reader (tests look at its counters), or null. */
  currentCard(): VirtualCard | null { return this.#current?.card ?? null; }

  /** Places a test person's card (the next in turn when omitted); a card already there is
   * removed first. 'inserted' is emitted asynchronously, so listeners may attach after the call. */
  insert(profileId?: string): void {
    if (!this.#started) throw new Error('sim card reader not started');
    const id = profileId ?? this.#ids[this.#next++ % this.#ids.length];
    if (!id || !this.#ids.includes(id)) throw new Error(`unknown sim card profile ${String(profileId)} (known: ${this.#ids.join(', ')})`);
    this.remove();
    const card = this.#card(id);
    card.reset();
    const remove = new AbortController();
    const faults = new FaultInjector(this.#fault, { slowMs: this.#options.slowMs ?? 200 });
    const transport = new DirectTransport(card, faults, () => this.#removeIf(remove));
    // The face-auth reader reads 照合番号B off the card's front; the simulator knows it.
    const front = cardFrontFor(id);
    const token = card.token;
    const session = new ChannelCardSession(transport, {
      atr: card.atr, kind: token === 'juki' ? 'unknown' : 'mynumber', token: token === 'android' || token === 'iphone' ? 'smartphone' : 'card',
      removed: remove.signal, timeoutMs: this.#options.timeoutMs,
      surfaceKey: () => front.faceKey,
    });
    const current = { card, session, remove };
    this.#current = current;
    this.#options.logger.debug({ profile: id }, 'sim card inserted');
    setImmediate(() => { if (this.#current === current) this.emit('inserted', session); });
  }

  /** Takes the card away: its session's `removed` signal fires and pending commands end with
   * CARD_REMOVED. No-op without a card. */
  remove(): void {
    const current = this.#current;
    if (current) this.#removeIf(current.remove);
  }

  #removeIf(controller: AbortController): void {
    if (this.#current?.remove !== controller) return;
    this.#current = null;
    controller.abort();
    this.#options.logger.debug('sim card removed');
  }

  #card(id: string): VirtualCard {
    let card = this.#cards.get(id);
    if (!card) {
      card = new VirtualCard(loadProfile(this.#options.pkiDir, id, { protocol: this.#options.protocol ?? 't1' }));
      this.#cards.set(id, card);
    }
    return card;
  }
}
