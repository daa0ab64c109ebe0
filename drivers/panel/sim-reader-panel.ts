// An in-process reader panel that answers from a script: the demo's panel when panel.driver is
// 'sim', and the flow's tests' panel. No serial port; the serial driver and the pty simulator
// cover the wire. PINs in a script are test-card PINs only; they become PinDigits at once.
import { EventEmitter } from 'node:events';
import { PinDigits } from '../card/card-reader.js';
import type { ConsentItem, Consents } from '../../daemon/domain/consent.js';
import { GatewayError } from '../../daemon/result-codes.js';
import type { PanelConfig } from './config.js';
import type {
  ConsentAnswer, IdentityChoice, PinEntry, ReaderPanel, ReaderPanelEvents, RegistrationAnswer, Screen,
} from './reader-panel.js';

export type SimAsk = 'identity' | 'pin' | 'consent' | 'registration';

/** The patient's answers from now on; any field left out keeps its config default. */
export interface SimPanelScript {
  readonly identity?: IdentityChoice;
  /** One per PIN ask, in turn; the last one repeats. 'cancel' presses cancel. */
  readonly pins?: readonly string[];
  /** Per-item answers (an item asked but missing here is answered true), or a blanket answer. */
  readonly consent?: Consents | 'all-yes' | 'all-no' | 'cancel';
  readonly registration?: RegistrationAnswer['kind'];
  /** Staff press the assist key when the next check-in begins. */
  readonly assisted?: boolean;
  /** Asks never answered (until their signal aborts): for timeout tests. */
  readonly hang?: readonly SimAsk[];
}

/** What the simulated patient was shown and asked; no PINs, for tests and the demo's log. */
export type SimPanelRecord =
  | { readonly kind: 'screen'; readonly screen: Screen }
  | { readonly kind: 'ask'; readonly ask: SimAsk; readonly triesLeft?: number; readonly items?: readonly ConsentItem[] };

export class SimReaderPanel extends EventEmitter<ReaderPanelEvents> implements ReaderPanel {
  #script: SimPanelScript = {};
  #pinIndex = 0;
  #linkUp = false;
  #assisted = false;
  /** Everything shown and asked since start (bounded), newest last. */
  readonly history: SimPanelRecord[] = [];

  constructor(private readonly config: Pick<PanelConfig, 'simIdentity' | 'simPin' | 'simConsent' | 'simRegistration'>) {
    super();
  }

  get assisted(): boolean {
    return this.#assisted;
  }

  /** Sets the answers used from now on (replacing any earlier script). */
  script(answers: SimPanelScript): void {
    this.#script = answers;
    this.#pinIndex = 0;
  }

  /** Staff press (or release) the assist key. */
  pressAssist(active = true): void {
    this.#assisted = active;
    this.emit('assist', { active });
  }

  /** Simulates a pulled cable (false) and its return (true), as the serial driver reports them. */
  setLink(up: boolean, detail = up ? 'sim link up' : 'sim link down'): void {
    if (this.#linkUp === up) return;
    this.#linkUp = up;
    this.emit('link', { up, detail });
  }

  get lastScreen(): Screen | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const record = this.history[i]!;
      if (record.kind === 'screen') return record.screen;
    }
    return undefined;
  }

  async start(): Promise<void> {
    this.setLink(true, 'sim panel ready');
  }

  async stop(): Promise<void> {
    this.setLink(false, 'sim panel stopped');
  }

  async show(screen: Screen): Promise<void> {
    this.#requireLink();
    if (screen.kind === 'welcome') {
      // A new patient: staff assistance belonged to the previous one.
      this.#assisted = false;
      if (this.#script.assisted) queueMicrotask(() => this.pressAssist(true));
    }
    this.#record({ kind: 'screen', screen });
  }

  async askIdentityMethod(choices: readonly IdentityChoice[], signal: AbortSignal): Promise<IdentityChoice> {
    this.#record({ kind: 'ask', ask: 'identity' });
    const wanted = this.#script.identity ?? this.config.simIdentity;
    const choice = choices.includes(wanted) ? wanted : choices[0] ?? 'face';
    return this.#answer('identity', signal, () => choice);
  }

  async askPin(triesLeft: number, signal: AbortSignal): Promise<PinEntry> {
    this.#record({ kind: 'ask', ask: 'pin', triesLeft });
    const pins = this.#script.pins ?? [this.config.simPin];
    const typed = pins[Math.min(this.#pinIndex, pins.length - 1)] ?? this.config.simPin;
    this.#pinIndex++;
    return this.#answer('pin', signal, (): PinEntry => (typed === 'cancel' ? { kind: 'cancel' } : { kind: 'pin', digits: new PinDigits(typed) }));
  }

  async askConsent(items: readonly ConsentItem[], signal: AbortSignal): Promise<ConsentAnswer> {
    this.#record({ kind: 'ask', ask: 'consent', items: [...items] });
    const plan = this.#script.consent ?? this.config.simConsent;
    return this.#answer('consent', signal, (): ConsentAnswer => {
      if (plan === 'cancel') return { kind: 'cancel' };
      const consents: Consents = {};
      for (const item of items) consents[item] = plan === 'all-yes' ? true : plan === 'all-no' ? false : plan[item] ?? true;
      return { kind: 'answered', consents };
    });
  }

  async askRegistration(signal: AbortSignal): Promise<RegistrationAnswer> {
    this.#record({ kind: 'ask', ask: 'registration' });
    const kind = this.#script.registration ?? this.config.simRegistration;
    return this.#answer('registration', signal, (): RegistrationAnswer => ({ kind }));
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    return { ok: this.#linkUp, detail: this.#linkUp ? 'sim panel' : 'sim panel link down' };
  }

  #requireLink(): void {
    if (!this.#linkUp) throw new GatewayError('PANEL_DOWN', 'The reader panel is not connected');
  }

  #record(record: SimPanelRecord): void {
    this.history.push(record);
    if (this.history.length > 200) this.history.splice(0, this.history.length - 200);
  }

  /** Answers on a later turn (as a patient would), or never when the script says hang. */
  #answer<T>(ask: SimAsk, signal: AbortSignal, make: () => T): Promise<T> {
    this.#requireLink();
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onLink = ({ up }: { up: boolean }): void => {
        if (!up) done(() => reject(new GatewayError('PANEL_DOWN', 'The reader panel went away during a question')));
      };
      const onAbort = (): void => done(() => reject(signal.reason));
      const timer = this.#script.hang?.includes(ask) ? undefined : setImmediate(() => done(() => resolve(make())));
      const done = (settle: () => void): void => {
        if (timer) clearImmediate(timer);
        signal.removeEventListener('abort', onAbort);
        this.off('link', onLink);
        settle();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.on('link', onLink);
    });
  }
}
