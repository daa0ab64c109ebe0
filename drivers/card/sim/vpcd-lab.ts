// Virtual cards for a lab reader: several test people's cards that can be put into and taken out
// of a vpcd reader on command (`oqsgw sim card --interactive`). Each person's card keeps its PIN
// counter between insertions, as the real one does.
import { EventEmitter } from 'node:events';
import { FaultInjector, type CardFault } from './faults.js';
import { listProfileIds, loadProfile } from './profiles.js';
import { VirtualCard } from './virtual-card.js';
import { VpcdHost } from './vpcd-host.js';

export interface VpcdLabOptions {
  readonly pkiDir: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 't0' | 't1';
  readonly fault: CardFault;
}

export class VpcdLab extends EventEmitter<{ removed: [string] }> {
  readonly #options: VpcdLabOptions;
  readonly #cards = new Map<string, VirtualCard>();
  #fault: CardFault;
  #host: VpcdHost | null = null;
  #current: string | null = null;
  #next = 0;

  constructor(options: VpcdLabOptions) {
    super();
    this.#options = options;
    this.#fault = options.fault;
  }

  profiles(): string[] { return listProfileIds(this.#options.pkiDir); }
  get current(): string | null { return this.#current; }
  setFault(fault: CardFault): void { this.#fault = fault; }

  /** Puts a person's card (the next in turn when omitted) into the reader; a card already there
   * is taken out first. */
  async insert(profileId?: string): Promise<string> {
    const ids = this.profiles();
    const id = profileId ?? ids[this.#next++ % ids.length];
    if (!id || !ids.includes(id)) throw new Error(`unknown test person ${String(profileId)} (known: ${ids.join(', ')})`);
    this.remove();
    let card = this.#cards.get(id);
    if (!card) {
      card = new VirtualCard(loadProfile(this.#options.pkiDir, id, { protocol: this.#options.protocol }));
      this.#cards.set(id, card);
    }
    const host = new VpcdHost(card, { host: this.#options.host, port: this.#options.port, faults: new FaultInjector(this.#fault) });
    host.once('closed', () => {
      if (this.#host !== host) return;
      this.#host = null;
      this.#current = null;
      this.emit('removed', id);
    });
    await host.insert();
    this.#host = host;
    this.#current = id;
    return id;
  }

  remove(): void {
    this.#host?.remove();
  }
}
