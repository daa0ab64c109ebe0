// A virtual card in a real reader stack: a private pcscd with vpcd (pcsc-daemon.ts), the PC/SC
// CardReader under test, and VpcdHost to put virtual cards into the reader and take them out.
import { once } from 'node:events';
import { silentLogger } from '../../vocabulary/log.js';
import type { CardSession } from '../../drivers/card/card-reader.js';
import { PcscCardReader } from '../../drivers/card/pcsc/pcsc-card-reader.js';
import type { FaultInjector } from '../../drivers/card/sim/faults.js';
import { VpcdHost, type ApduCard } from '../../drivers/card/sim/vpcd-host.js';
import { startPcscStack, type PcscStack } from './pcsc-daemon.js';
import { faceKeyOf } from './card-fixtures.js';

/** `promise`, or a rejection naming `what` after `ms`: a test waits on hardware, never for ever. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export class PcscCardRig {
  stack: PcscStack | null = null;
  reader: PcscCardReader | null = null;
  host: VpcdHost | null = null;
  /** 照合番号B the "face-auth reader" reads off the current card's front. */
  surfaceKey: string | null = null;
  #session: CardSession | null = null;

  async start(timeoutMs = 2000): Promise<void> {
    this.stack = await startPcscStack();
    this.reader = new PcscCardReader({
      readerName: this.stack.readerName, timeoutMs, logger: silentLogger, retryMs: 200, exclusiveWaitMs: 3000,
      surfaceKey: () => (this.surfaceKey ? faceKeyOf(this.surfaceKey) : null),
    });
    const ready = once(this.reader, 'reader');
    await this.reader.start();
    await within(ready, 10000, 'the vpcd reader to appear');
  }

  /** Puts a card in the reader and resolves with its session. */
  async insert(card: ApduCard & { surfaceKey?: string }, faults?: FaultInjector): Promise<CardSession> {
    if (!this.stack || !this.reader) throw new Error('rig not started');
    await this.remove();
    this.surfaceKey = card.surfaceKey ?? null;
    this.host = new VpcdHost(card, { port: this.stack.vpcdPort, ...(faults ? { faults } : {}) });
    const inserted = once(this.reader, 'inserted') as Promise<[CardSession]>;
    await this.host.insert();
    const [session] = await within(inserted, 10000, 'the card to be seen by pcscd');
    this.#session = session;
    return session;
  }

  /** Takes the card out and waits until the driver has seen it go. */
  async remove(): Promise<void> {
    const host = this.host;
    this.host = null;
    host?.remove();
    // Wait for pcscd to notice, or a quick re-insert of a card with the same ATR would look like
    // the same card staying in the reader.
    const session = this.#session;
    this.#session = null;
    if (session && !session.removed.aborted) await within(once(session.removed, 'abort'), 10000, 'the removal to be seen');
  }

  async stop(): Promise<void> {
    this.host?.remove();
    this.host = null;
    await this.reader?.stop();
    this.reader = null;
    await this.stack?.stop();
    this.stack = null;
  }
}
