// The simulated patient's answers, shared by the in-process SimReaderPanel and the pty panel
// simulator, so a script means the same thing on both. PINs here are test-card PINs only.
import type { ConsentItem, Consents } from '../../../vocabulary/consent.js';
import type { PanelConfig } from '../config.js';
import type { IdentityChoice, RegistrationAnswer } from '../reader-panel.js';

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
  /** Asks never answered (until withdrawn): for timeout tests. */
  readonly hang?: readonly SimAsk[];
}

export type SimDefaults = Pick<PanelConfig, 'simIdentity' | 'simPin' | 'simConsent' | 'simRegistration'>;

export const SIM_DEFAULTS: SimDefaults = { simIdentity: 'face', simPin: '1234', simConsent: 'all-yes', simRegistration: 'register' };

export class ScriptedPatient {
  #script: SimPanelScript = {};
  #pinIndex = 0;

  constructor(private readonly defaults: SimDefaults = SIM_DEFAULTS) {}

  get current(): SimPanelScript {
    return this.#script;
  }

  script(answers: SimPanelScript): void {
    this.#script = answers;
    this.#pinIndex = 0;
  }

  hangs(ask: SimAsk): boolean {
    return this.#script.hang?.includes(ask) ?? false;
  }

  identity(choices: readonly IdentityChoice[]): IdentityChoice {
    const wanted = this.#script.identity ?? this.defaults.simIdentity;
    return choices.includes(wanted) ? wanted : choices[0] ?? 'face';
  }

  /** The next PIN typed, or 'cancel'. */
  pin(): string {
    const pins = this.#script.pins ?? [this.defaults.simPin];
    const typed = pins[Math.min(this.#pinIndex, pins.length - 1)] ?? this.defaults.simPin;
    this.#pinIndex++;
    return typed;
  }

  consent(items: readonly ConsentItem[]): Consents | 'cancel' {
    const plan = this.#script.consent ?? this.defaults.simConsent;
    if (plan === 'cancel') return 'cancel';
    const consents: Consents = {};
    for (const item of items) consents[item] = plan === 'all-yes' ? true : plan === 'all-no' ? false : plan[item] ?? true;
    return consents;
  }

  registration(): RegistrationAnswer['kind'] {
    return this.#script.registration ?? this.defaults.simRegistration;
  }
}
