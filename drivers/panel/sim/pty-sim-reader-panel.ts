// panel.driver 'pty': the demo's panel through a real serial device. It starts a socat pty pair,
// runs the panel simulator (scripted answers from config) on one end and the real serial driver
// on the other, so everything the gateway does with the panel crosses the protocol and a tty.
// Same small control as SimReaderPanel (script, pressAssist) plus the cable, for demos.
import { EventEmitter } from 'node:events';
import type { ConsentItem } from '../../../vocabulary/consent.js';
import type { Logger } from '../../../vocabulary/log.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { PanelConfig } from '../config.js';
import type {
  ConsentAnswer, IdentityChoice, PinEntry, ReaderPanel, ReaderPanelEvents, RegistrationAnswer, Screen,
} from '../reader-panel.js';
import { SerialReaderPanel } from '../serial-reader-panel.js';
import { PanelSimulator } from './panel-simulator.js';
import { ScriptedAnswers } from './scripted-answers.js';
import type { SimPanelScript } from './scripted-patient.js';
import { ptyPair, type PtyPair } from './socat-pty.js';
import type { PinReason } from '../../../vocabulary/front-guidance.js';

export class PtySimReaderPanel extends EventEmitter<ReaderPanelEvents> implements ReaderPanel {
  readonly #patient: ScriptedAnswers;
  #pair: PtyPair | null = null;
  #simulator: PanelSimulator | null = null;
  #serial: SerialReaderPanel | null = null;

  constructor(private readonly config: PanelConfig, private readonly logger: Logger) {
    super();
    this.#patient = new ScriptedAnswers({}, config);
  }

  get assisted(): boolean {
    return this.#serial?.assisted ?? false;
  }

  /** Sets the simulated patient's answers from now on. */
  script(answers: SimPanelScript): void {
    this.#patient.script(answers);
  }

  /** Staff press (or release) the assist key on the simulated panel. */
  pressAssist(active = true): Promise<void> {
    return this.#simulator?.pressAssist(active) ?? Promise.resolve();
  }

  /** Pulls the simulated cable (socat stops; both devices vanish) and plugs it back. */
  async pullCable(): Promise<void> {
    await this.#pair?.pull();
  }

  async plugCable(): Promise<void> {
    await this.#pair?.plug();
  }

  async start(): Promise<void> {
    let pair: PtyPair;
    try {
      pair = await ptyPair();
    } catch (error) {
      throw new Error(`panel.driver 'pty' needs socat (apt install socat): ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#pair = pair;
    const simulator = new PanelSimulator({ path: pair.panel, baudRate: this.config.baudRate, patient: this.#patient, ackTimeoutMs: this.config.ackTimeoutMs });
    this.#simulator = simulator;
    await simulator.start();
    simulator.on('screen', (show) => {
      if (show.screen === 'welcome' && this.#patient.current.assisted) simulator.pressAssist(true).catch(() => undefined);
    });
    const serial = new SerialReaderPanel({ ...this.config, path: pair.gateway }, this.logger);
    this.#serial = serial;
    serial.on('link', (state) => this.emit('link', state));
    serial.on('assist', (state) => this.emit('assist', state));
    this.logger.info({ gateway: pair.devices[0], panel: pair.devices[1] }, 'panel simulator on a socat pty pair');
    await serial.start();
  }

  async stop(): Promise<void> {
    await this.#serial?.stop();
    await this.#simulator?.stop();
    await this.#pair?.close();
    this.#serial = null;
    this.#simulator = null;
    this.#pair = null;
  }

  async show(screen: Screen): Promise<void> {
    return this.#inner().show(screen);
  }

  async askIdentityMethod(choices: readonly IdentityChoice[], signal: AbortSignal): Promise<IdentityChoice> {
    return this.#inner().askIdentityMethod(choices, signal);
  }

  async askPin(triesLeft: number, signal: AbortSignal, reason?: PinReason): Promise<PinEntry> {
    return this.#inner().askPin(triesLeft, signal, reason);
  }

  async askConsent(items: readonly ConsentItem[], signal: AbortSignal): Promise<ConsentAnswer> {
    return this.#inner().askConsent(items, signal);
  }

  async askRegistration(signal: AbortSignal): Promise<RegistrationAnswer> {
    return this.#inner().askRegistration(signal);
  }

  health(): { readonly ok: boolean; readonly detail: string } {
    return this.#serial ? this.#serial.health() : { ok: false, detail: 'pty panel not started' };
  }

  #inner(): SerialReaderPanel {
    if (!this.#serial) throw new GatewayError('PANEL_DOWN', 'The pty panel is not started');
    return this.#serial;
  }
}
