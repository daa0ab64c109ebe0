// An in-process reader panel that answers from a script: the demo's panel when panel.driver is
// 'sim', and the flow's tests' panel. No serial port; the serial driver and the pty simulator
// cover the wire. PINs in a script are test-card PINs only; they become PinDigits at once.
import { EventEmitter } from 'node:events';
import { PinDigits } from '../../../vocabulary/pin-digits.js';
import type { ConsentItem } from '../../../vocabulary/consent.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { ScriptedPatient, type SimAsk, type SimDefaults, type SimPanelScript } from './scripted-patient.js';
import type { PinReason } from '../../../vocabulary/front-guidance.js';
import type {
  ConsentAnswer, IdentityChoice, PinEntry, ReaderPanel, ReaderPanelEvents, RegistrationAnswer, Screen,
} from '../reader-panel.js';

export type { SimAsk, SimPanelScript };

/** What the simulated patient was shown and asked; no PINs, for tests and the demo's log. */
export type SimPanelRecord =
  | { readonly kind: 'screen'; readonly screen: Screen }
  | { readonly kind: 'ask'; readonly ask: SimAsk; readonly triesLeft?: number; readonly items?: readonly ConsentItem[]; readonly reason?: PinReason };

export class SimReaderPanel extends EventEmitter<ReaderPanelEvents> implements ReaderPanel {
  readonly #patient: ScriptedPatient;
  #linkUp = false;
  #assisted = false;
  /** Everything shown and asked since start (bounded), newest last. */
  readonly history: SimPanelRecord[] = [];

  constructor(defaults: SimDefaults) {
    super();
    this.#patient = new ScriptedPatient(defaults);
  }

  get assisted(): boolean {
    return this.#assisted;
  }

  /** Sets the answers used from now on (replacing any earlier script). */
  script(answers: SimPanelScript): void {
    this.#patient.script(answers);
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
      if (this.#patient.current.assisted) queueMicrotask(() => this.pressAssist(true));
    }
    this.#record({ kind: 'screen', screen });
  }

  async askIdentityMethod(choices: readonly IdentityChoice[], signal: AbortSignal): Promise<IdentityChoice> {
    this.#record({ kind: 'ask', ask: 'identity' });
    const choice = this.#patient.identity(choices);
    return this.#answer('identity', signal, () => choice);
  }

  async askPin(triesLeft: number, signal: AbortSignal, reason?: PinReason): Promise<PinEntry> {
    this.#record({ kind: 'ask', ask: 'pin', triesLeft, ...(reason ? { reason } : {}) });
    const typed = this.#patient.pin();
    return this.#answer('pin', signal, (): PinEntry => (typed === 'cancel' ? { kind: 'cancel' } : { kind: 'pin', digits: new PinDigits(typed) }));
  }

  async askConsent(items: readonly ConsentItem[], signal: AbortSignal): Promise<ConsentAnswer> {
    this.#record({ kind: 'ask', ask: 'consent', items: [...items] });
    const consents = this.#patient.consent(items);
    return this.#answer('consent', signal, (): ConsentAnswer => (consents === 'cancel' ? { kind: 'cancel' } : { kind: 'answered', consents }));
  }

  async askRegistration(signal: AbortSignal): Promise<RegistrationAnswer> {
    this.#record({ kind: 'ask', ask: 'registration' });
    const kind = this.#patient.registration();
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
      const timer = this.#patient.hangs(ask) ? undefined : setImmediate(() => done(() => resolve(make())));
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
